"""The workflow's mail (issue 21, item 2): the enterer hears once when a record is returned
(with the reason) or approved; each planner gets one digest a day of what waits; a person
with mail off gets none; each mail is in its recipient's language."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from community.models import StaffProfile
from indicators.models import Indicator
from indicators.services import indicator_value_create
from infrastructure.jobs.models import Job, JobStatus
from infrastructure.workflow import Transition, record_transition
from portal.models import SentMail
from portal.notifications import WORKFLOW_MAIL, digests_send
from tests.factories import ward

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def people(chuo_officer, planner):
    from community.access import Role
    from tests.conftest import _staff

    second = _staff("second_planner", Role.PLANNER)
    for user, email in (
        (chuo_officer, "chuo@example.jp"),
        (planner, "planner@example.jp"),
        (second, "second@example.jp"),
    ):
        user.email = email
        user.save()
    return chuo_officer, planner, second


def entered_and_submitted(officer):
    record = indicator_value_create(
        user=officer,
        indicator=Indicator.objects.get(code="KPI-3-1"),
        fiscal_year=2015,
        kind="actual",
        value=Decimal("24500"),
        ward=ward("chuo"),
    )
    return record_transition(record=record, transition=Transition.SUBMIT, user=officer)


def move(record, transition, user, comment="", *, capture):
    with capture(execute=True):
        return record_transition(record=record, transition=transition, user=user, comment=comment)


def test_a_returned_record_mails_its_enterer_once_with_the_reason(
    people, tasks_run_at_once, django_capture_on_commit_callbacks
):
    officer, planner, _second = people
    record = entered_and_submitted(officer)
    assert mail.outbox == []  # a submission mails no one at once (the digest does)
    move(
        record,
        Transition.RETURN,
        planner,
        "前年度の10倍です。桁を確認してください。",
        capture=django_capture_on_commit_callbacks,
    )
    (message,) = mail.outbox
    assert message.to == ["chuo@example.jp"]
    assert "差し戻し" in message.subject
    assert "前年度の10倍です。桁を確認してください。" in message.body
    assert f"/admin/indicators/indicatorvalue/{record.pk}/change/" in message.body
    # Through the outbox: a job, done; run again, it sends nothing.
    job = Job.objects.get(kind=WORKFLOW_MAIL)
    assert job.status == JobStatus.SUCCEEDED
    from portal.notifications import send_transition_mail

    assert send_transition_mail(job, lambda *a: None)["already_sent"] == 1
    assert len(mail.outbox) == 1
    assert SentMail.objects.filter(recipient=officer).count() == 1


def test_a_planner_reads_the_mails_sent_in_the_admin_and_no_one_changes_them(
    people, tasks_run_at_once, django_capture_on_commit_callbacks
):
    """The mails sent (``SentMail``), read-only in the admin for planners; each of the
    municipality of the record it is about."""
    from django.test import Client

    officer, planner, _second = people
    record = entered_and_submitted(officer)
    move(record, Transition.RETURN, planner, "理由", capture=django_capture_on_commit_callbacks)
    sent = SentMail.objects.get(recipient=officer)
    assert sent.municipality_id == record.indicator.plan.municipality_id
    browser = Client()
    browser.force_login(planner)
    changelist = browser.get("/admin/portal/sentmail/")
    assert changelist.status_code == 200
    assert "chuo@example.jp" in changelist.content.decode()
    page = browser.get(f"/admin/portal/sentmail/{sent.pk}/change/")
    assert page.status_code == 200
    assert "理由" in page.content.decode()  # the body, to read
    assert browser.get("/admin/portal/sentmail/add/").status_code == 403
    assert browser.post(f"/admin/portal/sentmail/{sent.pk}/delete/").status_code == 403
    assert SentMail.objects.filter(pk=sent.pk).exists()
    browser.force_login(officer)  # a ward officer: not theirs to read
    assert browser.get("/admin/portal/sentmail/").status_code == 403


def test_an_approval_mails_the_enterer(
    people, tasks_run_at_once, django_capture_on_commit_callbacks
):
    officer, planner, _second = people
    record = entered_and_submitted(officer)
    move(record, Transition.APPROVE, planner, capture=django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == ["chuo@example.jp"]
    assert "承認" in message.subject and str(record) in message.subject
    assert "承認されました" in message.body


def test_a_person_with_mail_off_gets_none(
    people, tasks_run_at_once, django_capture_on_commit_callbacks
):
    officer, planner, second = people
    StaffProfile.objects.filter(user=officer).update(mail_notifications=False)
    StaffProfile.objects.update_or_create(user=second, defaults={"mail_notifications": False})
    record = entered_and_submitted(officer)
    move(record, Transition.RETURN, planner, "理由", capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    record_transition(record=record, transition=Transition.SUBMIT, user=officer)
    digests_send(today=TODAY)
    assert [m.to for m in mail.outbox] == [["planner@example.jp"]]  # the digest, to one
    assert not Job.objects.filter(kind=WORKFLOW_MAIL).exists()  # no one to mail: no job


def test_an_english_reader_gets_english(
    people, tasks_run_at_once, django_capture_on_commit_callbacks
):
    officer, planner, _second = people
    StaffProfile.objects.filter(user=officer).update(language="en")
    record = entered_and_submitted(officer)
    move(
        record,
        Transition.RETURN,
        planner,
        "Check the digits.",
        capture=django_capture_on_commit_callbacks,
    )
    (message,) = mail.outbox
    assert message.subject.startswith("Returned: ")
    assert "was returned by planner" in message.body
    assert "Reason for the return" in message.body
    assert "差し戻" not in message.body + message.subject


def test_the_digest_goes_once_a_day_to_each_planner_with_what_waits(people, tasks_run_at_once):
    officer, _planner, _second = people
    record = entered_and_submitted(officer)
    assert digests_send(today=TODAY).sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["planner@example.jp", "second@example.jp"]
    assert all(str(record) in m.body for m in mail.outbox)
    assert all("承認待ち 1件" in m.subject for m in mail.outbox)
    run = digests_send(today=TODAY)  # again the same day: nothing more
    assert (run.sent, run.already_sent) == (0, 2)
    assert len(mail.outbox) == 2
    digests_send(today=TODAY + datetime.timedelta(days=1))  # the next day: again
    assert len(mail.outbox) == 4


def test_no_digest_when_nothing_waits_or_only_ones_own(people, tasks_run_at_once):
    _officer, planner, _second = people
    assert digests_send(today=TODAY).sent == 0
    # A record the planner submitted himself waits for the other planner only (four eyes).
    record = indicator_value_create(
        user=planner,
        indicator=Indicator.objects.get(code="KPI-3-1"),
        fiscal_year=2015,
        kind="actual",
        value=Decimal("24500"),
    )
    record_transition(record=record, transition=Transition.SUBMIT, user=planner)
    digests_send(today=TODAY)
    assert [m.to for m in mail.outbox] == [["second@example.jp"]]


def test_the_digest_is_scheduled_daily(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portal.tasks.send_submission_digests" in tasks
