"""Files built to hurt the server are refused, quickly, with a message naming the file or the
row and column, through every door (the admin, the commands, the community imports, the
background job), never a 500 and never anything written."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from community.resources import SchoolDistrictResource
from infrastructure.imports import import_file, run_import
from infrastructure.imports.storage import UploadStorage
from infrastructure.imports.uploads import LimitedUploadHandler, upload_refused
from tests.imports import hostile
from tests.imports.files import INDICATOR_HEADERS, csv_bytes, errors_of, snapshot, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = ["KPI-3-1", "", "中央区", "2015", "実績", "100", ""]
IMPORT = "/admin/indicators/indicatorvalue/import/"


def refused(user, data, name="hostile.xlsx"):
    """The import's errors; the database left as it was."""
    before = snapshot()
    report = run_import(data=data, filename=name, user=user, dry_run=False)
    assert not report.ok and not report.written
    assert snapshot() == before
    return errors_of(report)


def only_message(errors):
    ((row, column, message),) = errors
    assert (row, column) == (None, None), "a file-level refusal"
    return message


# --- xlsx: refused before openpyxl parses it ----------------------------------------------


def test_a_shared_string_bomb_is_refused_by_its_inflated_size(planner, tmp_path):
    bomb = hostile.shared_string_bomb(tmp_path / "bomb.xlsx", inflated=64 * 1024 * 1024)
    data = bomb.read_bytes()
    assert len(data) < 200 * 1024  # passes the upload size
    message = only_message(refused(planner, data))
    assert "展開すると大きすぎます" in message and "上限 30 MB" in message


def test_a_member_that_inflates_past_its_declared_size_is_refused(planner):
    data = hostile.with_shared_string("A" * 5_000_000)  # 5 MB in a few KB
    data = hostile.lying_about_its_size(data, hostile.STRINGS, 200)
    assert "xlsx ファイルとして読めません" in only_message(refused(planner, data))


def test_a_member_that_compresses_too_well_is_refused(planner, settings):
    settings.IMPORT_MAX_XLSX_BYTES = 500 * 1024 * 1024
    data = hostile.many_rows_xlsx(1_000_000)  # 26 MB of rows in 70 KB
    assert "圧縮率が異常です" in only_message(refused(planner, data))


def test_too_many_members_are_refused(planner):
    members = {f"xl/media/image{i}.bin": b"x" for i in range(100)}
    data = hostile.rewrite(hostile.base_xlsx(), members)
    assert "多すぎます（上限 100 個）" in only_message(refused(planner, data))


@pytest.mark.parametrize("member", [hostile.SHEET, "xl/workbook.xml", "[Content_Types].xml"])
def test_xml_with_a_doctype_or_entities_is_refused(planner, member):
    declaration = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    data = hostile.rewrite(
        hostile.base_xlsx(), {member: lambda body: declaration + body.split(b"?>", 1)[-1]}
    )
    assert "DOCTYPE" in only_message(refused(planner, data))


def test_a_doctype_in_the_shared_strings_is_refused(planner):
    data = hostile.rewrite(
        hostile.with_shared_string("x"),
        {hostile.STRINGS: lambda body: b"<!DOCTYPE sst [<!ENTITY e 'x'>]>" + body},
    )
    assert "DOCTYPE" in only_message(refused(planner, data))


def test_rows_past_the_cap_are_refused_before_they_are_read(planner):
    message = only_message(refused(planner, hostile.many_rows_xlsx(10_001)))
    assert "行が多すぎます（上限 10000 行）" in message


def test_three_million_rows_are_refused_at_once(planner):
    data = hostile.many_rows_xlsx(3_000_000)
    assert len(data) < 1024 * 1024
    assert "展開すると大きすぎます" in only_message(refused(planner, data))


def test_a_row_past_excels_last_is_refused(planner):
    data = hostile.in_sheet(b'<row r="2"', b'<row r="2000000"')
    assert "xlsx ファイルとして読めません" in only_message(refused(planner, data))


def test_a_row_with_too_many_values_is_refused(planner):
    cells = b"".join(b"<c><v>1</v></c>" for _ in range(101))
    data = hostile.in_sheet(b"</sheetData>", b"<row>" + cells + b"</row></sheetData>")
    assert "列が多すぎます（上限 100 列）" in only_message(refused(planner, data))


