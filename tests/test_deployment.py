"""The deployment files: docker-compose.yml runs the five services from the Dockerfile."""

from pathlib import Path

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
    assert "gunicorn kumamoto_welfare.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A kumamoto_welfare worker")
    assert services["beat"]["command"].startswith("celery -A kumamoto_welfare beat")


def test_data_lives_in_volumes():
    document = compose()
    assert set(document["volumes"]) == {"postgres-data", "redis-data", "media-data"}
    assert "postgres-data:/var/lib/postgresql/data" in document["services"]["db"]["volumes"]
    # The worker writes the annual reports that web serves: one volume for both.
    for name in ("web", "worker"):
        assert "media-data:/app/media" in document["services"][name]["volumes"]


def test_dockerfile_builds_the_app_on_python_3_11():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# ") and "FROM python:3.11" in dockerfile
    assert "collectstatic" in dockerfile
    # The charts' script comes from npm at build time, like make does for development.
    assert "npm ci" in dockerfile and "chart.umd.min.js.map static/vendor/" in dockerfile


def test_production_static_files_collect(tmp_path):
    """collectstatic with the production storage (hashed names, compression): it refuses a
    file that references a missing one, as Chart.js's reference to its source map was."""
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
    assert (tmp_path / "static" / "staticfiles.json").exists()
