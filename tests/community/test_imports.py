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
from infrastructure.imports import import_file
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
    assert {c.label for c in result.rows[0].changes} == {"相談窓口", "ライフステージ"}


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


# --- large uploads in the admin: checked and imported by the engine's import job ----------

DIRECTORY_IMPORT = "/admin/community/communityresource/import/"
DISTRICT_IMPORT = "/admin/community/schooldistrict/import/"


@pytest.fixture
def media(settings, tmp_path):
    """Uploads awaiting their job or confirmation (media storage) go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def large(settings, media):
    settings.IMPORT_BACKGROUND_BYTES = 1000  # the files below (3–4 KB) count as large


def many_entries(count=60):
    """``count`` entries of the central ward's, about 3 KB of CSV."""
    return [RESOURCES[0]] + [
        [f"中央の会{n}", "老人クラブ", "中央区", "高齢期", "", "1"] for n in range(count)
    ]


def entries():
    return CommunityResource.objects.filter(origin="entry")


def post_file(client, url, data, name="r.csv", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"file": SimpleUploadedFile(name, data), **fields})


def import_jobs():
    from infrastructure.imports.background import IMPORT_JOB
    from infrastructure.jobs.models import Job

    return Job.objects.filter(kind=IMPORT_JOB).order_by("pk")


@pytest.fixture
def chuo(client, chuo_officer):
    client.force_login(chuo_officer)
    return client


def test_a_large_directory_upload_is_checked_and_imported_by_the_job(
    large, chuo, chuo_officer, client, higashi_officer, django_capture_on_commit_callbacks
):
    """Issue 18, item 10: the community admin read and imported every upload inside the
    request, whatever its size (this POST, without the dry-run box, wrote 60 entries and
    answered 302 to the list). Now a large upload becomes the engine's import job: a dry run,
    its preview on the status page, and the import only once confirmed."""
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(chuo, DIRECTORY_IMPORT, csv_bytes(many_entries()))
    preview = import_jobs().get()
    status_url = f"{DIRECTORY_IMPORT}job/{preview.pk}/"
    assert response.status_code == 302 and response["Location"] == status_url
    assert preview.params["sheet"] == "community_resource" and preview.params["dry_run"]
    assert preview.status == "succeeded", preview.error
    assert preview.done == preview.total == 60
    assert not entries().exists()  # checked, not written

    page = chuo.get(status_url)
    html = page.content.decode()
    assert page.status_code == 200 and page.context["report"]["counts"]["new"] == 60
    assert '<th scope="row">61</th><td>新規</td><td>中央の会59</td>' in html
    assert "テンプレートのダウンロード" not in html  # the directory has no template page
    token = page.context["token"]
    assert token == preview.params["token"]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = chuo.post(status_url, {"token": token})
    done = import_jobs().last()
    assert confirmed["Location"] == f"{DIRECTORY_IMPORT}job/{done.pk}/"
    assert done.status == "succeeded" and done.result["written"] is True
    assert entries().count() == 60
    assert {entry.history.get().history_user for entry in entries()} == {chuo_officer}
    assert "取り込みました" in chuo.get(confirmed["Location"]).content.decode()

    client.force_login(higashi_officer)  # only the uploader sees the status page
    assert client.get(status_url).status_code == 404


def test_a_large_directory_upload_with_bad_rows_shows_them_and_writes_nothing(
    large, chuo, django_capture_on_commit_callbacks
):
    rows = many_entries()
    rows[30][2] = "東区"  # row 31 of the sheet: another ward's entry
    rows[45][1] = "秘密結社"  # row 46: no such type
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(chuo, DIRECTORY_IMPORT, csv_bytes(rows, "cp932"))
    page = chuo.get(response["Location"])
    html = page.content.decode()
    assert page.context["token"] is None
    assert "2件の誤りがあります。何も登録していません。" in html
    assert '<th scope="row">31</th><td>区</td><td>他の区' in html
    assert '<th scope="row">46</th><td>種類</td><td>「秘密結社」という種類はありません。' in html
    # The form for another file only checks (it cannot import in the request unseen).
    assert '<input type="hidden" name="dry_run" value="on">' in html

    job = import_jobs().get()
    with django_capture_on_commit_callbacks(execute=True):
        refused = chuo.post(response["Location"], {"token": job.params["token"]})
    assert refused.status_code == 400 and "取り込めません" in refused.content.decode()
    assert import_jobs().count() == 1 and not entries().exists()