def test_a_stated_dimension_of_the_whole_sheet_costs_nothing(planner):
    # openpyxl would pad every row to 16,384 cells and the sheet to 1,048,576 rows.
    data = hostile.in_sheet(b'<dimension ref="A1:G2" />', b'<dimension ref="A1:XFD1048576" />')
    report = run_import(data=data, filename="d.xlsx", user=planner, dry_run=True)
    assert report.ok and report.counts["new"] == 1


def test_a_shared_string_over_the_cell_cap_is_refused(planner):
    message = only_message(refused(planner, hostile.with_shared_string("A" * 10_001)))
    assert "上限（10000 文字）" in message


def test_a_table_of_unused_shared_strings_is_refused_before_openpyxl_reads_it(planner):
    """Issue 18, item 10: an upload of under 5 MB whose shared-string table holds 1.45
    million short strings no cell uses was read whole by openpyxl (325 MB, 35 s). It is
    refused from the zip's directory, naming the member, its size and what to do."""
    data = hostile.many_shared_strings(1_450_000)
    assert len(data) < 5 * 1024 * 1024  # passes the upload size
    message = only_message(refused(planner, data))
    assert "共有文字列（xl/sharedStrings.xml）が大きすぎます" in message
    assert "27.6 MB、上限 16 MB" in message and "CSV で保存" in message


def test_more_shared_strings_than_the_limit_are_refused_by_their_count(planner, settings):
    settings.IMPORT_MAX_SHARED_STRINGS = 1_000
    message = only_message(refused(planner, hostile.many_shared_strings(1_001)))
    assert "共有文字列（xl/sharedStrings.xml）が多すぎます（1,000 個を超えています）" in message


def test_shared_strings_within_the_limits_are_read(planner, settings):
    settings.IMPORT_MAX_SHARED_STRINGS = 1_000
    data = hostile.many_shared_strings(1_000)
    report = run_import(data=data, filename="strings.xlsx", user=planner, dry_run=True)
    assert report.ok, errors_of(report)
    assert report.counts["new"] == 1


def test_broken_xml_inside_a_zip_is_a_file_error(planner):
    data = hostile.rewrite(hostile.base_xlsx(), {hostile.SHEET: lambda body: body[:-40]})
    assert "xlsx ファイルとして読めません" in only_message(refused(planner, data))


def test_a_raw_control_character_in_the_xml_is_a_file_error(planner):
    data = hostile.in_sheet(b"<t>note</t>", b"<t>no\x1bte</t>")
    assert "xlsx ファイルとして読めません" in only_message(refused(planner, data))


# --- cells, in either format: refused with their row and column ----------------------------


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_a_cell_over_the_cap_is_refused_with_row_and_column(planner, make):
    rows = [INDICATOR_HEADERS, GOOD, [*GOOD[:6], "長" * 10_001]]
    errors = refused(planner, make(rows), "long.csv" if make is csv_bytes else "long.xlsx")
    assert [(row, column) for row, column, _m in errors] == [(3, "備考")]
    assert "10001 文字" in errors[0][2]


def test_a_csv_cell_past_pythons_field_limit_is_a_row_error_not_a_500(planner):
    data = csv_bytes([INDICATOR_HEADERS, GOOD, [*GOOD[:6], "x" * 200_000]])
    ((row, column, message),) = refused(planner, data, "huge.csv")
    assert row == 3 and column is None and "上限 10000 文字" in message


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x0b"])
def test_nul_and_control_characters_are_refused_with_row_and_column(planner, character):
    data = csv_bytes(
        [INDICATOR_HEADERS, GOOD, ["KPI-3-2", "", "中央区", "2015", "", "5", f"a{character}b"]]
    )
    ((row, column, message),) = refused(planner, data, "nul.csv")
    assert (row, column) == (3, "備考")
    assert f"U+{ord(character):04X}" in message


def test_tabs_and_line_breaks_are_text(planner):
    data = csv_bytes([INDICATOR_HEADERS, [*GOOD[:6], "一行目\r\n二行目\tタブ"]])
    report = run_import(data=data, filename="ok.csv", user=planner, dry_run=True)
    assert report.ok, errors_of(report)


