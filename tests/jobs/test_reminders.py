"""Reporting-round reminders: one e-mail per ward officer listing exactly what their ward
still owes, a late summary for planners, never a second copy."""

import datetime

import pytest
from django.core import mail

from community import access
from community.models import Ward
from indicators.models import Indicator, Reminder, ReminderKind, ReportingRound
from indicators.reminders import reminders_send
from indicators.selectors import reporting_gaps, ward_completeness
from infrastructure.workflow import Status
from tests.factories import value

from .conftest import wait_for

YEAR = 2015
TODAY = datetime.date(2016, 5, 20)


@pytest.fixture
def people(chuo_officer, higashi_officer, planner):
    for user, email in (
        (chuo_officer, "chuo@example.jp"),
        (higashi_officer, "higashi@example.jp"),
        (planner, "planner@example.jp"),
    ):
        user.email = email
        user.date_joined = datetime.datetime(2016, 4, 1, tzinfo=datetime.UTC)  # before the rounds
        user.save()
    return chuo_officer, higashi_officer, planner


def a_round(deadline, **extra):
    return ReportingRound.objects.create(fiscal_year=YEAR, deadline=deadline, **extra)


def fill_everything_but(ward_code: str, *, keep_draft: str | None = None):
    """Approved actuals of every indicator for the ward, except ``keep_draft`` as a draft."""
    for indicator in Indicator.objects.all():
        value(
            indicator=indicator.code,
            fiscal_year=YEAR,
            ward_code=ward_code,
            amount="1",
            status=Status.DRAFT if indicator.code == keep_draft else Status.APPROVED,
        )


def test_the_gaps_are_what_the_completeness_counts(db):
    value(indicator="KPI-1-1", fiscal_year=YEAR, ward_code="chuo", amount="50")
    wards = list(Ward.objects.all())
    gaps = reporting_gaps(wards, fiscal_year=YEAR)
    for row in ward_completeness(wards, fiscal_year=YEAR, scope=access.CITY_WIDE_SCOPE):
        owed = sum(
            row[part]["missing"] + row[part][Status.DRAFT]
            for part in ("indicator_values", "initiative_progress")
        )
        assert len(gaps[row["ward"].pk]) == owed
    chuo = next(g for g in gaps[Ward.objects.get(code="chuo").pk] if g.subject.code == "KPI-1-1")
    assert chuo.status == Status.DRAFT


def test_before_the_deadline_each_officer_gets_one_email_listing_what_is_owed(people):
    chuo_officer = people[0]
    a_round(TODAY + datetime.timedelta(days=3))
    value(indicator="KPI-1-1", fiscal_year=YEAR, ward_code="chuo", amount="50")

    run = reminders_send(today=TODAY)

    assert run.sent == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"chuo@example.jp", "higashi@example.jp"}
    message = by_recipient["chuo@example.jp"]
    assert "中央区" in message.subject and "2015年度" in message.subject
    assert "KPI-1-1" in message.body and "下書き" in message.body
    owed = reporting_gaps([Ward.objects.get(code="chuo")], fiscal_year=YEAR)
    listed = [line for line in message.body.splitlines() if line.startswith("- ")]
    assert len(listed) == len(next(iter(owed.values())))
    reminder = Reminder.objects.get(recipient=chuo_officer)
    assert reminder.kind == ReminderKind.BEFORE_DEADLINE
    assert reminder.body == message.body


def test_running_again_sends_nothing_more(people):
    a_round(TODAY + datetime.timedelta(days=1))
    reminders_send(today=TODAY)
    again = reminders_send(today=TODAY)
    assert again.sent == 0 and again.already_sent == 2
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


def test_an_officer_whose_ward_owes_nothing_gets_no_email(people):
    a_round(TODAY + datetime.timedelta(days=1))
    fill_everything_but("chuo")
    from programs.models import Initiative, InitiativeProgress, Section

    chuo = Ward.objects.get(code="chuo")
    for initiative in Initiative.objects.all():
        InitiativeProgress.objects.create(
            initiative=initiative, fiscal_year=YEAR, ward=chuo, status=Status.SUBMITTED
        )
    for section in Section.objects.filter(initiatives__isnull=True):
        InitiativeProgress.objects.create(
            section=section, fiscal_year=YEAR, ward=chuo, status=Status.SUBMITTED
        )
    reminders_send(today=TODAY)
    assert [m.to for m in mail.outbox] == [["higashi@example.jp"]]


def test_no_reminder_before_the_lead_days(people):
    a_round(TODAY + datetime.timedelta(days=10), reminder_lead_days=5)
    assert reminders_send(today=TODAY).sent == 0
    assert reminders_send(today=TODAY + datetime.timedelta(days=5)).sent == 2


def test_after_the_deadline_planners_get_the_late_wards_once(people):
    a_round(TODAY - datetime.timedelta(days=1))
    reminders_send(today=TODAY)
    reminders_send(today=TODAY + datetime.timedelta(days=1))
    assert [m.to for m in mail.outbox] == [["planner@example.jp"]]
    body = mail.outbox[0].body
    for ward in Ward.objects.all():
        assert ward.name in body
    assert Reminder.objects.get().kind == ReminderKind.LATE_SUMMARY


