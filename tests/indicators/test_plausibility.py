"""Plausibility rules (妥当性チェック, issue 21 item 1): a minimum, a maximum and the largest
change from the latest earlier figure in any state; a figure that breaks one is kept only
with a reason, at entry (API, admin, import), at submission and at approval; the record's
JSON carries its checks and the approver sees them in the list, on the record and in bulk
approval."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from infrastructure.imports import run_import
from infrastructure.workflow import Status
from tests.api.conftest import client_for
from tests.factories import value
from tests.imports.files import INDICATOR_HEADERS, csv_bytes, errors_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicator-values/"
VALUES = "admin:indicators_indicatorvalue"


def _post(user, amount, *, year=2019, note="", indicator="KPI-3-1"):
    body = {"indicator": indicator, "ward": "中央区", "fiscal_year": year, "kind": "actual"}
    return client_for(user).post(URL, body | {"value": amount, "note": note}, format="json")


def test_a_tenfold_figure_is_refused_against_last_years_draft(chuo_officer):
    """The issue's case: last year's figure is still a draft, and the typo is ten times it."""
    value(ward_code="chuo", fiscal_year=2018, amount="24500", status=Status.DRAFT)
    refused = _post(chuo_officer, "238770")
    assert refused.status_code == 400
    message = str(refused.json())
    assert "+874.6%" in message and "上限の50%" in message
    assert "2018年度（平成30年度）の24,500" in message and "下書き" in message
    assert not IndicatorValue.objects.filter(fiscal_year=2019, ward__code="chuo").exists()

    kept = _post(chuo_officer, "238770", note="新しい施設を数えた")
    assert kept.status_code == 201, kept.content
    (check,) = kept.json()["checks"]
    assert check["rule"] == "change" and check["limit"] == "50"
    assert check["change_percent"] == "+874.6"
    assert check["previous"]["value"] == "24500" and check["previous"]["status"] == "draft"
    assert check["previous"]["fiscal_year"] == 2018


def test_a_figure_within_the_rules_has_no_checks(chuo_officer):
    value(ward_code="chuo", fiscal_year=2018, amount="24500", status=Status.APPROVED)
    created = _post(chuo_officer, "26000")
    assert created.status_code == 201 and created.json()["checks"] == []
    listed = client_for(chuo_officer).get(URL, {"fiscal_year": 2019}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["checks"] for row in rows if row["id"] == created.json()["id"]] == [[]]


def test_minimum_and_maximum(chuo_officer):
    Indicator.objects.filter(code="KPI-3-1").update(
        plausible_minimum=Decimal("1000"), plausible_maximum=Decimal("500000"), largest_change=None
    )
    low = _post(chuo_officer, "10")
    assert low.status_code == 400 and "下限（1,000）を下回って" in str(low.json())
    high = _post(chuo_officer, "900000")
    assert high.status_code == 400 and "上限（500,000）を上回って" in str(high.json())
    kept = _post(chuo_officer, "900000", note="集計方法の変更")
    assert [c["rule"] for c in kept.json()["checks"]] == ["maximum"]
    assert kept.json()["checks"][0]["previous"] is None


def test_without_a_change_limit_any_change_passes(chuo_officer):
    Indicator.objects.filter(code="KPI-3-1").update(largest_change=None)
    value(ward_code="chuo", fiscal_year=2018, amount="24500", status=Status.DRAFT)
    assert _post(chuo_officer, "238770").status_code == 201


def test_submission_and_approval_check_again(chuo_officer, planner):
    """Entered when nothing came before it, a figure is checked again when it moves on: an
    earlier year entered since makes it implausible, and it needs its reason then."""
    created = _post(chuo_officer, "238770")
    assert created.status_code == 201 and created.json()["checks"] == []
    value(ward_code="chuo", fiscal_year=2018, amount="24500", status=Status.DRAFT)
    officer = client_for(chuo_officer)
    record = created.json()["id"]
    refused = officer.post(f"{URL}{record}/submit/", {}, HTTP_IF_MATCH=created["ETag"])
    assert refused.status_code == 400 and "備考に理由" in str(refused.json())
    assert IndicatorValue.objects.get(pk=record).status == Status.DRAFT
    fixed = officer.patch(
        f"{URL}{record}/", {"note": "新施設"}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert fixed.status_code == 200, fixed.content
    submitted = officer.post(f"{URL}{record}/submit/", {}, HTTP_IF_MATCH=fixed["ETag"])
    assert submitted.status_code == 200, submitted.content
    approved = client_for(planner).post(
        f"{URL}{record}/approve/", {}, HTTP_IF_MATCH=submitted["ETag"]
    )
    assert approved.status_code == 200
    assert approved.json()["checks"][0]["change_percent"] == "+874.6"


def test_the_import_names_the_row(chuo_officer):
    value(ward_code="chuo", fiscal_year=2018, amount="24500", status=Status.DRAFT)
    rows = [
        INDICATOR_HEADERS,
        ["KPI-3-1", "", "中央区", "2019", "実績", "238,770", ""],
    ]
    report = run_import(data=csv_bytes(rows), filename="v.csv", user=chuo_officer, dry_run=False)
    assert not report.ok
    ((row, _column, message),) = errors_of(report)
    assert row == 2 and "+874.6%" in message and "24,500" in message
    assert not IndicatorValue.objects.filter(fiscal_year=2019, ward__code="chuo").exists()
    rows[1][-1] = "新施設"
    assert run_import(data=csv_bytes(rows), filename="v.csv", user=chuo_officer, dry_run=False).ok


def test_the_approver_sees_the_flag_filters_to_it_and_is_told_in_bulk(client, planner):
    value(ward_code="chuo", fiscal_year=2018, amount="24500", status=Status.APPROVED)
    flagged = value(
        ward_code="chuo", fiscal_year=2019, amount="238770", status=Status.SUBMITTED, note="理由"
    )
    plain = value(ward_code="higashi", fiscal_year=2019, amount="30000", status=Status.SUBMITTED)
    client.force_login(planner)
    listing = client.get(reverse(f"{VALUES}_changelist")).content.decode()
    assert "⚠" in listing and "+874.6%" in listing and "24,500" in listing
    only = client.get(reverse(f"{VALUES}_changelist"), {"checks": "flagged"})
    shown = [record.pk for record in only.context["cl"].result_list]
    assert shown == [flagged.pk]
    record_page = client.get(reverse(f"{VALUES}_change", args=[flagged.pk])).content.decode()
    assert "+874.6%" in record_page

    response = client.post(
        reverse(f"{VALUES}_changelist"),
        {"action": "approve_selected", "_selected_action": [flagged.pk, plain.pk]},
        follow=True,
    )
    said = " ".join(str(m) for m in response.context["messages"])
    assert "妥当性チェックに該当" in said and "理由" in said
    assert set(
        IndicatorValue.objects.filter(pk__in=[flagged.pk, plain.pk]).values_list(
            "status", flat=True
        )
    ) == {Status.APPROVED}


def test_the_list_computes_the_checks_at_once(client, planner):
    """More records on the page cost no more queries for their checks."""
    for year, amount in ((2016, "1000"), (2017, "5000"), (2018, "900"), (2019, "20000")):
        value(ward_code="chuo", fiscal_year=year, amount=amount, status=Status.SUBMITTED)
    client.force_login(planner)
    url = reverse(f"{VALUES}_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for year in range(2008, 2016):
        value(ward_code="higashi", fiscal_year=year, amount=str(year * 10), status=Status.DRAFT)
    client.get(url)  # (what is read once per data generation is read again)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    grown = Counter(q["sql"][:90] for q in more.captured_queries)
    grown.subtract(Counter(q["sql"][:90] for q in few.captured_queries))
    assert len(more) == len(few), [(n, sql) for sql, n in grown.items() if n]