def test_confirming_a_large_directory_upload_imports_all_or_nothing(
    large, chuo, django_capture_on_commit_callbacks
):
    """The file's last row updates an entry that is deleted between the dry run and the
    confirmation: the import job finds the row's error and writes none of the 60 new rows
    before it."""
    from tests.community.helpers import resource

    kept = resource(name="中央の古い会")
    rows = [["id", *RESOURCES[0]]] + [["", *row] for row in many_entries()[1:]]
    rows.append([str(kept.pk), "中央の新しい会", "老人クラブ", "中央区", "", "", ""])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(chuo, DIRECTORY_IMPORT, csv_bytes(rows))
    preview = chuo.get(response["Location"])
    counted = preview.context["report"]["counts"]
    assert (counted["new"], counted["changed"]) == (60, 1)
    kept.delete()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = chuo.post(response["Location"], {"token": preview.context["token"]})
    job = import_jobs().last()
    assert job.status == "succeeded" and job.result["written"] is False
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [(62, "id")]
    html = chuo.get(confirmed["Location"]).content.decode()
    assert '<th scope="row">62</th><td>id</td>' in html and "何も登録していません" in html
    assert not entries().exists()


def test_a_large_district_upload_runs_as_jobs_too(
    large, client, planner, django_capture_on_commit_callbacks
):
    client.force_login(planner)
    rows = [DISTRICTS[0]] + [[str(100 + n), f"校区{n}", "中央区"] for n in range(80)]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, DISTRICT_IMPORT, xlsx_bytes(rows), name="d.xlsx")
    preview = import_jobs().get()
    assert response["Location"] == f"{DISTRICT_IMPORT}job/{preview.pk}/"
    assert preview.params["sheet"] == "school_district"
    assert not SchoolDistrict.objects.exists()
    token = client.get(response["Location"]).context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"token": token})
    assert import_jobs().last().result["written"] is True
    assert SchoolDistrict.objects.count() == 80


def test_small_uploads_still_import_in_the_request(media, chuo):
    response = post_file(chuo, DIRECTORY_IMPORT, csv_bytes(RESOURCES))
    assert response.status_code == 302 and response["Location"].endswith("/communityresource/")
    assert entries().count() == 2 and not import_jobs().exists()


def test_a_hostile_xlsx_is_refused_with_its_message_in_the_request(media, chuo, settings):
    from tests.imports import hostile

    settings.IMPORT_MAX_SHARED_STRINGS = 1_000
    response = post_file(chuo, DIRECTORY_IMPORT, hostile.many_shared_strings(1_001), "s.xlsx")
    html = response.content.decode()
    assert response.status_code == 200 and not import_jobs().exists()
    assert "共有文字列（xl/sharedStrings.xml）が多すぎます（1,000 個を超えています）" in html
    assert not entries().exists()


def test_the_file_of_issue_18_is_refused_by_the_job_not_read_in_the_request(
    media, chuo, django_capture_on_commit_callbacks
):
    """Issue 18, item 10: a 4 MB xlsx with 1.45 million unused shared strings, uploaded to
    the directory's admin, was read in the request. It is over IMPORT_BACKGROUND_BYTES
    (200 KB, the default), so it becomes a job, which refuses it with the clear message."""
    from tests.imports import hostile

    data = hostile.many_shared_strings(1_450_000)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(chuo, DIRECTORY_IMPORT, data, "strings.xlsx")
    job = import_jobs().get()
    assert response["Location"] == f"{DIRECTORY_IMPORT}job/{job.pk}/"
    assert job.status == "succeeded" and not job.result["ok"]
    page = chuo.get(response["Location"])
    html = page.content.decode()
    assert "共有文字列（xl/sharedStrings.xml）が大きすぎます" in html and "CSV で保存" in html
    assert page.context["token"] is None and not entries().exists()


def test_the_progress_door_does_not_take_a_community_file_for_its_own(planner):
    """The community's sheets are registered for the import job, but a file is never
    recognised as one of them by its headers: ``import_progress`` still refuses it."""
    from infrastructure.imports import run_import

    report = run_import(data=csv_bytes(RESOURCES), filename="r.csv", user=planner, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(1, None)]
    assert "指標コード" in report.errors[0].message
    assert not entries().exists()
