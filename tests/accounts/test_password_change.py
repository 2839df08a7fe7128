"""A new password ends the account's API tokens and its other sessions, whichever door changed
it (issue 18, item 4: after /admin/password_change/ the old knox token still read the
account's drafts; every test below failed before the change for the token, and the session
row stayed in the database)."""

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from knox.models import AuthToken

from infrastructure.accounts.tokens import token_issue
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-Kumamoto-passphrase-2027"
DRAFTS = "/api/v1/indicator-values/"


def signed_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get("/admin/").status_code == 200
    return client


def reads_with(secret: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Token {secret}").get(DRAFTS).status_code


def sessions_of(user) -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]


@pytest.fixture
def before(planner):
    """The planner with a token and a browser session elsewhere, both working."""
    secret, _expiry = token_issue(user=planner)
    assert reads_with(secret) == 200
    elsewhere = signed_in("planner")
    return planner, secret, elsewhere


def assert_ended(user, secret, elsewhere, keep: Client | None = None):
    assert reads_with(secret) == 401
    assert not AuthToken.objects.filter(user=user).exists()
    assert elsewhere.session.session_key not in sessions_of(user)
    response = elsewhere.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    if keep is not None:
        assert sessions_of(user) == [keep.session.session_key]
    else:
        assert sessions_of(user) == []


def test_the_admin_password_change_ends_tokens_and_other_sessions_but_not_its_own(before):
    planner, secret, elsewhere = before
    here = signed_in("planner")
    response = here.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_ended(planner, secret, elsewhere, keep=here)
    assert here.get("/admin/").status_code == 200  # the session that changed it stays


def test_an_admin_setting_anothers_password_ends_that_accounts_tokens_and_sessions(
    before, city_admin
):
    planner, secret, elsewhere = before
    admin = signed_in("city_admin")
    response = admin.post(
        f"/admin/auth/user/{planner.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_ended(planner, secret, elsewhere)
    assert admin.get("/admin/").status_code == 200  # the admin's own session is untouched


def test_changepassword_ends_tokens_and_sessions(before, monkeypatch):
    planner, secret, elsewhere = before
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", "planner", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert_ended(planner, secret, elsewhere)


def test_set_password_in_the_shell_ends_tokens_and_sessions(before):
    planner, secret, elsewhere = before
    user = get_user_model().objects.get(pk=planner.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert_ended(planner, secret, elsewhere)


def test_a_password_reset_ends_tokens_and_sessions(before):
    """The form of Django's password reset (and of any set-password page)."""
    planner, secret, elsewhere = before
    form = SetPasswordForm(
        get_user_model().objects.get(pk=planner.pk),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert form.is_valid(), form.errors
    form.save()
    assert_ended(planner, secret, elsewhere)


def test_saving_an_account_without_a_new_password_keeps_tokens_and_sessions(before):
    planner, secret, elsewhere = before
    user = get_user_model().objects.get(pk=planner.pk)
    user.email = "planner@example.jp"
    user.save()
    assert reads_with(secret) == 200
    assert elsewhere.get("/admin/").status_code == 200


def test_a_stronger_hash_at_login_is_not_a_password_change(before, settings):
    """Django rehashes a password at login when the hasher changes: same password, so the
    tokens stay and the other sessions are not deleted (Django itself then asks them to sign
    in again: their stored hash of the password no longer matches)."""
    planner, secret, elsewhere = before
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    signed_in("planner")
    planner.refresh_from_db()
    assert planner.password.startswith("pbkdf2_sha256$")  # it was rehashed
    assert reads_with(secret) == 200
    assert elsewhere.session.session_key in sessions_of(planner)
