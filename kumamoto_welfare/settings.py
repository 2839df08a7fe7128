"""Django settings for kumamoto_welfare.

Everything that differs between a laptop and production comes from the environment
(12-factor). With nothing set, the embedded defaults give a development set-up: DEBUG on,
a SQLite file in the project folder, no Redis (Celery runs tasks eagerly, the cache is local
memory). See README.md for every variable.
"""

import os
import re
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, REPORT_SAMPLE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


# --- Reading the environment (issue 19, item 6; README "Configuration") ------------------
# Every variable is read once, where its setting is, through one of the helpers below (as in
# healthchecks' hc/settings.py). Each parses its value and checks its range, and a bad value
# is an ImproperlyConfigured at settings import that names the variable, the value and what
# it accepts: `manage.py check`, runserver, gunicorn, the worker and beat all stop at start-up
# instead of answering 500 later. An empty value counts as unset (docker-compose passes
# `${X:-}` as ""), so the default applies.


def _raw(name: str) -> str | None:
    """The variable's value, stripped; None when it is unset or empty."""
    return env.str(name, default="").strip() or None


def _refuse(name: str, raw: object, accepts: str) -> NoReturn:
    raise ImproperlyConfigured(f"{name} must be {accepts}, not {raw!r}.")


def _between(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    return f" of at most {maximum}" if maximum is not None else ""


def env_bool(name: str, *, default: bool) -> bool:
    """A yes/no setting. Unlike a bare cast, a word that is neither is an error at start-up,
    not a silent False."""
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    _refuse(name, raw, "true or false (1/0, yes/no, on/off)")


def env_int(
    name: str, *, default: int, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number within [minimum, maximum] (either bound may be left open)."""
    raw = _raw(name)
    if raw is None:
        return default
    accepts = "a whole number" + _between(minimum, maximum)
    try:
        value = int(raw)
    except ValueError:
        _refuse(name, raw, accepts)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        _refuse(name, raw, accepts)
    return value


def env_float(name: str, *, default: float, above: float, maximum: float) -> float:
    """A number (of seconds, say) greater than ``above`` and at most ``maximum``."""
    raw = _raw(name)
    if raw is None:
        return default
    accepts = f"a number above {above} and at most {maximum}"
    try:
        value = float(raw)
    except ValueError:
        _refuse(name, raw, accepts)
    if not above < value <= maximum:  # also refuses nan
        _refuse(name, raw, accepts)
    return value


def env_str(name: str, *, default: str, pattern: str = "", accepts: str = "") -> str:
    """Free text, or text that must match ``pattern`` (described by ``accepts``)."""
    raw = _raw(name)
    if raw is None:
        return default
    if pattern and not re.fullmatch(pattern, raw):
        _refuse(name, raw, accepts)
    return raw


def env_choice(name: str, *, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``, in any case; returned as ``choices`` spell it."""
    raw = _raw(name)
    if raw is None:
        return default
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    _refuse(name, raw, "one of " + ", ".join(choices))


# DRF's throttle syntax (rest_framework.throttling.SimpleRateThrottle.parse_rate): DRF itself
# reads only the period's first letter and fails on the first request, not at start-up.
_RATE = r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)"


def env_rate(name: str, *, default: str) -> str:
    """A request rate as DRF's throttles read it: ``120/minute``."""
    return env_str(
        name,
        default=default,
        pattern=_RATE,
        accepts="a rate such as 120/minute (requests from 1, per second, minute, hour or day)",
    )


def _is_url(raw: str, schemes: Iterable[str], hostless: Iterable[str]) -> bool:
    try:
        url = urlsplit(raw)
        url.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:
        return False
    return url.scheme in schemes and bool(url.netloc or url.scheme in hostless)


def _urls(schemes: Iterable[str]) -> str:
    return "a URL starting with " + " or ".join(f"{scheme}://" for scheme in sorted(schemes))


def env_url(
    name: str,
    *,
    default: str,
    schemes: Iterable[str],
    hostless: Iterable[str] = (),
    path_only: bool = False,
    may_hold_password: bool = False,
) -> str:
    """A URL with one of ``schemes`` and a host (none needed for the ``hostless`` schemes);
    with ``path_only``, a path on this site (``/…``) is accepted too. A refused URL that
    ``may_hold_password`` is named by its scheme only."""
    raw = _raw(name)
    if raw is None:
        return default
    if path_only and raw.startswith("/") and not raw.startswith("//"):
        return raw
    if not _is_url(raw, schemes, hostless):
        shown = urlsplit(raw).scheme + "://…" if may_hold_password else raw
        _refuse(name, shown, _urls(schemes) + (" or a path starting with /" if path_only else ""))
    return raw


def env_list(name: str, *, default: list[str]) -> list[str]:
    """Comma-separated values; blanks between commas are dropped."""
    if _raw(name) is None:
        return list(default)
    return [item.strip() for item in env.list(name) if item.strip()]


def env_origins(name: str) -> list[str]:
    """Comma-separated origins, each a scheme and a host (and port) with no path, as
    CSRF_TRUSTED_ORIGINS and django-cors-headers need them."""
    origins = env_list(name, default=[])
    for origin in origins:
        url = urlsplit(origin)
        if url.scheme not in {"http", "https"} or not url.netloc or url.path or url.query:
            _refuse(name, origin, "comma-separated origins such as https://welfare.example.jp")
    return origins


def env_path(name: str, *, default: Path) -> Path:
    raw = _raw(name)
    return default if raw is None else Path(raw)


def env_folder(name: str, *, default: Path, holding: str, accepts: str) -> Path:
    """A folder that must exist and hold the file ``holding``; a relative path is taken from
    the project folder (where manage.py is), wherever the command runs from."""
    raw = _raw(name)
    folder = default if raw is None else Path(raw).expanduser()
    if not folder.is_absolute():
        folder = BASE_DIR / folder
    if not (folder / holding).is_file():
        _refuse(name, raw if raw is not None else str(folder), accepts)
    return folder


def env_secret(name: str, *, default: str) -> str:
    """A secret from ``NAME`` or from the file that ``NAME_FILE`` names (a Docker or systemd
    secret): the file's content without its trailing newline. Setting both is an error."""
    raw, path = _raw(name), _raw(f"{name}_FILE")
    if raw is not None and path is not None:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if path is None:
        return default if raw is None else raw
    try:
        secret = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        _refuse(f"{name}_FILE", path, f"a readable UTF-8 file ({error})")
    if not secret.strip():
        _refuse(f"{name}_FILE", path, "a file that is not empty")
    return secret


_DATABASE_ENGINES = ("django.db.backends.postgresql", "django.db.backends.sqlite3")


def env_database(name: str, *, default: str) -> dict:
    """A database URL (``NAME`` or ``NAME_FILE``), PostgreSQL or SQLite, as Django's dict."""
    url = env_secret(name, default=default)
    config = environ.Env.db_url_config(url)
    if config.get("ENGINE") not in _DATABASE_ENGINES or not config.get("NAME"):
        # The value may hold a password: name the scheme only.
        _refuse(
            name,
            urlsplit(url).scheme + "://…",
            "postgres://user:password@host:port/name or sqlite:///path",
        )
    return config


# --- end of reading the environment ------------------------------------------------------


DEBUG = env_bool("DEBUG", default=True)

# A development key is embedded so that `make run` works with nothing set; it is refused as
# soon as DEBUG is off, so it can never sign a production session.
_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = env_secret("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set the SECRET_KEY environment variable, "
            "or SECRET_KEY_FILE to a file that holds it)."
        )
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin with the staff site of infrastructure.accounts (two factors, see below).
    "infrastructure.accounts.admin_apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "simple_history",
    "import_export",
    # The apps from the bottom layer up: each app's ready() grants its models to roles that
    # community's registers first.
    "infrastructure.jobs",
    "community",
    "programs",
    "indicators",
    "evaluations",
    "portal",
]

