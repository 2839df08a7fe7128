"""Settings come from the environment. Each case starts a fresh interpreter with its own
environment, since settings are read once at start-up."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")

PROBE = """
import json, django
django.setup()
from django.conf import settings
from kumamoto_welfare.celery import app
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "hosts": settings.ALLOWED_HOSTS,
    "time_zone": settings.TIME_ZONE,
    "celery_tz": app.conf.timezone,
    "language": settings.LANGUAGE_CODE,
    "languages": [code for code, _ in settings.LANGUAGES],
    "i18n": settings.USE_I18N,
}))
"""


def run_probe(**environment):
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(environment, DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe(**environment) -> dict:
    result = run_probe(**environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults_need_nothing_set():
    settings = probe()
    assert settings["debug"] is True
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"].endswith("db.sqlite3")
    assert settings["cache"].endswith("LocMemCache")
    assert settings["eager"] is True
    assert settings["broker"] == "memory://"
    assert settings["time_zone"] == settings["celery_tz"] == "Asia/Tokyo"
    assert settings["language"] == "ja"
    assert settings["languages"] == ["ja", "en"]
    assert settings["i18n"] is True


def test_database_and_redis_urls_switch_to_the_real_services():
    settings = probe(
        DATABASE_URL="postgres://welfare:secret@db.example:5432/welfare",
        REDIS_URL="redis://cache.example:6379/1",
    )
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "welfare"
    # django-redis, with IGNORE_EXCEPTIONS: Redis down is a cache miss, not a 500.
    assert settings["cache"] == "django_redis.cache.RedisCache"
    assert settings["cache_options"]["IGNORE_EXCEPTIONS"] is True
    assert settings["cache_options"]["SOCKET_CONNECT_TIMEOUT"] <= 1
    assert settings["cache_options"]["SOCKET_TIMEOUT"] <= 1
    assert settings["eager"] is False
    assert settings["broker"] == "redis://cache.example:6379/1"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_probe(DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_starts_with_a_secret_key_and_its_hosts():
    settings = probe(DEBUG="False", SECRET_KEY="x" * 50, ALLOWED_HOSTS="welfare.example,other")
    assert settings["debug"] is False
    assert settings["hosts"] == ["welfare.example", "other"]


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_bad_boolean_is_an_error_at_start_up(value):
    result = run_probe(DEBUG=value)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize(("value", "debug"), [("0", False), ("off", False), ("Yes", True)])
def test_booleans_are_read_in_the_usual_spellings(value, debug):
    assert probe(DEBUG=value, SECRET_KEY="x" * 50)["debug"] is debug


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("IMPORT_MAX_ROWS", "0", "IMPORT_MAX_ROWS must be a whole number of at least 1"),
        (
            "IMPORT_MAX_CELL_CHARS",
            "200000",
            "IMPORT_MAX_CELL_CHARS must be a whole number from 1 to 131072",
        ),
        (
            "REDIS_CONNECT_TIMEOUT",
            "0",
            "REDIS_CONNECT_TIMEOUT must be a number above 0 and at most 10",
        ),
    ],
)
def test_import_limits_and_redis_timeouts_are_checked_at_start_up(variable, value, message):
    result = run_probe(**{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


# --- Settings that refuse a bad value at start-up (issue 19, item 6) ------------------------


def manage_check(**environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(environment)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py names it
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "accepts"),
    [
        (
            "API_ANON_RATE",
            "lots",
            "a rate such as 120/minute (requests from 1, per second, minute, hour or day)",
        ),
        ("LOGIN_FAILURE_LIMIT", "0", "a whole number of at least 1"),
        ("CONN_MAX_AGE", "-7", "a whole number of at least 0"),
        ("IMPORT_BACKGROUND_BYTES", "-1", "a whole number of at least 0"),
        ("REMINDER_LEAD_DAYS", "-5", "a whole number from 0 to 90"),
        ("SECURE_HSTS_SECONDS", "-1", "a whole number of at least 0"),
        ("SITE_URL", "welfare.example.jp", "a URL starting with http:// or https://"),
    ],
)
def test_a_bad_value_stops_manage_py_check(variable, value, accepts):
    """Reproduces issue 19 item 6: each of these passed `check` (API_ANON_RATE=lots then
    answered every anonymous API request with a 500; SECURE_HSTS_SECONDS was not even read
    with DEBUG on)."""
    result = manage_check(**{variable: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {variable} must be {accepts}, not {value!r}." in result.stderr


def test_good_values_are_read_as_given():
    settings = probe_values(
        API_ANON_RATE="10/second",
        LOGIN_FAILURE_LIMIT="1",
        CONN_MAX_AGE="60",
        IMPORT_BACKGROUND_BYTES="0",
        REMINDER_LEAD_DAYS="90",
        SECURE_HSTS_SECONDS="0",
        DEBUG="false",
        SECRET_KEY="k" * 50,
    )
    assert settings["rate"] == "10/second"
    assert settings["failure_limit"] == 1
    assert settings["conn_max_age"] == 60
    assert settings["background_bytes"] == 0
    assert settings["lead_days"] == 90
    assert settings["hsts"] == 0


def test_secrets_may_come_from_files(tmp_path):
    """SECRET_KEY_FILE, DATABASE_URL_FILE, EMAIL_HOST_PASSWORD_FILE, REDIS_URL_FILE: the
    file's content without its trailing newline (a Docker or systemd secret)."""
    files = {
        "SECRET_KEY": "s" * 50,
        "DATABASE_URL": "postgres://welfare:p%40ss@db.example:5432/welfare",
        "EMAIL_HOST_PASSWORD": "mail password",
        "REDIS_URL": "redis://:secret@cache.example:6379/2",
    }
    for name, secret in files.items():
        (tmp_path / name).write_text(secret + "\n", encoding="utf-8")
    settings = probe_values(
        DEBUG="false", **{f"{name}_FILE": str(tmp_path / name) for name in files}
    )
    assert settings["secret_key"] == "s" * 50
    assert (settings["db_name"], settings["db_password"]) == ("welfare", "p@ss")
    assert settings["email_password"] == "mail password"
    assert settings["redis"] == "redis://:secret@cache.example:6379/2"


