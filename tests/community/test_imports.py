"""School districts and directory entries from xlsx and CSV: all or nothing, with row,
column and reason for every bad row; the command and the admin."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from community.models import CommunityResource, SchoolDistrict
from community.resources import DirectoryResource, SchoolDistrictResource
from kumamoto_welfare.imports import import_file
from tests.conftest import PASSWORD
from tests.factories import ward

pytestmark = pytest.mark.django_db


def import_school_districts(**kwargs):
    return import_file(SchoolDistrictResource, **kwargs)


def import_community_resources(**kwargs):
    return import_file(DirectoryResource, **kwargs)


def counts(report, *outcomes):
    return tuple(report.counts[outcome] for outcome in outcomes)


DISTRICTS = [["校区コード", "校区名", "区"], ["101", "白川", "中央区"], ["201", "健軍", "東区"]]


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(DISTRICTS),
        csv_bytes(DISTRICTS, "cp932"),
        csv_bytes([["code", "name", "ward"], ["101", "白川", "chuo"], ["201", "健軍", "Higashi"]]),
        xlsx_bytes(DISTRICTS),
    ],
    ids=["utf-8", "cp932", "english", "xlsx"],
)
def test_districts_import_from_each_format(planner, data):
    result = import_school_districts(data=data, filename="districts", user=planner)
    assert result.ok, result.errors
    assert counts(result, "new", "changed") == (2, 0)
    assert dict(SchoolDistrict.objects.values_list("code", "ward__code")) == {
        "101": "chuo",
        "201": "higashi",
    }
    again = import_school_districts(data=data, filename="districts", user=planner)
    assert counts(again, "new", "unchanged") == (0, 2)


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        ([*DISTRICTS, ["301", "高橋", "西部区"]], 4, "区", "西部区"),
        ([*DISTRICTS, ["", "高橋", "西区"]], 4, "校区コード", "空欄"),
        ([*DISTRICTS, ["101", "二重", "西区"]], 4, "校区コード", "2行目"),
        ([["校区コード", "区"], ["101", "中央区"]], 1, "校区名", "校区名"),
    ],
)
def test_a_bad_district_file_writes_nothing(planner, rows, row, column, message):
    result = import_school_districts(data=csv_bytes(rows), filename="d.csv", user=planner)
    assert not result.ok
    error = result.errors[0]
    assert (error.row, error.column) == (row, column)
    assert message in error.message
    assert not SchoolDistrict.objects.exists()


def test_an_officer_imports_only_their_own_wards_districts(chuo_officer):
    result = import_school_districts(data=csv_bytes(DISTRICTS), filename="d.csv", user=chuo_officer)
    assert [(e.row, "他の区" in e.message) for e in result.errors] == [(3, True)]
    assert not SchoolDistrict.objects.exists()


def test_the_command_and_its_dry_run(tmp_path, capsys):
    path = tmp_path / "districts.csv"
    path.write_bytes(csv_bytes(DISTRICTS))
    call_command("import_school_districts", str(path), "--dry-run")
    assert not SchoolDistrict.objects.exists()
    call_command("import_school_districts", str(path))
    assert SchoolDistrict.objects.count() == 2
    path.write_bytes(csv_bytes([*DISTRICTS, ["9", "x", "?"]]))
    with pytest.raises(CommandError, match="4行目"):
        call_command("import_school_districts", str(path))


RESOURCES = [
    ["名称", "種類", "区", "ライフステージ", "相談窓口", "施策"],
    ["白川老人クラブ", "老人クラブ", "中央区", "高齢期", "いいえ", "1"],
    ["中央子育てサークル", "parenting-circle", "chuo", "early-childhood; school-age", "", "3"],
]


def test_directory_import_and_reimport_of_the_export(chuo_officer, anon_client_export):
    result = import_community_resources(data=xlsx_bytes(RESOURCES), filename="r", user=chuo_officer)
    assert result.ok, result.errors
    circle = CommunityResource.objects.get(name="中央子育てサークル")
    assert {s.code for s in circle.life_stages.all()} == {"early-childhood", "school-age"}
    assert circle.ward == ward("chuo")

    exported = anon_client_export("/api/v1/community-resources/?format=csv&origin=entry")
    again = import_community_resources(data=exported, filename="e.csv", user=chuo_officer)
    assert (again.ok, *counts(again, "new", "unchanged")) == (True, 0, 2)


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        (["東の会", "老人クラブ", "東区", "", "", ""], "区", "他の区"),
        (["無名", "秘密結社", "中央区", "", "", ""], "種類", "秘密結社"),
        (["中年の会", "老人クラブ", "中央区", "中年期", "", ""], "ライフステージ", "中年期"),
        (["市の会", "老人クラブ", "", "", "", ""], "区", "市全体"),
    ],
)
def test_a_bad_directory_file_writes_nothing(chuo_officer, bad_row, column, message):
    data = csv_bytes([*RESOURCES, bad_row], "cp932")
    result = import_community_resources(data=data, filename="r.csv", user=chuo_officer)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(4, column)]
    assert message in result.errors[0].message
    assert not CommunityResource.objects.filter(origin="entry").exists()


def test_the_admin_imports_and_scopes_entries(client, chuo_officer):
    client.login(username="chuo_officer", password=PASSWORD)
    url = reverse("admin:community_communityresource_import")
    upload = io.BytesIO(csv_bytes([*RESOURCES, ["東の会", "老人クラブ", "東区", "", "", ""]]))
    upload.name = "r.csv"
    response = client.post(url, {"file": upload})
    assert response.status_code == 200 and "他の区" in response.content.decode()
    assert not CommunityResource.objects.filter(origin="entry").exists()

    theirs = CommunityResource.objects.create(
        name="東の会", organisation_type=circle_type(), ward=ward("higashi")
    )
    change = reverse("admin:community_communityresource_change", args=[theirs.pk])
    assert client.get(change).status_code == 200  # public: shown, read-only
    posted = client.post(change, {"name": "書き換え", "organisation_type": circle_type().pk})
    assert posted.status_code == 403
    theirs.refresh_from_db()
    assert theirs.name == "東の会"
    add = client.post(
        reverse("admin:community_communityresource_add"),
        {"name": "中央の会", "organisation_type": circle_type().pk, "ward": ward("chuo").pk},
    )
    assert add.status_code == 302, add.context["adminform"].form.errors
    assert CommunityResource.objects.get(name="中央の会").history.first().history_user == (
        chuo_officer
    )


def circle_type():
    from community.models import OrganisationType

    return OrganisationType.objects.get(code="parenting-circle")


@pytest.fixture
def anon_client_export(client):
    def get(url):
        response = client.get(url)
        assert response.status_code == 200
        return response.content

    return get


def test_a_district_file_names_rows_as_the_spreadsheet_does_and_reads_in_english(planner):
    rows = [*DISTRICTS[:2], ["", "", ""], ["２０１", "健軍", "東部"]]  # a blank row counts
    result = import_school_districts(data=xlsx_bytes(rows), filename="d.xlsx", user=planner)
    assert [(e.row, e.column) for e in result.errors] == [(4, "区")]
    with translation.override("en"):
        english = import_school_districts(data=xlsx_bytes(rows), filename="d.xlsx", user=planner)
    assert "東部" in english.errors[0].message and "ward" in english.errors[0].message.lower()


def test_a_district_is_renamed_by_code_and_the_officers_refusal_is_on_the_ward(
    planner, chuo_officer
):
    import_school_districts(data=csv_bytes(DISTRICTS), filename="d.csv", user=planner)
    renamed = [DISTRICTS[0], ["１０１", "白川（新）", "中央区"], ["201", "健軍", "東区"]]
    result = import_school_districts(data=csv_bytes(renamed), filename="d.csv", user=planner)
    assert counts(result, "new", "changed", "unchanged") == (0, 1, 1)
    assert SchoolDistrict.objects.get(code="101").name == "白川（新）"

    moved = [DISTRICTS[0], ["201", "健軍", "中央区"]]
    refused = import_school_districts(data=csv_bytes(moved), filename="d.csv", user=chuo_officer)
    assert [(e.row, "他の区" in e.message) for e in refused.errors] == [(2, True)]
    assert SchoolDistrict.objects.get(code="201").ward == ward("higashi")


def test_the_first_sheet_with_our_headers_is_read():
    book = Workbook()
    book.active.append(["記入方法"])
    data_sheet = book.create_sheet("校区")
    for row in DISTRICTS:
        data_sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    result = import_school_districts(data=stream.getvalue(), filename="d.xlsx", user=None)
    assert result.ok, result.errors
    assert (result.sheet_name, result.counts["new"]) == ("校区", 2)


def test_a_directory_row_with_an_id_updates_that_entry_and_leaves_out_columns_alone(
    chuo_officer,
):
    import_community_resources(data=xlsx_bytes(RESOURCES), filename="r", user=chuo_officer)
    circle = CommunityResource.objects.get(name="中央子育てサークル")
    circle.address = "中央区手取本町1-1"
    circle.save()
    rows = [
        ["id", "名称", "種類", "ライフステージ", "相談窓口"],
        [circle.pk, "中央子育てサークル", "parenting-circle", "高齢期", "はい"],
    ]
    result = import_community_resources(data=xlsx_bytes(rows), filename="r", user=chuo_officer)
    assert counts(result, "new", "changed") == (0, 1), result.errors
    circle.refresh_from_db()
    assert [s.code for s in circle.life_stages.all()] == ["old-age"]
    assert circle.consultation and circle.address == "中央区手取本町1-1"  # not in the file
    assert circle.ward == ward("chuo") and [p.number for p in circle.pillars.all()] == [3]
    assert circle.history.first().history_user == chuo_officer
    assert {c.column for c in result.rows[0].changes} == {"相談窓口", "ライフステージ"}


def test_a_directory_row_with_an_unknown_id_is_an_error_on_the_id_column(chuo_officer):
    rows = [
        ["ID", "名称", "種類"],
        ["999999", "中央の会", "老人クラブ"],
        ["x", "西の会", "老人クラブ"],
    ]
    result = import_community_resources(data=csv_bytes(rows), filename="r.csv", user=chuo_officer)
    assert [(e.row, e.column) for e in result.errors] == [(2, "ID"), (3, "ID")]
    assert "999999" in result.errors[0].message


def test_directory_errors_read_in_english(chuo_officer):
    rows = [["name", "organisation_type", "life_stages"], ["中央の会", "", "中年期"]]
    with translation.override("en"):
        result = import_community_resources(data=csv_bytes(rows), filename="r", user=chuo_officer)
    assert [(e.column, e.message) for e in result.errors] == [
        ("organisation_type", "Enter an organisation type."),
        ("life_stages", 'There is no life stage "中年期".'),
    ]


def test_the_directory_sheet_compares_every_field_the_service_may_change():
    from community.services import RESOURCE_FIELDS

    assert set(DirectoryResource.compared) == RESOURCE_FIELDS


def test_phone_and_hours_import_and_come_back_in_the_export(chuo_officer, anon_client_export):
    rows = [
        ["名称", "種類", "区", "電話番号", "受付時間", "相談窓口"],
        ["中央の相談室", "老人クラブ", "中央区", "096-328-2111", "月〜金 8:30〜17:15", "はい"],
    ]
    result = import_community_resources(data=xlsx_bytes(rows), filename="r", user=chuo_officer)
    assert result.ok, result.errors
    room = CommunityResource.objects.get(name="中央の相談室")
    assert (room.phone, room.hours) == ("096-328-2111", "月〜金 8:30〜17:15")

    exported = anon_client_export("/api/v1/community-resources/?format=csv&origin=entry")
    assert "hours" in exported.decode("utf-8-sig").splitlines()[0].split(",")
    room.hours = ""
    room.save()
    again = import_community_resources(data=exported, filename="e.csv", user=chuo_officer)
    assert again.ok, again.errors
    room.refresh_from_db()
    assert room.hours == "月〜金 8:30〜17:15"
