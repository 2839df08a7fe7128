"""The admin doors of the jobs: planners set reporting rounds, see the reminders sent
(read-only), ask for annual reports, and follow jobs."""

import datetime

from django.contrib.auth.models import Permission

from community.access import Role
from indicators.models import Reminder, ReminderKind, ReportingRound
from infrastructure.jobs.models import Job
from infrastructure.policy import permission_codenames
from programs.models import AnnualReport
from tests.conftest import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_every_role_permission_exists_after_the_migrations(db):
    existing = set(Permission.objects.values_list("content_type__app_label", "codename"))
    for role in (Role.WARD_OFFICER, Role.PLANNER):
        assert permission_codenames(role) <= existing, role


def test_a_planner_sets_a_reporting_round(client, planner):
    login(client, planner)
    response = client.post(
        "/admin/indicators/reportinground/add/",
        {
            "fiscal_year": 2015,
            "deadline": "2016-06-30",
            "reminder_lead_days": "10",
            "reminders-TOTAL_FORMS": "0",
            "reminders-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    round_ = ReportingRound.objects.get()
    assert round_.deadline == datetime.date(2016, 6, 30) and round_.lead_days == 10


def test_reminders_are_read_only_in_the_admin(client, planner, chuo_officer):
    round_ = ReportingRound.objects.create(fiscal_year=2015, deadline=datetime.date(2016, 6, 30))
    reminder = Reminder.objects.create(
        round=round_,
        recipient=chuo_officer,
        kind=ReminderKind.BEFORE_DEADLINE,
        email="chuo@example.jp",
        subject="件名",
        body="本文",
        sent_at=datetime.datetime(2016, 6, 25, tzinfo=datetime.UTC),
    )
    login(client, planner)
    assert client.get("/admin/indicators/reminder/").status_code == 200
    page = client.get(f"/admin/indicators/reminder/{reminder.pk}/change/")
    assert page.status_code == 200 and "本文" in page.content.decode()
    assert client.get("/admin/indicators/reminder/add/").status_code == 403
    client.post(f"/admin/indicators/reminder/{reminder.pk}/delete/", {"post": "yes"})
    assert Reminder.objects.filter(pk=reminder.pk).exists()


def test_a_planner_asks_for_a_report_in_the_admin(
    eager, client, planner, django_capture_on_commit_callbacks
):
    login(client, planner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/programs/annualreport/add/", {"fiscal_year": 2014})
    assert response.status_code == 302
    report = AnnualReport.objects.get(fiscal_year=2014)
    assert report.generated_at is not None
    listing = client.get("/admin/programs/annualreport/").content.decode()
    assert "/api/v1/reports/2014/xlsx/" in listing
    job = Job.objects.get(kind="annual_report")
    page = client.get(f"/admin/jobs/job/{job.pk}/change/").content.decode()
    assert "4 / 4" in page  # the progress: context, workbook, page, PDF


def test_a_ward_officer_sees_only_their_own_jobs(client, chuo_officer, planner):
    theirs = Job.objects.create(kind="annual_report", user=planner)
    login(client, chuo_officer)
    assert client.get(f"/admin/jobs/job/{theirs.pk}/change/").status_code == 302
    assert (
        client.post("/admin/programs/annualreport/add/", {"fiscal_year": 2014}).status_code == 403
    )