def test_a_secret_and_its_file_together_are_an_error(tmp_path):
    (tmp_path / "key").write_text("f" * 50, encoding="utf-8")
    result = manage_check(SECRET_KEY="e" * 50, SECRET_KEY_FILE=str(tmp_path / "key"))
    assert result.returncode != 0
    assert "Set SECRET_KEY or SECRET_KEY_FILE, not both." in result.stderr


def test_mail_uses_tls_in_production_and_refuses_tls_with_ssl():
    assert probe_values()["email_tls"] is False  # development: the console
    production = probe_values(DEBUG="false", SECRET_KEY="k" * 50)
    assert (production["email_tls"], production["email_ssl"]) == (True, False)
    implicit = probe_values(DEBUG="false", SECRET_KEY="k" * 50, EMAIL_USE_SSL="true")
    assert (implicit["email_tls"], implicit["email_ssl"]) == (False, True)
    result = run_probe(EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")
    assert result.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL may not both be true" in result.stderr


VALUES = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "rate": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"],
    "failure_limit": settings.AXES_FAILURE_LIMIT,
    "conn_max_age": db["CONN_MAX_AGE"],
    "background_bytes": settings.IMPORT_BACKGROUND_BYTES,
    "lead_days": settings.REMINDER_LEAD_DAYS,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "secret_key": settings.SECRET_KEY,
    "db_name": db["NAME"],
    "db_password": db["PASSWORD"],
    "email_password": settings.EMAIL_HOST_PASSWORD,
    "email_tls": settings.EMAIL_USE_TLS,
    "email_ssl": settings.EMAIL_USE_SSL,
    "redis": settings.REDIS_URL,
    "middleware": settings.MIDDLEWARE,
    "rest_framework": settings.REST_FRAMEWORK,
}, default=str))
"""


def probe_values(**environment) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(environment, DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings")
    result = subprocess.run(
        [sys.executable, "-c", VALUES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# The order a request goes down, in the default (development) configuration.
DEVELOPMENT_MIDDLEWARE = [
    "infrastructure.observability.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "infrastructure.content_security.CSPMiddleware",
    "infrastructure.url_guard.UrlGuardMiddleware",  # issue 18, item 8
    "community.tenants.TenantMiddleware",  # issue 22, item 2
    "infrastructure.response_cache.EarlyResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "infrastructure.accounts.sessions.SessionTimeoutMiddleware",
    "infrastructure.accounts.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]


def test_the_middleware_order_is_the_one_written_down():
    """The order as it was assembled by five mutations before issue 19 item 6; now written
    once. Production adds only WhiteNoise, straight after SecurityMiddleware."""
    development = probe_values()
    assert development["middleware"] == DEVELOPMENT_MIDDLEWARE
    assert development["rest_framework"]["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "infrastructure.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
    assert development["rest_framework"]["NUM_PROXIES"] == 0
    production = probe_values(DEBUG="false", SECRET_KEY="k" * 50, NUM_PROXIES="1")
    assert production["middleware"] == [
        *DEVELOPMENT_MIDDLEWARE[:2],
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *DEVELOPMENT_MIDDLEWARE[2:],
    ]
    assert production["rest_framework"]["NUM_PROXIES"] == 1


def test_middleware_and_rest_framework_are_written_once():
    """No `.insert`, `.append`, `[…] =` or `+=` on either list anywhere in the settings: the
    order read in settings.py is the order that runs."""
    source = (ROOT / "kumamoto_welfare" / "settings.py").read_text(encoding="utf-8")
    for name in ("MIDDLEWARE", "REST_FRAMEWORK"):
        assert len(re.findall(rf"^{name} = ", source, flags=re.MULTILINE)) == 1
        assert not re.search(rf"\b{name}\s*(\.\w|\[|\+=)", source), name


# In-process checks of the helpers (they read os.environ when called).


@pytest.mark.parametrize("rate", ["1/s", "120/minute", "30/min", "1000/hour", "5/day", "2/sec"])
def test_drf_rates_are_accepted(monkeypatch, rate):
    from kumamoto_welfare import settings as module

    monkeypatch.setenv("SOME_RATE", rate)
    assert module.env_rate("SOME_RATE", default="1/day") == rate


@pytest.mark.parametrize("rate", ["lots", "0/minute", "10/mango", "10 per minute", "-1/day"])
def test_other_rates_are_refused(monkeypatch, rate):
    from kumamoto_welfare import settings as module

    monkeypatch.setenv("SOME_RATE", rate)
    with pytest.raises(ImproperlyConfigured, match="SOME_RATE must be a rate"):
        module.env_rate("SOME_RATE", default="1/day")


def test_urls_and_origins_are_checked(monkeypatch):
    from kumamoto_welfare import settings as module

    monkeypatch.setenv("SOME_ORIGINS", "https://a.example, http://b.example:8080")
    assert module.env_origins("SOME_ORIGINS") == ["https://a.example", "http://b.example:8080"]
    monkeypatch.setenv("SOME_ORIGINS", "https://a.example/path")
    with pytest.raises(ImproperlyConfigured, match=re.escape("'https://a.example/path'")):
        module.env_origins("SOME_ORIGINS")
    monkeypatch.setenv("SOME_URL", "/csp-reports/")
    assert module.env_url("SOME_URL", default="", schemes={"https"}, path_only=True)
    with pytest.raises(ImproperlyConfigured, match="SOME_URL must be a URL starting with https"):
        module.env_url("SOME_URL", default="", schemes={"https"})
    monkeypatch.setenv("SOME_URL", "https://host:port/")
    with pytest.raises(ImproperlyConfigured):
        module.env_url("SOME_URL", default="", schemes={"https"})


def test_a_refused_database_or_mail_url_does_not_show_its_password(monkeypatch):
    from kumamoto_welfare import settings as module

    monkeypatch.setenv("SOME_DATABASE", "mysql://root:hunter2@db/welfare")
    with pytest.raises(ImproperlyConfigured) as refused:
        module.env_database("SOME_DATABASE", default="sqlite:///x")
    assert "hunter2" not in str(refused.value) and "mysql://" in str(refused.value)
    monkeypatch.setenv("SOME_MAIL", "smpt://user:hunter2@mail.example")
    with pytest.raises(ImproperlyConfigured) as refused:
        module.env_url("SOME_MAIL", default="", schemes={"smtp"}, may_hold_password=True)
    assert "hunter2" not in str(refused.value) and "smpt://" in str(refused.value)


def test_an_empty_value_counts_as_unset(monkeypatch):
    from kumamoto_welfare import settings as module

    monkeypatch.setenv("SOME_NUMBER", "  ")
    assert module.env_int("SOME_NUMBER", default=4, minimum=1) == 4
    monkeypatch.setenv("SOME_NUMBER", "4.5")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        module.env_int("SOME_NUMBER", default=4)
