"""The plan folder is configuration (issue 20, item 5): the environment variable PLAN_DATA_DIR
names it (README "Another municipality"), settings check it at start-up, and `load_plan`
without a folder loads it; so `make run` and the compose web container, which run a bare
`load_plan`, serve another city once the variable is set. What the Makefile and the compose
file do with it: tests/test_deployment.py."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from community.models import Municipality
from programs.models import Plan
from tests.test_second_city import KAKU, empty_the_database

ROOT = Path(__file__).resolve().parents[1]


def manage_check(plan_data_dir: str | None, *, cwd: Path = ROOT):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if plan_data_dir is not None:
        env["PLAN_DATA_DIR"] = plan_data_dir
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("folder", ["nowhere", "tests/fixtures"])
def test_a_folder_without_a_plan_stops_manage_py_check_naming_the_variable(folder):
    """A folder that is missing, or holds no plan.yaml, stops every command at start-up."""
    result = manage_check(folder)
    assert result.returncode != 0
    assert "ImproperlyConfigured: PLAN_DATA_DIR must be a plan folder holding plan.yaml" in (
        result.stderr
    )
    assert repr(folder) in result.stderr


def test_another_citys_folder_passes_the_check_from_any_working_directory(tmp_path):
    """A relative path is taken from the project folder, wherever the command runs from."""
    relative = str(KAKU.relative_to(ROOT))
    result = manage_check(relative, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "System check identified no issues" in result.stdout
    absolute = manage_check(str(KAKU), cwd=tmp_path)
    assert absolute.returncode == 0, absolute.stderr[-2000:]


def test_the_setting_reads_the_variable_and_defaults_to_the_shipped_plan(monkeypatch):
    from kumamoto_welfare import settings as module

    def setting() -> Path:
        return module.env_folder(
            "PLAN_DATA_DIR",
            default=ROOT / "programs" / "data" / "plan",
            holding="plan.yaml",
            accepts="a plan folder",
        )

    monkeypatch.delenv("PLAN_DATA_DIR", raising=False)
    assert setting() == ROOT / "programs" / "data" / "plan"
    monkeypatch.setenv("PLAN_DATA_DIR", " ")  # empty counts as unset
    assert setting() == ROOT / "programs" / "data" / "plan"
    monkeypatch.setenv("PLAN_DATA_DIR", "tests/fixtures/plans/kaku-city")
    assert setting() == KAKU
    monkeypatch.setenv("PLAN_DATA_DIR", str(KAKU.parent))
    with pytest.raises(ImproperlyConfigured, match="PLAN_DATA_DIR must be a plan folder, not"):
        setting()


@pytest.mark.django_db
def test_load_plan_without_a_folder_loads_the_configured_one(settings):
    """On another city's database, a bare load_plan (make run, the compose web container,
    the restore check's load_plan --check) loads, and checks, the folder the setting names."""
    empty_the_database()
    settings.PLAN_DATA_DIR = KAKU
    call_command("load_plan", verbosity=0)
    municipality = Municipality.objects.get()
    assert (municipality.code, municipality.name) == ("991007", "架空市")
    assert Plan.objects.get().code == "kaku-community-welfare-plan"
    call_command("load_plan", "--check", verbosity=0)  # nothing differs: exit 0


@pytest.mark.django_db
def test_the_data_package_is_named_after_the_configured_city(settings):
    """No city in the code (item 7): the Data Package's name and title are the municipality's."""
    empty_the_database()
    settings.PLAN_DATA_DIR = KAKU
    call_command("load_plan", verbosity=0)
    package = Client().get("/opendata/datapackage.json").json()
    assert package["name"] == "991007-community-welfare-open-data"
    assert package["title"] == "架空市 地域福祉計画 オープンデータ"
    assert package["contributors"][0]["title"] == "架空市"