def test_every_refused_cell_is_reported(planner):
    rows = [["KPI-3-1", "", "中央区", "2015", "", "5", f"x\x00{n}"] for n in range(3)]
    errors = refused(planner, csv_bytes([INDICATOR_HEADERS, *rows]), "nul.csv")
    assert [(row, column) for row, column, _m in errors] == [(2, "備考"), (3, "備考"), (4, "備考")]


def test_a_csv_past_the_row_cap_is_refused(planner):
    rows = [["KPI-3-1", "", "中央区", "2015", "", "5", ""]] * 10_001
    message = only_message(refused(planner, csv_bytes([INDICATOR_HEADERS, *rows]), "r.csv"))
    assert "上限 10000 行" in message


def test_a_header_past_the_column_cap_is_refused(planner):
    data = csv_bytes([[*INDICATOR_HEADERS, *[f"列{i}" for i in range(100)]], GOOD])
    assert "列が多すぎます" in only_message(refused(planner, data, "w.csv"))


def test_the_limits_are_settings(planner, settings):
    settings.IMPORT_MAX_ROWS = 1
    data = csv_bytes([INDICATOR_HEADERS, GOOD, ["KPI-3-2", "", "中央区", "2015", "", "5", ""]])
    assert "上限 1 行" in only_message(refused(planner, data, "two.csv"))


def test_refusals_read_in_english(planner):
    with translation.override("en"):
        message = only_message(refused(planner, hostile.many_rows_xlsx(10_001)))
        errors = refused(planner, csv_bytes([INDICATOR_HEADERS, [*GOOD[:6], "a\x00"]]), "n.csv")
    assert message == "Too many rows (at most 10000). Split the file and import each part."
    assert errors[0][2] == "A control character (U+0000) is not allowed."


# --- the doors ---------------------------------------------------------------------------


