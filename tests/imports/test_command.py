"""python manage.py import_progress FILE --user USERNAME [--dry-run]"""

import io

import pytest
from django.core.management import CommandError, call_command

from indicators.models import IndicatorValue
from tests.imports.files import INDICATOR_HEADERS, csv_bytes, snapshot

pytestmark = pytest.mark.django_db


def write(tmp_path, rows, name="values.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, encoding="cp932"))
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = [INDICATOR_HEADERS, ["KPI-3-1", "", "中央区", "H27", "", "1,200", ""]]


def test_a_dry_run_prints_the_preview_and_writes_nothing(chuo_officer, tmp_path):
    out, _err = run(write(tmp_path, GOOD), "--user", "chuo_officer", "--dry-run")
    assert "2行目\t新規\tKPI-3-1 中央区 2015 実績値\t値：— → 1,200" in out
    assert "新規 1件" in out and "--dry-run" in out
    assert not IndicatorValue.objects.filter(origin="entry").exists()


def test_an_import_writes_as_the_user(chuo_officer, tmp_path):
    out, _err = run(write(tmp_path, GOOD), "--user", "chuo_officer")
    assert "取り込みました" in out
    record = IndicatorValue.objects.get(origin="entry")
    assert record.history.get().history_user == chuo_officer


def test_errors_are_printed_and_the_exit_is_non_zero(chuo_officer, tmp_path):
    rows = [
        *GOOD,
        ["KPI-3-1", "", "東区", "H27", "", "5", ""],
        ["KPI-X", "", "中央区", "H27", "", "5", ""],
    ]
    before = snapshot()
    with pytest.raises(CommandError, match="2件のエラー"):
        call_command(
            "import_progress",
            write(tmp_path, rows),
            user="chuo_officer",
            stdout=io.StringIO(),
            stderr=(err := io.StringIO()),
        )
    lines = err.getvalue().splitlines()
    assert lines == [
        "3行目\t列：区\t他の区のデータは登録・変更できません。",
        "4行目\t列：指標コード\t指標コード「KPI-X」は計画にありません。",
    ]
    assert snapshot() == before


def test_an_unknown_user_or_missing_file(chuo_officer, tmp_path):
    with pytest.raises(CommandError, match="nobody"):
        run(write(tmp_path, GOOD), "--user", "nobody")
    with pytest.raises(CommandError):
        run(str(tmp_path / "missing.csv"), "--user", "chuo_officer")


def test_the_exit_status_is_non_zero_only_on_errors(chuo_officer, tmp_path):
    """Django exits with CommandError.returncode when run from the shell. (Running it through
    ManagementUtility here would close the test's database connection.)"""
    run(write(tmp_path, GOOD), "--user", "chuo_officer", "--dry-run")  # returns: status 0
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, [["x"], ["y"]]), "--user", "chuo_officer", "--dry-run")
    assert error.value.returncode == 1
