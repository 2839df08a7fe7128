import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from community.access import Role, role_of, ward_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_password(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)


def test_create_staff_makes_a_ward_officer_of_one_ward(staff_password, capsys):
    call_command("create_staff", "tanaka", "--role", "ward_officer", "--ward", "中央区")
    user = get_user_model().objects.get(username="tanaka")
    assert user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD)
    assert role_of(user) is Role.WARD_OFFICER
    assert ward_of(user).name == "中央区"
    assert "tanaka" in capsys.readouterr().out


@pytest.mark.parametrize("named", ["kita", "KITA", "431052", "４３１０５２"])
def test_create_staff_accepts_the_ward_code_too(staff_password, named):
    """The ward as every other door takes it (community.selectors.ward_named): its code, its
    own 全国地方公共団体コード, full-width or not."""
    call_command("create_staff", "sato", "--role", "ward_officer", "--ward", named)
    assert ward_of(get_user_model().objects.get(username="sato")).name == "北区"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--role", "ward_officer"], "区職員には区を指定"),
        (["--role", "planner", "--ward", "東区"], "区を指定できるのは区職員だけ"),
        (["--role", "ward_officer", "--ward", "熊本区"], "Unknown ward"),
    ],
)
def test_create_staff_refuses_a_wrong_ward(staff_password, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_staff", "suzuki", *arguments)
    assert not get_user_model().objects.filter(username="suzuki").exists()


def test_create_staff_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "12345")
    with pytest.raises(CommandError):
        call_command("create_staff", "weak", "--role", "planner")
    assert not get_user_model().objects.filter(username="weak").exists()


def test_create_staff_refuses_a_taken_username(staff_password, planner):
    with pytest.raises(CommandError, match="planner"):
        call_command("create_staff", "planner", "--role", "admin")
    assert role_of(planner) is Role.PLANNER


def test_without_a_password_and_a_terminal_it_says_what_to_do(monkeypatch):
    monkeypatch.delenv("STAFF_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: False)
    with pytest.raises(CommandError, match="STAFF_PASSWORD"):
        call_command("create_staff", "nopass", "--role", "planner")


@pytest.mark.parametrize(
    ("persona", "allowed", "refused"),
    [
        (
            "chuo_officer",
            [
                "programs.view_pillar",
                "indicators.view_indicator",
                "indicators.add_indicatorvalue",
                "indicators.change_indicatorvalue",
            ],
            [
                "programs.change_pillar",
                "indicators.change_indicator",
                "indicators.change_ratingscale",
                "auth.add_user",
            ],
        ),
        (
            "planner",
            [
                "programs.change_pillar",
                "programs.add_action",
                "indicators.change_indicator",
                "indicators.delete_indicatorvalue",
                "community.change_schooldistrict",
            ],
            ["auth.add_user", "auth.change_group", "community.change_ward"],
        ),
        (
            "city_admin",
            [
                "auth.add_user",
                "auth.change_group",
                "programs.delete_pillar",
                "community.change_staffprofile",
            ],
            [],
        ),
    ],
)
def test_roles_from_the_migrations_grant_their_permissions(request, persona, allowed, refused):
    user = request.getfixturevalue(persona)
    for permission in allowed:
        assert user.has_perm(permission), permission
    for permission in refused:
        assert not user.has_perm(permission), permission


def test_the_public_has_no_role(client):
    from django.contrib.auth.models import AnonymousUser

    assert role_of(AnonymousUser()) is None
    assert ward_of(AnonymousUser()) is None


def test_an_inactive_account_has_no_role(planner):
    planner.is_active = False
    assert role_of(planner) is None
