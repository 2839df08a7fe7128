"""The report's introduction (issue 21 item 4): the plan, its period, the year's process, and
the committee and its meetings that a planner records for the year in the admin."""

import datetime

import pytest
from django.urls import reverse

from evaluations.models import CommitteeMeeting, EvaluationYear
from programs.selectors import current_plan

pytestmark = pytest.mark.django_db

YEAR = 2017


def test_a_planner_records_the_years_committee_in_the_admin(client, planner):
    client.force_login(planner)
    response = client.post(
        reverse("admin:evaluations_evaluationyear_add"),
        {
            "plan": current_plan().pk,
            "fiscal_year": YEAR,
            "committee_name": "地域福祉計画推進委員会",
            "meetings-TOTAL_FORMS": "2",
            "meetings-INITIAL_FORMS": "0",
            "meetings-0-held_on": "2018-07-20",
            "meetings-0-note": "第1回（一次評価の報告）",
            "meetings-1-held_on": "2018-10-05",
            "meetings-1-note": "第2回（意見の取りまとめ）",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    year = EvaluationYear.objects.get()
    assert [m.note for m in year.meetings.all()] == [
        "第1回（一次評価の報告）",
        "第2回（意見の取りまとめ）",
    ]
    assert year.history.get().history_user == planner

    page = client.get(f"/reports/{YEAR}/").content.decode()
    assert "はじめに" in page and "意見を聴いた委員会：地域福祉計画推進委員会" in page
    assert "2018-07-20 第1回（一次評価の報告）" in page and "2018-10-05" in page
    assert "所管課が成果指標の実績と取組の状況をもとに一次評価" in page


def test_without_a_committee_the_report_says_so(client):
    page = client.get(f"/reports/{YEAR}/").content.decode()
    assert "この年度の委員会の名称と開催日はまだ登録されていません。" in page


def test_only_planners_record_the_committee(client, chuo_officer, dept_officer):
    year = EvaluationYear.objects.create(plan=current_plan(), fiscal_year=YEAR)
    CommitteeMeeting.objects.create(year=year, held_on=datetime.date(2018, 7, 20))
    for person in (chuo_officer, dept_officer):
        client.force_login(person)
        refused = client.post(
            reverse("admin:evaluations_evaluationyear_change", args=[year.pk]),
            {"plan": current_plan().pk, "fiscal_year": YEAR, "committee_name": "x"},
        )
        assert refused.status_code == 403, person
    assert EvaluationYear.objects.get().committee_name == ""
