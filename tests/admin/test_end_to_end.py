"""The issue's walk-through, through the real admin: a ward officer created with create_staff
logs in, downloads the template, fills it in, imports it and submits; a planner approves;
both steps show in the record's history."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import IndicatorValue
from infrastructure.workflow import Status
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

VALUES = "admin:indicators_indicatorvalue"


def test_a_ward_officer_reports_and_a_planner_approves(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)
    call_command("create_staff", "tanaka", "--role", "ward_officer", "--ward", "中央区")
    call_command("create_staff", "yamada", "--role", "planner")

    officer = Client()
    assert officer.login(username="tanaka", password=PASSWORD)
    template = officer.get(
        reverse(f"{VALUES}_import_template"), {"ward": "", "fiscal_year": "2015", "download": 1}
    )
    assert template.status_code == 200
    assert template["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )

    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["指標コード", "指標名", "区", "年度"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["KPI-3-1"][2].value == "中央区"
    rows["KPI-3-1"][headers.index("値")].value = "１，２００"  # as typed in Excel
    rows["KPI-3-2"][headers.index("値")].value = "45.5％"
    filled = io.BytesIO()
    workbook.save(filled)

    preview = officer.post(
        reverse(f"{VALUES}_import"),
        {"file": SimpleUploadedFile("中央区.xlsx", filled.getvalue())},
    )
    assert preview.status_code == 200 and not preview.context["report"].errors
    assert not IndicatorValue.objects.filter(origin="entry").exists()  # the dry run wrote nothing
    officer.post(reverse(f"{VALUES}_import"), {"token": preview.context["token"]})
    imported = IndicatorValue.objects.filter(origin="entry").order_by("indicator__code")
    assert [
        (v.indicator.code, v.value, v.ward.name, v.fiscal_year, v.status) for v in imported
    ] == [
        ("KPI-3-1", 1200, "中央区", 2015, Status.DRAFT),
        ("KPI-3-2", 45.5, "中央区", 2015, Status.DRAFT),
    ]

    officer.post(
        reverse(f"{VALUES}_changelist"),
        {"action": "submit_selected", "_selected_action": [v.pk for v in imported]},
    )
    assert set(imported.values_list("status", flat=True)) == {Status.SUBMITTED}

    planner = Client()
    assert planner.login(username="yamada", password=PASSWORD)
    record = IndicatorValue.objects.get(indicator__code="KPI-3-1", origin="entry")
    response = planner.post(
        reverse(f"{VALUES}_transition", args=[record.pk, "approve"]),
        {"expected_version": record.version},
    )
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert record.status == Status.APPROVED

    history = planner.get(reverse(f"{VALUES}_history", args=[record.pk])).content.decode()
    assert "tanaka" in history and "yamada" in history
    assert [
        (h.history_user.username, h.status) for h in record.history.order_by("history_date")
    ] == [("tanaka", Status.DRAFT), ("tanaka", Status.SUBMITTED), ("yamada", Status.APPROVED)]
    page = planner.get(reverse(f"{VALUES}_change", args=[record.pk])).content.decode()
    assert "tanaka" in page and "yamada" in page  # the approval history on the record
