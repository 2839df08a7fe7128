"""The admin pages: upload → preview → confirm, template download, export; by URL."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from indicators.models import IndicatorValue
from infrastructure.workflow import Status
from tests.conftest import PASSWORD
from tests.factories import value
from tests.imports.files import INDICATOR_HEADERS, PROGRESS_HEADERS, csv_bytes, snapshot

pytestmark = pytest.mark.django_db

IMPORT = "/admin/indicators/indicatorvalue/import/"
TEMPLATE = "/admin/indicators/indicatorvalue/import/template/"
EXPORT = "/admin/indicators/indicatorvalue/export/"
GOOD = [INDICATOR_HEADERS, ["KPI-3-1", "", "中央区", "H27", "", "1,200", ""]]


@pytest.fixture
def chuo(client, chuo_officer):
    client.force_login(chuo_officer)
    return client


def upload(client, rows, name="values.csv", url=IMPORT):
    return client.post(url, {"file": SimpleUploadedFile(name, csv_bytes(rows, encoding="cp932"))})


def test_the_upload_page_is_labelled(chuo):
    page = chuo.get(IMPORT).content.decode()
    assert '<label class="required" for="id_file">' in page and 'id="id_file"' in page


def test_upload_preview_then_confirm(chuo, chuo_officer):
    before = snapshot()
    preview = upload(chuo, GOOD)
    assert preview.status_code == 200
    assert preview.context["report"].counts["new"] == 1
    assert "KPI-3-1 中央区 2015 実績値" in preview.content.decode()
    token = preview.context["token"]
    assert token and snapshot() == before  # the preview wrote nothing

    done = chuo.post(IMPORT, {"token": token})
    assert done.status_code == 200 and done.context["report"].written
    record = IndicatorValue.objects.get(origin="entry")
    assert record.value == 1200 and record.history.get().history_user == chuo_officer
    # The stored upload is gone: confirming twice imports nothing more.
    again = chuo.post(IMPORT, {"token": token})
    assert "有効期限" in again.content.decode()
    assert IndicatorValue.objects.filter(origin="entry").count() == 1


def test_errors_show_row_column_and_reason(chuo):
    before = snapshot()
    response = upload(chuo, [*GOOD, ["KPI-3-1", "", "東区", "H27", "", "5", ""]])
    assert response.status_code == 400 and response.context["token"] is None
    page = response.content.decode()
    assert '<th scope="col">行</th><th scope="col">列</th><th scope="col">理由</th>' in page
    assert '<tr><th scope="row">3</th><td>区</td><td>他の区のデータは登録・変更できません。' in page
    assert snapshot() == before


def test_another_users_upload_cannot_be_confirmed(client, chuo, planner):
    token = upload(chuo, GOOD).context["token"]
    client.force_login(planner)
    response = client.post(IMPORT, {"token": token})
    assert "有効期限" in response.content.decode()
    assert not IndicatorValue.objects.filter(origin="entry").exists()


def test_a_progress_file_on_the_indicator_page_is_refused(chuo):
    response = upload(chuo, [PROGRESS_HEADERS, ["1-1-1", "", "中央区", "2015", "完了", "", "", ""]])
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["report"].errors] == [(1, None)]


def test_import_needs_the_add_permission(client, db):
    viewer = get_user_model().objects.create_user("viewer", password=PASSWORD, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_indicatorvalue"))
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403
    assert client.get(TEMPLATE).status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert client.get(EXPORT).status_code == 200
    assert not IndicatorValue.objects.filter(origin="entry").exists()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(IMPORT)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_ward_officers_template_is_for_their_own_ward(chuo):
    response = chuo.get(TEMPLATE, {"ward": "2", "fiscal_year": "2015"})  # asks for 東区
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="indicator-values-chuo-2015.xlsx"'
    )
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert {row[2] for row in rows[1:]} == {"中央区"}


def test_a_planner_may_download_a_city_wide_template(client, planner):
    client.force_login(planner)
    page = client.get(TEMPLATE)
    assert page.status_code == 200 and 'for="id_ward"' in page.content.decode()
    response = client.get(TEMPLATE, {"ward": "", "fiscal_year": "2016"})
    assert response["Content-Disposition"].endswith('-city-2016.xlsx"')


def test_exports_in_three_formats(chuo):
    value(ward_code="chuo", amount="3", note="=danger")
    value(ward_code="higashi", amount="4")  # another ward's draft: not exported
    xlsx = chuo.get(EXPORT, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    utf8 = chuo.get(EXPORT, {"format": "csv"}).content.decode("utf-8-sig")
    sjis = chuo.get(EXPORT, {"format": "csv-cp932"}).content.decode("cp932")
    assert utf8 == sjis.replace("\r\n", "\r\n")
    assert "'=danger" in utf8 and "東区" not in utf8


def test_the_changelist_links_to_the_pages(chuo):
    page = chuo.get("/admin/indicators/indicatorvalue/").content.decode()
    assert IMPORT in page and TEMPLATE in page and EXPORT in page


def test_a_planner_approves_what_a_ward_imported_and_both_show_in_history(
    chuo, chuo_officer, client, planner
):
    rows = [[*INDICATOR_HEADERS, "状態"], [*GOOD[1], "提出済み"]]
    token = upload(chuo, rows).context["token"]
    chuo.post(IMPORT, {"token": token})
    record = IndicatorValue.objects.get(origin="entry")
    assert record.status == Status.SUBMITTED
    client.force_login(planner)
    rows[1][-1] = "承認済み"
    token = upload(client, rows).context["token"]
    assert client.post(IMPORT, {"token": token}).context["report"].written
    record.refresh_from_db()
    assert record.status == Status.APPROVED
    assert [h.history_user.username for h in record.history.order_by("history_date")] == [
        "chuo_officer",
        "chuo_officer",
        "planner",
    ]
