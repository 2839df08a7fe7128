"""The task list on the admin index (issue 21, item 2): each person sees what waits for
them, with counts and links to the filtered lists: drafts to submit, records returned with
the reason, submissions to approve (not their own: four eyes), evaluations to write; in a
bounded number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import StaffProfile
from indicators.models import Indicator
from indicators.services import indicator_value_create
from infrastructure.workflow import Status, Transition, record_transition
from portal.task_list import task_list
from tests.factories import evaluation, progress, value, ward

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def entered(officer, *, year=2015, ward_code="chuo"):
    return indicator_value_create(
        user=officer,
        indicator=Indicator.objects.get(code="KPI-3-1"),
        fiscal_year=year,
        kind="actual",
        value=Decimal("238770"),
        ward=ward(ward_code) if ward_code else None,
    )


def returned(officer, planner, reason, *, year=2015):
    record = entered(officer, year=year)
    record_transition(record=record, transition=Transition.SUBMIT, user=officer)
    return record_transition(
        record=record, transition=Transition.RETURN, user=planner, comment=reason
    )


def test_a_returned_record_is_on_its_enterers_index_with_the_reason(
    client, chuo_officer, higashi_officer, planner
):
    record = returned(chuo_officer, planner, "前年度の10倍です。桁を確認してください。")
    client.force_login(chuo_officer)
    page = client.get(INDEX).content.decode()
    assert 'id="task-list"' in page
    assert "差し戻された記録" in page
    assert "前年度の10倍です。桁を確認してください。" in page
    assert reverse("admin:indicators_indicatorvalue_change", args=[record.pk]) in page
    # The count links to the list filtered to those records, which the list honours.
    (group,) = task_list(chuo_officer).returned
    assert group.count == 1
    listed = client.get(group.url)
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [record]
    # Nor is it on the index of the planner who returned it (not theirs to fix).
    assert task_list(planner).returned == []
    # Another ward's officer does not see it.
    client.force_login(higashi_officer)
    page = client.get(INDEX).content.decode()
    assert "前年度の10倍" not in page
    assert "今、あなたを待っている作業はありません。" in page


def test_drafts_to_submit_are_counted_and_linked(client, chuo_officer):
    entered(chuo_officer)
    entered(chuo_officer, year=2016)
    value(indicator="KPI-1-1", ward_code="chuo", status=Status.SUBMITTED)  # not a draft
    (group,) = task_list(chuo_officer).drafts
    assert group.count == 2
    assert group.url.endswith("?status__exact=draft")
    client.force_login(chuo_officer)
    assert client.get(group.url).context["cl"].result_count == 2
    assert "提出を待つ下書き" in client.get(INDEX).content.decode()


def test_planners_see_submissions_to_approve_but_not_their_own(
    client, chuo_officer, planner, settings
):
    theirs = entered(chuo_officer)
    record_transition(record=theirs, transition=Transition.SUBMIT, user=chuo_officer)
    own = entered(planner, ward_code=None)
    record_transition(record=own, transition=Transition.SUBMIT, user=planner)
    (group,) = task_list(planner).to_approve
    assert group.count == 1  # the planner's own waits for another planner
    assert group.url.endswith("?status__exact=submitted")
    settings.ALLOW_SELF_APPROVAL = True
    assert task_list(planner).to_approve[0].count == 2
    assert task_list(chuo_officer).to_approve == []  # officers approve nothing
    client.force_login(planner)
    assert "承認を待つ提出" in client.get(INDEX).content.decode()


def test_evaluations_to_write(client, dept_officer, planner):
    from indicators.selectors import default_fiscal_year

    year = default_fiscal_year()
    before = task_list(dept_officer).evaluations
    (missing,) = before
    assert missing.stage == "一次評価"
    assert missing.count == 2  # section 1-2 and initiative 1-2-1
    evaluation(section="1-2", fiscal_year=year, stage="primary")
    (missing,) = task_list(dept_officer).evaluations
    assert missing.count == 1
    assert [item.code for item in missing.items] == ["1-2-1"]
    (secondary,) = task_list(planner).evaluations
    assert secondary.stage == "二次評価"
    pillars = secondary.count
    evaluation(pillar=1, fiscal_year=year, stage="secondary")
    assert task_list(planner).evaluations[0].count == pillars - 1
    client.force_login(dept_officer)
    assert "書くべき評価" in client.get(INDEX).content.decode()


def test_the_index_reads_the_task_list_in_a_bounded_number_of_queries(
    client, chuo_officer, planner
):
    def queries():
        client.force_login(chuo_officer)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INDEX).status_code == 200
        return len(captured)

    returned(chuo_officer, planner, "理由1")
    few = queries()
    for n in range(1, 7):
        returned(chuo_officer, planner, f"理由{n}", year=2008 + n)
        entered(chuo_officer, year=2015 + n)
        report = progress(ward_code="chuo", fiscal_year=2008 + n, status=Status.SUBMITTED)
        record_transition(record=report, transition=Transition.RETURN, user=planner, comment="r")
    tasks = task_list(chuo_officer)
    assert [g.count for g in tasks.returned] == [7, 6]
    assert queries() == few + 1  # the returned progress records, listed: one query


def test_a_returned_evaluation_is_on_its_departments_index(client, dept_officer, planner):
    record = evaluation(section="1-2", status=Status.SUBMITTED)
    record_transition(
        record=record, transition=Transition.RETURN, user=planner, comment="課題を具体的に。"
    )
    client.force_login(dept_officer)
    page = client.get(INDEX).content.decode()
    assert "課題を具体的に。" in page
    assert reverse("admin:evaluations_evaluation_change", args=[record.pk]) in page


def test_mail_settings_are_ones_own(client, chuo_officer):
    client.force_login(chuo_officer)
    url = reverse("admin-mail-settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"language": "en"})  # the box unticked: mail off
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=chuo_officer)
    assert (profile.mail_notifications, profile.language) == (False, "en")
    client.post(url, {"mail_notifications": "on", "language": ""})
    profile.refresh_from_db()
    assert (profile.mail_notifications, profile.language) == (True, "")


def test_an_english_reader_sees_the_task_list_in_english(client, chuo_officer, planner):
    returned(chuo_officer, planner, "Check the digits.")
    client.force_login(chuo_officer)
    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your tasks" in page and "Records returned to you" in page
    assert "Check the digits." in page
    assert "差し戻された記録" not in page and "件" not in page
