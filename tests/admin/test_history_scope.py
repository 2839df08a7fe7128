"""Issue 18, item 1: the admin's doors to a record's past show a record outside the reader's
scope (another ward's, another department's) only from its approvals on: never a draft's
values or notes, the review's comments or who took part. Staff in scope (the record's ward
or department, planners) see the whole history as before.

Each test that names a reader outside the scope reproduces the finding: on the code before
the fix, the history page answered 200 with 「値： 99,999 → …」, the draft's note and the
return comment."""

import pytest
from django.urls import reverse

from tests.reviewed import (
    APPROVE_COMMENT,
    DRAFT_ANALYSIS,
    DRAFT_NOTE,
    DRAFT_RESULTS,
    RETURN_COMMENT,
    SECRETS,
    other_department_officer,
    reviewed_evaluation,
    reviewed_progress,
    reviewed_value,
)

VALUES = "admin:indicators_indicatorvalue"
PROGRESS = "admin:programs_initiativeprogress"
EVALUATIONS = "admin:evaluations_evaluation"


def _page(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    return response, response.content.decode()


def _assert_outcome_only(html, *, people):
    for secret in SECRETS:
        assert secret not in html, secret
    for person in people:
        assert person not in html, person
    assert "承認" in html  # the approval itself is shown


# --- Indicator values -------------------------------------------------------------------


@pytest.fixture
def higashi_value(higashi_officer, planner):
    return reviewed_value(author=higashi_officer, planner=planner)


@pytest.mark.parametrize("reader", ["chuo_officer", "dept_officer"])
def test_another_wards_value_history_shows_no_draft(request, client, higashi_value, reader):
    """Reproduces: 中央区's officer (or a department officer) read 「値： 99,999 → 115,100」,
    「暫定値」 and the return comment in 東区's value's history."""
    user = request.getfixturevalue(reader)
    response, html = _page(client, user, f"{VALUES}_history", higashi_value.pk)
    assert response.status_code == 200
    assert "99,999" not in html
    _assert_outcome_only(html, people=("higashi_officer", "planner"))
    # Only the approved version is listed.
    assert len(response.context["page_obj"].object_list) == 1


@pytest.mark.parametrize("reader", ["higashi_officer", "planner"])
def test_staff_in_scope_see_the_whole_value_history(request, client, higashi_value, reader):
    response, html = _page(
        client, request.getfixturevalue(reader), f"{VALUES}_history", higashi_value.pk
    )
    assert response.status_code == 200
    assert "99,999 → 115,100" in html and DRAFT_NOTE in html
    assert RETURN_COMMENT in html and APPROVE_COMMENT in html
    assert "higashi_officer" in html and "planner" in html
    assert len(response.context["page_obj"].object_list) == 6  # every version


def test_a_draft_version_page_is_refused_outside_the_scope(client, chuo_officer, higashi_value):
    """A draft version's page stays refused (as before the fix); the approved version's
    page is shown without the review's comments and names (reproduces: it showed the
    transition log with the return comment)."""
    versions = higashi_value.history.order_by("history_date", "history_id")
    first, last = versions.first(), versions.last()
    response, _html = _page(
        client, chuo_officer, f"{VALUES}_simple_history", higashi_value.pk, first.pk
    )
    assert response.status_code == 403
    response, html = _page(
        client, chuo_officer, f"{VALUES}_simple_history", higashi_value.pk, last.pk
    )
    assert response.status_code == 200
    assert RETURN_COMMENT not in html and "higashi_officer" not in html


def test_the_change_page_shows_another_ward_no_review(client, chuo_officer, higashi_value):
    """Reproduces: the approved record's change page listed the transitions with the return
    comment and the names of the officer and the planner to any other ward's officer."""
    response, html = _page(client, chuo_officer, f"{VALUES}_change", higashi_value.pk)
    assert response.status_code == 200
    assert RETURN_COMMENT not in html and "higashi_officer" not in html
    assert "差し戻し" not in html  # the review's steps; the approval is the outcome
    response, html = _page(client, chuo_officer, f"{VALUES}_transition", higashi_value.pk, "reopen")
    assert response.status_code == 200
    assert RETURN_COMMENT not in html and "higashi_officer" not in html


def test_the_change_page_shows_the_review_in_scope(client, higashi_officer, higashi_value):
    _response, html = _page(client, higashi_officer, f"{VALUES}_change", higashi_value.pk)
    assert RETURN_COMMENT in html and "planner" in html


def test_a_reopened_record_has_no_history_outside_the_scope(
    client, chuo_officer, planner, higashi_value
):
    """Reopened, the record is a draft again: out of another ward's sight, its history too
    (refused before the fix too; a guard that the history, now of approved versions only,
    does not fall back to the last approved one)."""
    from infrastructure.workflow import record_transition

    record_transition(record=higashi_value, transition="reopen", user=planner, comment="再確認")
    response, _html = _page(client, chuo_officer, f"{VALUES}_history", higashi_value.pk)
    assert response.status_code == 403


# --- Initiative progress ----------------------------------------------------------------


def test_another_wards_progress_history_shows_no_draft(
    client, higashi_officer, chuo_officer, planner
):
    """Reproduces: 東区's draft results were in its history for 中央区's officer."""
    record = reviewed_progress(author=higashi_officer, planner=planner)
    response, html = _page(client, chuo_officer, f"{PROGRESS}_history", record.pk)
    assert response.status_code == 200
    _assert_outcome_only(html, people=("higashi_officer", "planner"))

    response, html = _page(client, higashi_officer, f"{PROGRESS}_history", record.pk)
    assert DRAFT_RESULTS in html and RETURN_COMMENT in html


# --- Evaluations ------------------------------------------------------------------------


@pytest.fixture
def department_evaluation(dept_officer, planner):
    return reviewed_evaluation(author=dept_officer, planner=planner)


@pytest.mark.parametrize("reader", ["other_department", "chuo_officer"])
def test_another_departments_evaluation_history_shows_no_draft(
    request, client, department_evaluation, reader
):
    """Reproduces: another department's officer (or a ward officer) read the draft 要因分析
    in the evaluation's history."""
    fixture = request.getfixturevalue(reader)
    user = other_department_officer(fixture) if reader == "other_department" else fixture
    response, html = _page(client, user, f"{EVALUATIONS}_history", department_evaluation.pk)
    assert response.status_code == 200
    _assert_outcome_only(html, people=("dept_officer", "planner"))


@pytest.mark.parametrize("reader", ["dept_officer", "planner"])
def test_staff_in_scope_see_the_whole_evaluation_history(
    request, client, department_evaluation, reader
):
    _response, html = _page(
        client, request.getfixturevalue(reader), f"{EVALUATIONS}_history", department_evaluation.pk
    )
    assert DRAFT_ANALYSIS in html and RETURN_COMMENT in html and "dept_officer" in html