def test_the_upload_handler_stops_reading_once_past_the_limit(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100_000
    request = RequestFactory().post("/")
    handler = LimitedUploadHandler(request)
    handler.new_file("file", "big.csv", "text/csv", None)
    chunk = b"x" * 64 * 1024
    assert handler.receive_data_chunk(chunk, 0) == chunk
    with pytest.raises(StopUpload) as stopped:
        handler.receive_data_chunk(chunk, len(chunk))
    assert stopped.value.connection_reset is False  # the rest is drained, the page shown
    assert upload_refused(request)


def test_the_admin_refuses_an_upload_over_the_limit_while_it_streams(client, planner, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1_000
    client.force_login(planner)
    data = csv_bytes([INDICATOR_HEADERS, *[GOOD] * 100])
    response = client.post(IMPORT, {"file": SimpleUploadedFile("big.csv", data)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["ファイルが大きすぎます（上限 1 KB）。"]
    assert "report" not in response.context  # nothing was read, nothing imported


def test_the_admin_answers_a_hostile_file_with_the_reason_not_a_500(client, planner):
    client.force_login(planner)
    data = hostile.in_sheet(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "a">]><worksheet')
    response = client.post(IMPORT, {"file": SimpleUploadedFile("evil.xlsx", data)})
    assert response.status_code == 400
    assert "DOCTYPE" in response.content.decode()
    huge = csv_bytes([INDICATOR_HEADERS, [*GOOD[:6], "x" * 200_000]])
    response = client.post(IMPORT, {"file": SimpleUploadedFile("huge.csv", huge)})
    assert response.status_code == 400 and "上限 10000 文字" in response.content.decode()


def test_the_community_admin_refuses_an_upload_over_the_limit(client, planner, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1_000
    client.force_login(planner)
    url = reverse("admin:community_schooldistrict_import")
    data = csv_bytes([["校区コード", "校区名", "区"], *[["1", "x", "中央区"]] * 200])
    response = client.post(url, {"file": SimpleUploadedFile("d.csv", data)})
    assert response.status_code == 200
    assert "ファイルが大きすぎます" in response.content.decode()


def test_the_community_import_holds_cells_to_the_same_limits(planner):
    data = csv_bytes([["校区コード", "校区名", "区"], ["901", "a\x00b", "中央区"]])
    report = import_file(SchoolDistrictResource, data=data, filename="d.csv", user=planner)
    assert [(e.row, e.column) for e in report.errors] == [(2, "校区名")]


@pytest.mark.parametrize(
    ("command", "extra"),
    [("import_progress", ["--user", "planner"]), ("import_school_districts", [])],
)
def test_the_commands_refuse_a_file_over_the_limit_without_reading_it(
    planner, settings, tmp_path, command, extra
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1_000
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 10_000)
    with pytest.raises(CommandError, match="ファイルが大きすぎます"):
        call_command(command, str(path), *extra, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_commands_refuse_a_hostile_file_with_the_reason(planner, tmp_path):
    path = tmp_path / "rows.xlsx"
    path.write_bytes(hostile.many_rows_xlsx(10_001))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_progress", str(path), "--user", "planner", stderr=err)
    assert "行が多すぎます" in err.getvalue()


def test_a_background_job_holds_the_upload_to_the_same_limits(planner, settings):
    from infrastructure.imports.background import import_job_run
    from infrastructure.jobs.models import Job

    storage = UploadStorage()
    storage.save(hostile.many_rows_xlsx(10_001))
    job = Job.objects.create(
        kind="import",
        user=planner,
        params={"sheet": "indicator_value", "token": storage.name, "filename": "r.xlsx"},
    )
    result = import_job_run(job, lambda done, total=None: None)
    assert not result["ok"] and "行が多すぎます" in result["errors"][0]["message"]


# --- the uploads awaiting confirmation -----------------------------------------------------


def test_uploads_wait_in_the_media_storage_not_the_cache(settings, tmp_path):
    storage = UploadStorage()
    storage.save(b"data")
    assert (settings.MEDIA_ROOT / "django-import-export" / storage.name).read_bytes() == b"data"
    assert UploadStorage(name=storage.name, read_mode="rb").read() == b"data"
    storage.remove()
    assert UploadStorage(name=storage.name).read() is None
    storage.remove()  # twice: no error


@pytest.mark.parametrize("token", ["../../settings.py", "/etc/passwd", "", "A" * 32])
def test_a_token_that_is_not_ours_reads_as_expired(settings, token):
    (settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    assert UploadStorage(name=token).read() is None


def test_uploads_never_confirmed_are_purged_after_a_day(settings):
    import os
    import time

    from infrastructure.imports.tasks import purge_uploads

    old, fresh = UploadStorage(), UploadStorage()
    old.save(b"old")
    fresh.save(b"fresh")
    path = settings.MEDIA_ROOT / "django-import-export" / old.name
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(path, (two_days_ago, two_days_ago))
    assert UploadStorage(name=old.name).read() is None  # expired, even before the purge
    old.save(b"old")  # stored again, then aged again
    os.utime(path, (two_days_ago, two_days_ago))
    assert purge_uploads.apply().get() == 1
    assert not path.exists() and UploadStorage(name=fresh.name).read() == b"fresh"
    assert purge_uploads.apply().get() == 0


def test_past_the_guards_openpyxl_parses_with_defusedxml_and_its_refusal_is_caught(
    planner, monkeypatch
):
    import openpyxl

    from infrastructure.imports import formats

    assert openpyxl.DEFUSEDXML is True  # defusedxml is installed: openpyxl uses it
    monkeypatch.setattr(formats, "inspect_xlsx", lambda *args: None)  # no guard in front
    data = hostile.in_sheet(
        b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaa">]><worksheet', hostile.base_xlsx()
    )
    data = hostile.rewrite(data, {hostile.SHEET: lambda body: body.replace(b"note", b"&a;")})
    assert "xlsx ファイルとして読めません" in only_message(refused(planner, data))


@pytest.mark.parametrize("seed", range(3))
def test_damaged_files_are_file_errors_never_exceptions(seed):
    """A few hundred random damages to an xlsx (deflate data, zip headers, XML) and to a
    CSV: each is read or refused with a message, nothing else escapes (it did: zlib.error,
    NotImplementedError)."""
    import random

    from infrastructure.imports.formats import FileError, read_dataset

    rng = random.Random(seed)
    originals = [
        ("f.xlsx", hostile.with_shared_string("hello")),
        ("f.csv", csv_bytes([INDICATOR_HEADERS, GOOD])),
    ]
    for _ in range(150):
        name, original = rng.choice(originals)
        data = bytearray(original)
        for _flip in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            read_dataset(bytes(data), name, is_ours=lambda headers: True)
        except FileError as error:
            assert error.message
