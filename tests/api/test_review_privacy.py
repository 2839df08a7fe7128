"""Issue 18, item 2: the public sees outcomes, not the review. Anonymous readers and staff
outside a record's scope get, of its transitions, the approvals (and their withdrawal) only,
with neither who took them (a login name) nor the comment, in every renderer; staff in scope
(the record's ward or department, planners) see the whole log. A target's ``set_by`` (a
login name) likewise.

Each test that names a reader outside the scope reproduces the finding: before the fix,
anonymous ``GET /api/v1/evaluations/<id>/`` and ``/api/v1/indicator-values/<id>/`` returned
the return comment 「予算削減の件は非公開」 and the usernames of the officer and the planner."""

import pytest

from infrastructure.response_cache import MARKER
from tests.api.conftest import client_for
from tests.reviewed import (
    APPROVE_COMMENT,
    RETURN_COMMENT,
    other_department_officer,
    reviewed_evaluation,
    reviewed_progress,
    reviewed_value,
)

OUTCOME = [{"transition": "approve", "user": None, "comment": None}]
FULL_LOG = ["submit", "return", "submit", "approve"]


@pytest.fixture
def records(higashi_officer, dept_officer, planner):
    return {
        "indicator-values": reviewed_value(author=higashi_officer, planner=planner),
        "initiative-progress": reviewed_progress(author=higashi_officer, planner=planner),
        "evaluations": reviewed_evaluation(author=dept_officer, planner=planner),
    }


@pytest.fixture
def readers(chuo_officer, higashi_officer, dept_officer, planner, other_department):
    return {
        "anonymous": client_for(),
        "chuo_officer": client_for(chuo_officer),
        "higashi_officer": client_for(higashi_officer),
        "dept_officer": client_for(dept_officer),
        "other_department": client_for(other_department_officer(other_department)),
        "planner": client_for(planner),
    }


# Who is in the scope of each record: 東区's value and report are 東区's officer's; the
# evaluation of initiative 1-2-1 is its department's (地域福祉課, dept_officer).
IN_SCOPE = {
    "indicator-values": {"higashi_officer", "planner"},
    "initiative-progress": {"higashi_officer", "planner"},
    "evaluations": {"dept_officer", "planner"},
}
READERS = ["anonymous", "chuo_officer", "higashi_officer", "dept_officer", "other_department"]


def _log(entries):
    return [{k: e[k] for k in ("transition", "user", "comment")} for e in entries]


@pytest.mark.parametrize("endpoint", sorted(IN_SCOPE))
@pytest.mark.parametrize("reader", [*READERS, "planner"])
def test_transitions_in_a_record_detail_and_list(records, readers, endpoint, reader):
    record = records[endpoint]
    client = readers[reader]
    detail = client.get(f"/api/v1/{endpoint}/{record.pk}/")
    assert detail.status_code == 200
    listed = client.get(f"/api/v1/{endpoint}/", {"fiscal_year": record.fiscal_year})
    (row,) = [r for r in listed.json()["results"] if r["id"] == record.pk]
    for body, data in ((detail.content.decode(), detail.json()), (listed.content.decode(), row)):
        if reader in IN_SCOPE[endpoint]:
            assert [e["transition"] for e in data["transitions"]] == FULL_LOG
            assert data["transitions"][1]["comment"] == RETURN_COMMENT
            assert data["transitions"][-1]["user"] == "planner"
        else:
            assert _log(data["transitions"]) == OUTCOME
            for secret in (RETURN_COMMENT, APPROVE_COMMENT, "higashi_officer", "dept_officer"):
                assert secret not in body, secret
            assert '"planner"' not in body


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_spreadsheets_carry_no_review_for_the_public(records, format_):
    """The CSV and xlsx renderers flatten the same data: no comment, no login name."""
    from io import BytesIO

    from openpyxl import load_workbook

    for endpoint, record in records.items():
        response = client_for().get(f"/api/v1/{endpoint}/{record.pk}/", {"format": format_})
        assert response.status_code == 200
        if format_ == "csv":
            text = response.content.decode("utf-8-sig")
        else:
            sheet = load_workbook(BytesIO(response.content)).active
            text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
        for secret in (RETURN_COMMENT, APPROVE_COMMENT, "higashi_officer", "dept_officer"):
            assert secret not in text, (endpoint, secret)
        assert "planner" not in text


def test_a_targets_setter_is_named_to_planners_only(plan_client, chuo, anon):
    """Reproduces: the targets (and the series) named the planner who set a revision, a login
    name, to anyone. A staff answer is never the anonymous cache's, nor the reverse."""
    url = "/api/v1/indicators/KPI-1-1/targets/"
    revision = {"value": "80.25", "fiscal_year": 2022, "revised_in": 2018, "reason": "見直し"}
    assert plan_client.post(url, revision, format="json").status_code == 201
    for _ in range(2):  # the second from the anonymous cache
        rows = anon.get(url).json()
        assert [r["set_by"] for r in rows] == [None, None]
        series = anon.get("/api/v1/indicators/KPI-1-1/series/")
        assert [t["set_by"] for t in series.json()["targets"]] == [None, None]
    assert series[MARKER] == "hit"
    assert [r["set_by"] for r in chuo.get(url).json()] == [None, None]
    after_the_cache = plan_client.get(url)
    assert MARKER not in after_the_cache
    assert [r["set_by"] for r in after_the_cache.json()] == [None, "planner"]
    staff_series = plan_client.get("/api/v1/indicators/KPI-1-1/series/").json()
    assert [t["set_by"] for t in staff_series["targets"]] == [None, "planner"]


def test_the_schema_says_who_sees_the_review(db):
    """The OpenAPI schema documents ``user`` and ``comment`` as nullable, for staff in scope."""
    schema = client_for().get("/api/schema/", {"format": "json"}).json()
    transition = schema["components"]["schemas"]["Transition"]["properties"]
    for name in ("user", "comment"):
        assert transition[name].get("nullable") is True
        assert "scope" in transition[name]["description"]
    target = schema["components"]["schemas"]["Target"]["properties"]["set_by"]
    assert target.get("nullable") is True and "scope" in target["description"]


def test_an_answer_that_depends_on_its_reader_says_so_to_caches(records, readers):
    """No shared HTTP cache on the way may hand a staff answer to the public: answers vary
    by the token and the session cookie, and a signed-in reader's are private."""
    record = records["indicator-values"]
    for path in (f"/api/v1/indicator-values/{record.pk}/", "/api/v1/indicators/KPI-1-1/targets/"):
        public = readers["anonymous"].get(path)
        staff = readers["higashi_officer"].get(path)
        for response in (public, staff):
            assert {"Authorization", "Cookie"} <= {
                v.strip() for v in response["Vary"].split(",")
            }, path
        assert "private" in staff["Cache-Control"]
        assert "private" not in public.get("Cache-Control", "")