# The whole stack, in order, written once: a request goes down this list and its response
# comes back up it. Each entry says why it is there and why there.
MIDDLEWARE = [
    # First, so that every log line of the request carries its id (those the middleware below
    # write too) and every response answers X-Request-ID, even one answered early below
    # (infrastructure/observability).
    "infrastructure.observability.middleware.RequestIdMiddleware",
    # The HTTPS redirect and the security headers, before any work is done (Django's advice).
    "django.middleware.security.SecurityMiddleware",
    # Production only: WhiteNoise serves the collected static files (no CDN, no extra server),
    # straight after SecurityMiddleware as WhiteNoise asks, so a file gets the security
    # headers and no session or database work. In development runserver serves them.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    # django-csp's, with the site's own policy built once (infrastructure/content_security.py);
    # above the response cache so that a cached copy gets the policy too.
    "infrastructure.content_security.CSPMiddleware",
    # A NUL or a surrogate in the path or query is a 400 before anything reads them
    # (infrastructure/url_guard.py): PostgreSQL refuses a NUL with a 500 otherwise.
    "infrastructure.url_guard.UrlGuardMiddleware",
    # With several municipalities loaded, the one a path names (/<code>/…), decided once and
    # its site mounted under its code (community/tenants.py); with one, nothing.
    "community.tenants.TenantMiddleware",
    # The anonymous copies of public pages and API reads, before session, auth and the rest
    # (infrastructure/response_cache.py; docs/performance.md).
    "infrastructure.response_cache.EarlyResponseCacheMiddleware",
    # request.session, which LocaleMiddleware, CSRF, auth and messages below read.
    "django.contrib.sessions.middleware.SessionMiddleware",
    # As high as it can be and before CommonMiddleware, as django-cors-headers asks: a
    # preflight is answered, and every /api/ response gets its CORS headers, before the rest.
    "corsheaders.middleware.CorsMiddleware",
    # The language (cookie, Accept-Language): after the session, before CommonMiddleware, as
    # Django's documentation asks, so the views and the messages below speak it.
    "django.middleware.locale.LocaleMiddleware",
    # APPEND_SLASH and DISALLOWED_USER_AGENTS.
    "django.middleware.common.CommonMiddleware",
    # ETag/Last-Modified answers 304, on the response the views below made.
    "django.middleware.http.ConditionalGetMiddleware",
    # CSRF, before any view that takes a form (the admin, the pages; DRF's session auth).
    "django.middleware.csrf.CsrfViewMiddleware",
    # request.user, from the session: after SessionMiddleware.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified() (django-otp): right after AuthenticationMiddleware, as
    # django-otp asks; the second-factor middleware below reads it.
    "django_otp.middleware.OTPMiddleware",
    # Flash messages, after the session (their storage) and auth.
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a staff session idle or too old (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS): needs the
    # session and the user, and leaves a message saying why (infrastructure/accounts).
    "infrastructure.accounts.sessions.SessionTimeoutMiddleware",
    # REQUIRE_2FA: ends an unverified planner's or admin's session; needs OTP's is_verified.
    "infrastructure.accounts.second_factor.SecondFactorMiddleware",
    # X-Frame-Options: DENY on every response (the CSP's frame-ancestors for old browsers).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history tables: after auth, so request.user is set.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the views into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kumamoto_welfare.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.demo_data",
                "portal.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "kumamoto_welfare.wsgi.application"

# Database: DATABASE_URL (postgres://user:password@host:port/name), default a SQLite file.
# Or DATABASE_URL_FILE: a file that holds it (a Docker secret).
DATABASES = {
    "default": env_database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", default=0, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Concurrent writers on SQLite (docs/operations.md) ---------------------------------
# The embedded default serves several request threads at once. The WAL journal lets
# readers go on while one writer writes; IMMEDIATE takes the write lock when a transaction
# begins, so two writers queue for it instead of one failing when it upgrades a read lock
# (SQLite answers that at once, whatever the timeout); and a writer waits up to
# SQLITE_BUSY_TIMEOUT seconds for the lock (a long import) rather than answering 500.
# PostgreSQL needs none of this: its row locks (select_for_update) queue the writers.
SQLITE_BUSY_TIMEOUT = env_int("SQLITE_BUSY_TIMEOUT", default=30, minimum=1, maximum=3600)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=SQLITE_BUSY_TIMEOUT,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL;",
    )
# --- end of concurrent writers on SQLite ------------------------------------------------

# Redis: one URL for the cache and the Celery broker. Without it the cache is local memory
# and Celery runs every task at once in the calling process.
# Or REDIS_URL_FILE: a file that holds it (when the URL carries a password).
REDIS_URL = env_secret("REDIS_URL", default="")
_REDIS_SCHEMES = {"redis", "rediss", "unix"}
if REDIS_URL and not _is_url(REDIS_URL, _REDIS_SCHEMES, hostless={"unix"}):
    # It may hold a password: name the scheme only.
    _refuse("REDIS_URL", urlsplit(REDIS_URL).scheme + "://…", _urls(_REDIS_SCHEMES))

# --- Faults: Redis unreachable (issue 13, item 5; docs/jobs.md) -------------------------
# Every client of Redis (the cache, the broker, the result backend) gives up quickly, so a
# request never waits long on a dead Redis: the cache answers misses (django-redis's own
# IGNORE_EXCEPTIONS), and a task that cannot be sent stays queued in the job outbox.
REDIS_CONNECT_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", default=0.5, above=0, maximum=10)
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", default=1.0, above=0, maximum=30)
if REDIS_URL:
    CACHES = {
        "default": {
            # An unreachable Redis is a cache miss, not a 500: pages and the API keep
            # answering from the database (docs/jobs.md).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kumamoto_welfare",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                # After a failed connection, misses at once for a few seconds rather than a
                # connect timeout on every cache call (infrastructure/redis_pool.py).
                "CONNECTION_POOL_CLASS": "infrastructure.redis_pool.QuickFailConnectionPool",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The misses are logged (a warning per failed call), so an outage shows in the logs.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# --- end of faults -----------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Language and time: Japanese first, English available; the city's time zone.
LANGUAGE_CODE = "ja"
# Each language is named in itself, as a language switch shows it.
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic compresses each file (Brotli and gzip, at their highest levels) under its
# plain and its hashed name; source maps (16 MB of the 27, mostly the API docs' bundles) are
# read only by developer tools, so they are served as they are and their compression, most
# of collectstatic's time, is skipped.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Uploaded and generated files (the annual reports): shared by web and worker.
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: EMAIL_URL (smtp+tls://user:password@host:587) or EMAIL_HOST and friends; with
# neither, mail is printed on the console (the embedded default) or, with DEBUG off, sent
# through an SMTP server on localhost. With DEBUG off it goes over TLS (STARTTLS) unless
# EMAIL_USE_TLS=false or EMAIL_USE_SSL=true says otherwise; an EMAIL_URL says it in its scheme.
_EMAIL_URL = env_url(
    "EMAIL_URL",
    default="",
    schemes=environ.Env.EMAIL_SCHEMES,
    hostless={"consolemail", "filemail", "memorymail", "dummymail"},
    may_hold_password=True,
)
if _EMAIL_URL:
    globals().update(environ.Env.email_url_config(_EMAIL_URL))
else:
    EMAIL_BACKEND = env_str(
        "EMAIL_BACKEND",
        default="django.core.mail.backends.smtp.EmailBackend"
        if _raw("EMAIL_HOST") or not DEBUG
        else "django.core.mail.backends.console.EmailBackend",
        pattern=r"[A-Za-z_][\w.]*\.\w+",
        accepts="the dotted path of a mail backend",
    )
    EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", default=25, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
    # Or EMAIL_HOST_PASSWORD_FILE: a file that holds it.
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", default="")
    # Implicit TLS (SSL, port 465) or STARTTLS (TLS): one or the other, never both.
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=not DEBUG and not EMAIL_USE_SSL)
    if EMAIL_USE_SSL and EMAIL_USE_TLS:
        raise ImproperlyConfigured(
            "EMAIL_USE_TLS and EMAIL_USE_SSL may not both be true: STARTTLS (usually port 587) "
            "or implicit TLS (usually port 465), not both."
        )
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=30, minimum=1, maximum=600)
# The address staff reach this site at (https://welfare.city.example.jp), for the links in
# mail; a municipality at a host of its own (MUNICIPALITY_HOSTS) is linked at that host, with
# this address's scheme. Unset, a mail's links are paths only.
SITE_URL = env_url("SITE_URL", default="", schemes=("https", "http")).rstrip("/")
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL",
    default="welfare-plan@localhost",
    pattern=r"[^@\s]+@[^@\s]+|[^<>]*<[^@\s<>]+@[^@\s<>]+>",
    accepts="an e-mail address (name@host, or Name <name@host>)",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Reporting rounds: how many days before a round's deadline ward officers are reminded,
# unless the round sets its own (indicators.ReportingRound).
# At most 90, as a round's own value (ReportingRound.reminder_lead_days).
REMINDER_LEAD_DAYS = env_int("REMINDER_LEAD_DAYS", default=7, minimum=0, maximum=90)

# Celery: configured from the CELERY_* names below (kumamoto_welfare/celery.py); the
# reasons are in docs/jobs.md.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Results are kept a day, then Redis drops them; jobs keep their outcome in the database.
CELERY_RESULT_EXPIRES = 60 * 60 * 24
# Every task has limits (each task may set lower ones); the longest task, countdown or retry
# delay stays well under the visibility timeout, or Redis would hand the task out again.
CELERY_TASK_TIME_LIMIT = 60 * 10
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 9
CELERY_TASK_MAX_RETRY_DELAY = 60 * 10
JOB_VISIBILITY_TIMEOUT = 60 * 60 * 2
if CELERY_TASK_TIME_LIMIT + CELERY_TASK_MAX_RETRY_DELAY >= JOB_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("The visibility timeout must exceed the longest task and retry.")
_REDIS_TRANSPORT = {
    "visibility_timeout": JOB_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
}
CELERY_BROKER_TRANSPORT_OPTIONS = _REDIS_TRANSPORT
# The result backend retries a lost connection 20 times, a second apart, by default: that
# was the ~20 s an approval took with Redis down. Once, at once, then the outbox takes over.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    **_REDIS_TRANSPORT,
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
# acks_late is set per task, on idempotent tasks only; a task whose worker died is then
# handed out again rather than acknowledged.
CELERY_TASK_ACKS_LATE = False
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The web process must not hang on a dead broker: a few quick tries, then the job stays
# queued in the database and beat sends it again (jobs.tasks.requeue_jobs).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# --- Jobs that die, and the report's own time limit (issue 18; docs/jobs.md) ------------
# A running job records a heartbeat every JOB_HEARTBEAT_INTERVAL seconds (from a thread
# beside the work, and with each progress report). One whose heartbeat is older than
# JOB_STALE_AFTER seconds is dead (its worker or server was killed): requeue_jobs (beat)
# sends it again, and a reader or planner asking for its report starts a fresh one.
JOB_HEARTBEAT_INTERVAL = env_int("JOB_HEARTBEAT_INTERVAL", default=30, minimum=1)
JOB_STALE_AFTER = env_int("JOB_STALE_AFTER", default=60 * 3, minimum=3 * JOB_HEARTBEAT_INTERVAL)
# The annual report (xlsx, HTML, PDF) may take at most this many seconds, in the worker and
# in the web process's thread on the embedded default; past it the job fails.
REPORT_TIME_LIMIT = env_int(
    "REPORT_TIME_LIMIT", default=60 * 5, minimum=31, maximum=CELERY_TASK_TIME_LIMIT
)
# Without a broker (the embedded default) a job that must not hold a reader's request (the
# report's PDF) runs in a thread of the web process; off, it runs inside the request.
JOBS_EAGER_IN_THREAD = env_bool("JOBS_EAGER_IN_THREAD", default=True)
# --- end of jobs that die -----------------------------------------------------------------

# Schedules in the city's time (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE = {
    "reporting-reminders": {
        "task": "indicators.tasks.send_reporting_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Each planner's digest of what waits for approval (portal.notifications), once a day.
    "submission-digests": {
        "task": "portal.tasks.send_submission_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    "worker-heartbeat": {"task": "infrastructure.jobs.tasks.heartbeat", "schedule": 60.0},
    "requeue-jobs": {"task": "infrastructure.jobs.tasks.requeue_jobs", "schedule": 120.0},
    "purge-finished-jobs": {
        "task": "infrastructure.jobs.tasks.purge_finished_jobs",
        "schedule": crontab(hour=3, minute=15),
    },
    # Uploads never confirmed (infrastructure/imports/storage.py), after a day.
    "purge-import-uploads": {
        "task": "infrastructure.imports.tasks.purge_uploads",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Task modules outside an app's tasks.py.
CELERY_IMPORTS = ["infrastructure.imports.tasks"]
# /healthz: a worker counts as alive if its heartbeat is at most this old (beat sends one a
# minute, so less than 90 seconds would report a healthy worker dead between two of them).
HEALTHZ_WORKER_MAX_AGE = env_int("HEALTHZ_WORKER_MAX_AGE", default=60 * 3, minimum=90)

# Production hardening: on whenever DEBUG is off (behind TLS-terminating proxy). The
# variables are read with DEBUG on too, so a bad value is found before production.
_SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
_SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30, minimum=0)
_SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _SECURE_SSL_REDIRECT
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _SECURE_HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _SECURE_HSTS_PRELOAD

# --- Content-Security-Policy (django-csp 4; README "Security headers") -----------------------
# Scripts and styles come only from this site's own files: no inline <script>, no style="…",
# no <style> block, no eval. A small inline block that must stay carries the per-request
# nonce (`nonce="{{ request.csp_nonce }}"`); the sentinel below puts it into the header only on
# responses that used it. Swagger UI loads its start-up script from a second request
# (SpectacularSwaggerSplitView) for the same reason. CSP_REPORT_URI names an endpoint that
# collects the browsers' violation reports; CSP_REPORT_ONLY=true sends the policy as
# Content-Security-Policy-Report-Only, which reports but blocks nothing (for a trial run).
# (Lower-case names: django-csp 4 refuses settings named like its 3.x CSP_* ones.)
_csp_report_uri = env_url("CSP_REPORT_URI", default="", schemes={"https", "http"}, path_only=True)
_CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # 'report-sample': a violation report quotes the start of the refused code.
        "script-src": [SELF, NONCE, REPORT_SAMPLE],
        "style-src": [SELF, NONCE, REPORT_SAMPLE],
        # Swagger UI's and the admin's stylesheets draw small icons from data: URIs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        # No page is meant to be framed (X-Frame-Options: DENY says the same to old browsers).
        "frame-ancestors": [NONE],
        **({"report-uri": [_csp_report_uri]} if _csp_report_uri else {}),
    },
}
if env_bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY
else:
    CONTENT_SECURITY_POLICY = _CSP_POLICY
# --- end of Content-Security-Policy ------------------------------------------------------------

SPECTACULAR_SETTINGS = {
    # The municipality and its plan are data (GET /api/v1/municipality/), not settings: the
    # title is replaced by the plan's own (portal.schema.title_from_plan).
    "TITLE": "地域福祉計画 API (Community Welfare Plan)",
    "DESCRIPTION": (
        "Plan content, outcome indicators with their progress, and ward progress records. "
        "Reads are public and show approved data; writes need a staff token "
        "(`Authorization: Token …` from /api/v1/auth/token/) and `If-Match` with the "
        "record's ETag. Fiscal years are integers (2013 = 平成25年度) with a Japanese label; "
        "decimals are strings. Lists also come as CSV (UTF-8 with BOM) and xlsx "
        "(`?format=csv`, `?format=xlsx`). Messages follow Accept-Language (ja, en)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No validator badge: it would load an image from swagger.io (refused by the CSP, and it
    # would tell a third party where the schema lives).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "infrastructure.api.schema.add_error_responses",
        "portal.schema.title_from_plan",
    ],
    "ENUM_NAME_OVERRIDES": {
        "WorkflowStatusEnum": "infrastructure.workflow.Status",
        "ValueKindEnum": "indicators.choices.ValueKind",
        "ValueOriginEnum": "indicators.choices.ValueOrigin",
        "CommunityOriginEnum": "community.choices.Origin",
        "ProgressStatusEnum": "indicators.choices.ProgressStatus",
        "RatingBandUseEnum": "indicators.choices.BandUse",
    },
}
# --- Accounts and sessions (issue 13; infrastructure/accounts, docs/operations.md) -------
# Lockout after repeated failed logins (django-axes), on the admin login and the API token
# endpoint alike: by username and by client address, each counted on its own and each with its
# own limit (infrastructure/accounts/lockout.py LockoutHandler).
INSTALLED_APPS += ["axes", "knox", "django_otp", "django_otp.plugins.otp_totp"]
INSTALLED_APPS += ["infrastructure.accounts"]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before the password is checked.
    "infrastructure.accounts.lockout.LockoutBackend",
    # Django's, with the model permissions held only in the staff member's own
    # municipality where several are loaded (community/access.py).
    "community.access.RolePermissionBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=10, minimum=1)
# Failures from one address, across usernames, before that address is throttled: far above the
# account's limit, because a whole office may reach the app through one proxy address.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", default=100, minimum=1)
AXES_HANDLER = "infrastructure.accounts.lockout.LockoutHandler"
# Failures count for this long after the last one; a lockout lasts as long.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", default=15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "infrastructure.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "infrastructure.accounts.lockout.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed login, listed in the admin
AXES_RESET_ON_SUCCESS = False  # one good account must not wipe an address's failures
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no banner on every command
# Masked in axes' own log lines and in the request data it keeps (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
# Proxies in front of the app that append to X-Forwarded-For (0: none, the client's own
# address is REMOTE_ADDR). The API throttle and the lockout both count by this address; with
# 0 a client cannot pose as another by sending its own X-Forwarded-For.
NUM_PROXIES = env_int("NUM_PROXIES", default=0, minimum=0)
# API tokens (django-rest-knox): stored hashed, each with an expiry; issued only to active
# staff with a role, revoked when the account is deactivated or by DELETE on the endpoint.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", default=12, minimum=1)
REST_KNOX = {"TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS), "AUTH_HEADER_PREFIX": "Token"}
# Staff sessions end after this long without a request, and this long after login at most.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", default=30, minimum=1)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", default=12, minimum=1)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60  # the cookie and the row never outlive it
# A second factor (TOTP, django-otp): optional for everyone who enrols a device; required of
# planners and admins when REQUIRE_2FA is on.
REQUIRE_2FA = env_bool("REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", default="kumamoto-welfare")
# Four eyes: nobody approves a record they entered or submitted. A small town where one
# person does everything may allow it (the record's log then names that person for both).
ALLOW_SELF_APPROVAL = env_bool("ALLOW_SELF_APPROVAL", default=False)
# --- end of accounts and sessions ------------------------------------------------------------

# REST API (/api/v1/): read for everyone (approved data), write for staff roles. Written once,
# after the accounts settings it reads (NUM_PROXIES).
REST_FRAMEWORK = {
    # Tried in this order. A token first: knox's, hashed and expiring (API_TOKEN_TTL_HOURS),
    # for scripts; then the staff's admin session, for the browsable pages (with CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "infrastructure.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Reads for everyone (approved data only, by the querysets), writes for staff roles.
    "DEFAULT_PERMISSION_CLASSES": ["infrastructure.api.permissions.ReadOrStaffWrite"],
    # JSON first, the default when Accept says nothing; CSV and xlsx on ?format= or Accept.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "infrastructure.api.renderers.CSVRenderer",
        "infrastructure.api.renderers.XLSXRenderer",
    ],
    # JSON through the project's parser: a lone surrogate or a control character in a body is
    # a 400 naming where it is (infrastructure/text.py); forms for the browsable pages.
    "DEFAULT_PARSER_CLASSES": [
        "infrastructure.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Filter first (the same FilterSets as the pages), then order what is left.
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Pages with a total, so that a list never loads every row.
    "DEFAULT_PAGINATION_CLASS": "infrastructure.api.pagination.Pagination",
    # Remembers the format it chose, so a cached copy is keyed by it (response cache).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": (
        "infrastructure.api.negotiation.RememberingContentNegotiation"
    ),
    # Anonymous clients only, by address (NUM_PROXIES below); staff are not throttled.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_rate("API_ANON_RATE", default="120/minute")},
    # The OpenAPI schema at /api/schema/ (drf-spectacular, settings below).
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One error shape for every refusal, with the field and the reason (docs/api.md).
    "EXCEPTION_HANDLER": "infrastructure.api.errors.exception_handler",
    # Decimals as strings: no float rounding of a figure on the way to a client.
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The throttle's client address: the one the nearest of NUM_PROXIES proxies saw.
    "NUM_PROXIES": NUM_PROXIES,
}

CORS_ALLOWED_ORIGINS = env_origins("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]
if "PROGRESS_ON_TRACK_FACTOR" in os.environ:
    # Gone: the active rating rule's bands decide what is on track (docs/rating-rules.md).
    raise ImproperlyConfigured(
        "PROGRESS_ON_TRACK_FACTOR is no longer used: the rating rule's bands are the rule; "
        "edit them in the admin (評価基準) and unset the variable."
    )

# Spreadsheet imports and exports (infrastructure.imports, docs/imports.md). Importing needs
# the model's add permission and exporting its view permission (without these codes a user
# with only view permission could import); the row-level policy applies to every row on top.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True  # Excel's phantom blank rows
# The upload waits between preview and confirm in the media storage (MEDIA_ROOT, shared by
# every web server and the worker), not the cache: a preview can be confirmed with Redis down.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "infrastructure.imports.storage.UploadStorage"
# Exports escape formulas themselves (= + - @ tab CR, numbers kept as numbers).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Larger uploads are checked and imported by the worker, followed on a status page
# (infrastructure/imports/background.py); smaller ones in the request.
IMPORT_BACKGROUND_BYTES = env_int("IMPORT_BACKGROUND_BYTES", default=200 * 1024, minimum=0)

# --- Import limits (issue 13, item 1; infrastructure/imports/limits.py) ----------------
# One set for every door (admin, commands, community imports, background jobs). Within them
# any import, refused or accepted, stays under 300 MB of memory (scripts/import_memory.py).
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024, minimum=1)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", default=10_000, minimum=1)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", default=100, minimum=1)
# At most 131072: Python's CSV reader stops at its own field limit.
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", default=10_000, minimum=1, maximum=131_072)
IMPORT_MAX_XLSX_BYTES = env_int("IMPORT_MAX_XLSX_BYTES", default=30 * 1024 * 1024, minimum=1)
IMPORT_MAX_XLSX_MEMBERS = env_int("IMPORT_MAX_XLSX_MEMBERS", default=100, minimum=1)
IMPORT_MAX_XLSX_RATIO = env_int("IMPORT_MAX_XLSX_RATIO", default=100, minimum=1)
# openpyxl reads an xlsx's shared-string table whole, used or not (issue 18, item 10).
IMPORT_MAX_SHARED_STRINGS = env_int("IMPORT_MAX_SHARED_STRINGS", default=200_000, minimum=1)
IMPORT_MAX_SHARED_STRINGS_BYTES = env_int(
    "IMPORT_MAX_SHARED_STRINGS_BYTES", default=16 * 1024 * 1024, minimum=1
)
# Every upload is counted as it streams in and dropped once past IMPORT_MAX_UPLOAD_BYTES.
FILE_UPLOAD_HANDLERS = [
    "infrastructure.imports.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# --- end of import limits ----------------------------------------------------------------

# The plan folder (README "Another municipality"; docs/plan-data.md): the municipality and its
# plan, which `load_plan` without a folder loads (so `make run` and the compose web container
# load it at start). The shipped plan (programs/data/plan/) unless set.
PLAN_DATA_DIR = env_folder(
    "PLAN_DATA_DIR",
    default=BASE_DIR / "programs" / "data" / "plan",
    holding="plan.yaml",
    accepts="a plan folder holding plan.yaml (docs/plan-data.md)",
)

# With several municipalities loaded, each is served under its code (/<code>/…) and, where
# this names a host for it, at that host's root as well (community/tenants.py):
# "welfare.city.example.jp=<code>,fukushi.town.example.jp=<code>". Each host must be in
# ALLOWED_HOSTS too.
MUNICIPALITY_HOSTS = {}
for _pair in env_list("MUNICIPALITY_HOSTS", default=[]):
    _host, _, _code = _pair.partition("=")
    if not re.fullmatch(r"[0-9]{6}", _code.strip()) or not _host.strip():
        _refuse("MUNICIPALITY_HOSTS", _pair, "host=six-digit municipality code, comma-separated")
    MUNICIPALITY_HOSTS[_host.strip().lower()] = _code.strip()

# --- Backups (django-dbbackup; infrastructure/backups, docs/operations.md) -------------
# `python manage.py dbbackup` / `mediabackup` (make backup) write the database and the media
# files into BACKUP_DIR, `dbrestore` / `mediarestore` (make restore) read them back; copy that
# folder off the machine. `--clean` keeps the newest BACKUP_KEEP of each. The commands are
# infrastructure.backups' (before dbbackup: they take its commands' place).
INSTALLED_APPS += ["infrastructure.backups", "dbbackup"]
BACKUP_DIR = env_path("BACKUP_DIR", default=BASE_DIR / "backups")
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    # Readable by their owner only: a backup holds every account's password hash.
    "OPTIONS": {
        "location": BACKUP_DIR,
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    },
}
DBBACKUP_CONNECTOR_MAPPING = {
    "django.db.backends.sqlite3": "infrastructure.backups.SqliteBackupConnector",
}
# Left out of every database backup (their tables are kept, empty) and emptied after every
# restore: a backup must not hold a live session, API token or login attempt. TOTP devices
# (django_otp) are kept: they are enrolments, not sessions.
BACKUP_EXCLUDED_TABLES = [
    "django_session",
    "knox_authtoken",
    "axes_accessattemptexpiration",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
]
DBBACKUP_CONNECTORS = {"default": {"EXCLUDE": BACKUP_EXCLUDED_TABLES}}
# Encryption with the public key of a recipient (a key id, fingerprint or e-mail address of a
# key imported with `gpg --import`): every backup is then encrypted (`.gpg`), and only the
# holder of the private key can restore it. Recommended (docs/operations.md). Needs gnupg.
DBBACKUP_GPG_RECIPIENT = env_str("BACKUP_GPG_RECIPIENT", default="") or None
# The key is trusted because the operator imported it for this purpose (no web of trust).
DBBACKUP_GPG_ALWAYS_TRUST = True
# The file names say which installation a backup comes from, not a container's id.
DBBACKUP_HOSTNAME = env_str("BACKUP_NAME", default="kumamoto-welfare")
DBBACKUP_CLEANUP_KEEP = env_int("BACKUP_KEEP", default=30, minimum=1)
DBBACKUP_CLEANUP_KEEP_MEDIA = DBBACKUP_CLEANUP_KEEP
# --- end of backups ---------------------------------------------------------------------

# --- Logs and operations (infrastructure/observability, docs/operations.md) -------------
# Every line a request writes carries its request id (answered in X-Request-ID); a worker's
# carry the task id. LOG_FORMAT=json (the default with DEBUG off) writes one JSON object a
# line for a log collector; console (the default with DEBUG on) writes readable lines. Sign-ins,
# failed sign-ins and refused actions go to the kumamoto_welfare.audit logger.
LOG_LEVEL = env_choice(
    "LOG_LEVEL", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
LOG_FORMAT = env_choice(
    "LOG_FORMAT", default="console" if DEBUG else "json", choices=("json", "console")
)
INSTALLED_APPS += ["infrastructure.observability"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "infrastructure.observability.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "infrastructure.observability.logs.JsonFormatter"},
        "console": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # dbbackup adds a handler of its own: its lines would come out twice.
        "dbbackup": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # WeasyPrint (the council report's PDF) logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
# The worker logs through the same handler and format instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Rotating SECRET_KEY (docs/operations.md): the old key, listed here for a while, still
# checks what it signed (sessions, password-reset links); comma-separated.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", default=[])
# HSTS preload is a commitment browsers keep for months: off unless SECURE_HSTS_PRELOAD says
# so (README), and then `check --deploy` need not remind us of it.
if not DEBUG and not _SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# --- end of logs and operations -----------------------------------------------------------

# --- Open data (issue 14, item 1; portal/open_data.py, docs/open-data.md) ------------------
# The licence of the catalogue at /opendata/, as the Data Package names it. CC BY 4.0 is the
# standard of Japan's government sites (政府標準利用規約 2.0 is compatible with it).
OPEN_DATA_LICENSE = {
    "name": env_str("OPEN_DATA_LICENSE_NAME", default="CC-BY-4.0"),
    "path": env_url(
        "OPEN_DATA_LICENSE_URL",
        default="https://creativecommons.org/licenses/by/4.0/deed.ja",
        schemes={"https", "http"},
    ),
    "title": env_str("OPEN_DATA_LICENSE_TITLE", default="クリエイティブ・コモンズ 表示 4.0 国際"),
}
# --- end of open data ----------------------------------------------------------------------
