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
    assert set(document["volumes"]) == {"postgres-data", "redis-data"}
    assert "postgres-data:/var/lib/postgresql/data" in document["services"]["db"]["volumes"]


def test_dockerfile_builds_the_app_on_python_3_11():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# ") and "FROM python:3.11" in dockerfile
    assert "collectstatic" in dockerfile