def test_a_planner_who_joined_after_a_rounds_deadline_gets_no_summary_of_it(people):
    from community.access import Role
    from tests.conftest import _staff

    a_round(TODAY - datetime.timedelta(days=30))  # closed long before the new planner joined
    newcomer = _staff("newcomer", Role.PLANNER)
    newcomer.email = "new@example.jp"
    newcomer.date_joined = datetime.datetime(2016, 6, 1, tzinfo=datetime.UTC)
    newcomer.save()
    reminders_send(today=TODAY + datetime.timedelta(days=20))
    assert [m.to for m in mail.outbox] == [["planner@example.jp"]]
    assert not Reminder.objects.filter(recipient=newcomer).exists()


def test_a_planner_who_also_holds_the_ward_officer_group_is_reminded_as_a_planner(people):
    from django.contrib.auth.models import Group

    _chuo, _higashi, planner = people
    planner.groups.add(Group.objects.get(name="ward_officer"))
    a_round(TODAY + datetime.timedelta(days=1))  # before the deadline: ward officers only
    reminders_send(today=TODAY)
    assert ["planner@example.jp"] not in [m.to for m in mail.outbox]


def test_derived_indicators_are_never_owed_by_a_ward(db):
    derived = set(Indicator.objects.exclude(derivation="").values_list("code", flat=True))
    assert derived == {"KPI-4-1", "KPI-4-2"}
    gaps = reporting_gaps(list(Ward.objects.all()), fiscal_year=YEAR)
    owed = {gap.subject.code for ward_gaps in gaps.values() for gap in ward_gaps}
    assert owed and not owed & derived
    row = ward_completeness(
        [Ward.objects.get(code="chuo")], fiscal_year=YEAR, scope=access.CITY_WIDE_SCOPE
    )[0]
    assert row["indicator_values"]["expected"] == Indicator.objects.count() - len(derived)


def test_staff_without_an_address_are_skipped(chuo_officer):
    a_round(TODAY + datetime.timedelta(days=1))
    run = reminders_send(today=TODAY)
    assert run.sent == 0 and run.skipped_without_email == 1
    assert not Reminder.objects.exists()


def test_the_daily_task_through_a_real_worker_sends_once_even_when_run_twice(worker, people):
    from django.utils import timezone

    from indicators.tasks import send_reporting_reminders

    a_round(timezone.localdate() + datetime.timedelta(days=2))
    first = send_reporting_reminders.delay().get(timeout=60)
    second = send_reporting_reminders.delay().get(timeout=60)

    assert first["sent"] == 2
    assert second["sent"] == 0 and second["already_sent"] == 2
    wait_for(lambda: len(mail.outbox) >= 2, message="two e-mails")
    assert sorted(m.to[0] for m in mail.outbox) == ["chuo@example.jp", "higashi@example.jp"]
    assert Reminder.objects.count() == 2


def test_the_reminder_texts_have_english_translations(chuo_officer):
    from django.template.loader import render_to_string
    from django.utils import translation

    round_ = ReportingRound(fiscal_year=YEAR, deadline=TODAY)
    ward = Ward.objects.get(code="chuo")
    gaps = reporting_gaps([ward], fiscal_year=YEAR)[ward.pk][:2]
    with translation.override("en"):
        context = {
            "round": round_,
            "ward": ward,
            "place": ward.name,
            "user": chuo_officer,
            "gaps": gaps,
        }
        context["fiscal_year"] = "FY2015"
        subject = render_to_string("indicators/email/before_deadline_subject.txt", context)
        body = render_to_string("indicators/email/before_deadline.txt", context)
        late = render_to_string(
            "indicators/email/late_summary.txt", {**context, "late": [(ward, gaps)]}
        )
    assert "due soon" in subject and "are due on 2016-05-20" in body
    assert ward.name in subject and ward.name in body
    assert "missing" in body and "2 records" in late


def test_a_department_officer_is_reminded_of_their_items_city_wide_records(people, dept_officer):
    """Departments report their items' city-wide figures and progress (所管課): before the
    deadline their officers hear of what is owed, and of nothing else."""
    from indicators.reminders import city_wide_gaps

    dept_officer.email = "dept@example.jp"
    dept_officer.save()
    a_round(TODAY + datetime.timedelta(days=1))
    department = dept_officer.staff_profile.department
    owed = [gap for gap, owner in city_wide_gaps(fiscal_year=YEAR) if owner == department.pk]
    assert "1-2-1" in {getattr(gap.subject, "code", "") for gap in owed}

    reminders_send(today=TODAY)

    message = next(m for m in mail.outbox if m.to == ["dept@example.jp"])
    assert "市全体（地域福祉課）" in message.subject
    listed = [line for line in message.body.splitlines() if line.startswith("- ")]
    assert len(listed) == len(owed)
    assert all(str(gap.subject) in message.body for gap in owed)
    assert Reminder.objects.get(recipient=dept_officer).ward is None


def test_the_planners_summary_lists_the_citys_late_records_first(people):
    a_round(TODAY - datetime.timedelta(days=1))
    reminders_send(today=TODAY)
    body = mail.outbox[0].body
    city = body.index("市全体: ")
    assert all(city < body.index(f"{ward.name}: ") for ward in Ward.objects.all())


def test_a_reminder_is_in_its_recipients_language(people):
    from community.models import StaffProfile

    chuo_officer = people[0]
    StaffProfile.objects.filter(user=chuo_officer).update(language="en")
    a_round(TODAY + datetime.timedelta(days=3))
    reminders_send(today=TODAY)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "This e-mail was sent automatically." in by_recipient["chuo@example.jp"].body
    assert "このメールは自動で送信しています。" in by_recipient["higashi@example.jp"].body
