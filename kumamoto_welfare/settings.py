"""Django settings for kumamoto_welfare.

Everything that differs between a laptop and production comes from the environment
(12-factor). With nothing set, the embedded defaults give a development set-up: DEBUG on,
a SQLite file in the project folder, no Redis (Celery runs tasks eagerly, the cache is local
memory). See README.md for every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, REPORT_SAMPLE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_bool(name: str, *, default: bool) -> bool:
    """A yes/no setting. Unlike a bare cast, a word that is neither is an error at start-up,
    not a silent False."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


DEBUG = env_bool("DEBUG", default=True)

# A development key is embedded so that `make run` works with nothing set; it is refused as
# soon as DEBUG is off, so it can never sign a production session.
_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set the SECRET_KEY environment variable)."
        )
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin with the staff site of kumamoto_welfare.accounts (two factors, see below).
    "kumamoto_welfare.accounts.admin_apps.StaffAdminConfig",
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
    "programs",
    "indicators",
    "evaluations",
    "community",
    "kumamoto_welfare.jobs",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the site's own policy built once (kumamoto_welfare/content_security.py)
    "kumamoto_welfare.content_security.CSPMiddleware",
    # The anonymous copies of public pages and API reads, before session, auth and the rest
    # (kumamoto_welfare/response_cache.py; docs/performance.md).
    "kumamoto_welfare.response_cache.EarlyResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

if not DEBUG:
    # In production WhiteNoise serves the collected static files (no CDN, no extra server);
    # in development runserver serves them from the apps.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

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
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Concurrent writers on SQLite (docs/operations.md) ---------------------------------
# The embedded default serves several request threads at once. The WAL journal lets
# readers go on while one writer writes; IMMEDIATE takes the write lock when a transaction
# begins, so two writers queue for it instead of one failing when it upgrades a read lock
# (SQLite answers that at once, whatever the timeout); and a writer waits up to
# SQLITE_BUSY_TIMEOUT seconds for the lock (a long import) rather than answering 500.
# PostgreSQL needs none of this: its row locks (select_for_update) queue the writers.
SQLITE_BUSY_TIMEOUT = env.int("SQLITE_BUSY_TIMEOUT", default=30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=SQLITE_BUSY_TIMEOUT,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL;",
    )
# --- end of concurrent writers on SQLite ------------------------------------------------

# Redis: one URL for the cache and the Celery broker. Without it the cache is local memory
# and Celery runs every task at once in the calling process.
REDIS_URL = env.str("REDIS_URL", default="")

# --- Faults: Redis unreachable (issue 13, item 5; docs/jobs.md) -------------------------
# Every client of Redis (the cache, the broker, the result backend) gives up quickly, so a
# request never waits long on a dead Redis: the cache answers misses (django-redis's own
# IGNORE_EXCEPTIONS), and a task that cannot be sent stays queued in the job outbox.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.5)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
if not (0 < REDIS_CONNECT_TIMEOUT <= 10 and 0 < REDIS_SOCKET_TIMEOUT <= 30):
    raise ImproperlyConfigured(
        "REDIS_CONNECT_TIMEOUT must lie in (0, 10] and REDIS_SOCKET_TIMEOUT in (0, 30] seconds."
    )
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
                # connect timeout on every cache call (kumamoto_welfare/redis_pool.py).
                "CONNECTION_POOL_CLASS": "kumamoto_welfare.redis_pool.QuickFailConnectionPool",
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

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic compresses each file (Brotli and gzip, at their highest levels) under its
# plain and its hashed name; source maps (16 MB of the 27, mostly the API docs' bundles) are
# read only by developer tools, so they are served as they are and their compression, most
# of collectstatic's time, is skipped.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Uploaded and generated files (the annual reports): shared by web and worker.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
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
# through an SMTP server on localhost.
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND",
        default="django.core.mail.backends.smtp.EmailBackend"
        if env.str("EMAIL_HOST", default="") or not DEBUG
        else "django.core.mail.backends.console.EmailBackend",
    )
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="welfare-plan@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Reporting rounds: how many days before a round's deadline ward officers are reminded,
# unless the round sets its own (indicators.ReportingRound).
REMINDER_LEAD_DAYS = env.int("REMINDER_LEAD_DAYS", default=7)

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
# Schedules in the city's time (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE = {
    "reporting-reminders": {
        "task": "indicators.tasks.send_reporting_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "worker-heartbeat": {"task": "kumamoto_welfare.jobs.tasks.heartbeat", "schedule": 60.0},
    "requeue-jobs": {"task": "kumamoto_welfare.jobs.tasks.requeue_jobs", "schedule": 120.0},
    "purge-finished-jobs": {
        "task": "kumamoto_welfare.jobs.tasks.purge_finished_jobs",
        "schedule": crontab(hour=3, minute=15),
    },
    # Uploads never confirmed (kumamoto_welfare/imports/storage.py), after a day.
    "purge-import-uploads": {
        "task": "kumamoto_welfare.imports.tasks.purge_uploads",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Task modules outside an app's tasks.py.
CELERY_IMPORTS = ["kumamoto_welfare.imports.tasks"]
# /healthz: a worker counts as alive if its heartbeat is at most this old (beat sends one a
# minute).
HEALTHZ_WORKER_MAX_AGE = env.int("HEALTHZ_WORKER_MAX_AGE", default=60 * 3)

# Production hardening: on whenever DEBUG is off (behind TLS-terminating proxy).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)

# --- Content-Security-Policy (django-csp 4; README "Security headers") -----------------------
# Scripts and styles come only from this site's own files: no inline <script>, no style="…",
# no <style> block, no eval. A small inline block that must stay carries the per-request
# nonce (`nonce="{{ request.csp_nonce }}"`); the sentinel below puts it into the header only on
# responses that used it. Swagger UI loads its start-up script from a second request
# (SpectacularSwaggerSplitView) for the same reason. CSP_REPORT_URI names an endpoint that
# collects the browsers' violation reports; CSP_REPORT_ONLY=true sends the policy as
# Content-Security-Policy-Report-Only, which reports but blocks nothing (for a trial run).
# (Lower-case names: django-csp 4 refuses settings named like its 3.x CSP_* ones.)
_csp_report_uri = env.str("CSP_REPORT_URI", default="")
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

# REST API (/api/v1/): read for everyone (approved data), write for staff roles.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kumamoto_welfare.api.permissions.ReadOrStaffWrite"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "kumamoto_welfare.api.renderers.CSVRenderer",
        "kumamoto_welfare.api.renderers.XLSXRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "kumamoto_welfare.api.pagination.Pagination",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": (
        "kumamoto_welfare.api.negotiation.RememberingContentNegotiation"
    ),
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_RATE", default="120/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kumamoto_welfare.api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
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
        "kumamoto_welfare.api.schema.add_error_responses",
        "portal.schema.title_from_plan",
    ],
    "ENUM_NAME_OVERRIDES": {
        "WorkflowStatusEnum": "kumamoto_welfare.workflow.Status",
        "ValueKindEnum": "indicators.choices.ValueKind",
        "ValueOriginEnum": "indicators.choices.ValueOrigin",
        "CommunityOriginEnum": "community.choices.Origin",
        "ProgressStatusEnum": "indicators.choices.ProgressStatus",
        "RatingBandUseEnum": "indicators.choices.BandUse",
    },
}
# --- Accounts and sessions (issue 13; kumamoto_welfare/accounts, docs/operations.md) -------
# Lockout after repeated failed logins (django-axes), on the admin login and the API token
# endpoint alike: by username and by client address, each counted on its own.
INSTALLED_APPS += ["axes", "knox", "django_otp", "django_otp.plugins.otp_totp"]
INSTALLED_APPS += ["kumamoto_welfare.accounts"]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before the password is checked.
    "kumamoto_welfare.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
# Failures count for this long after the last one; a lockout lasts as long.
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "kumamoto_welfare.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kumamoto_welfare.accounts.lockout.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed login, listed in the admin
AXES_RESET_ON_SUCCESS = False  # one good account must not wipe an address's failures
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no banner on every command
# Masked in axes' own log lines and in the request data it keeps (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
# Proxies in front of the app that append to X-Forwarded-For (0: none, the client's own
# address is REMOTE_ADDR). The API throttle and the lockout both count by this address; with
# 0 a client cannot pose as another by sending its own X-Forwarded-For.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES must be 0 or more.")
# API tokens (django-rest-knox): stored hashed, each with an expiry; issued only to active
# staff with a role, revoked when the account is deactivated or by DELETE on the endpoint.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=12)
if API_TOKEN_TTL_HOURS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_HOURS must be 1 or more.")
REST_KNOX = {"TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS), "AUTH_HEADER_PREFIX": "Token"}
# Staff sessions end after this long without a request, and this long after login at most.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
if SESSION_IDLE_MINUTES < 1 or SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be 1 or more.")
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60  # the cookie and the row never outlive it
# A second factor (TOTP, django-otp): optional for everyone who enrols a device; required of
# planners and admins when REQUIRE_2FA is on.
REQUIRE_2FA = env_bool("REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="kumamoto-welfare")
_AUTH = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE.insert(_AUTH + 1, "django_otp.middleware.OTPMiddleware")
_MESSAGES = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware")
MIDDLEWARE[_MESSAGES + 1 : _MESSAGES + 1] = [
    "kumamoto_welfare.accounts.sessions.SessionTimeoutMiddleware",
    "kumamoto_welfare.accounts.second_factor.SecondFactorMiddleware",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes asks
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "kumamoto_welfare.accounts.tokens.ExpiringTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES
# --- end of accounts and sessions ------------------------------------------------------------

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]
if "PROGRESS_ON_TRACK_FACTOR" in os.environ:
    # Gone: the active rating rule's bands decide what is on track (docs/rating-rules.md).
    raise ImproperlyConfigured(
        "PROGRESS_ON_TRACK_FACTOR is no longer used: the rating rule's bands are the rule; "
        "edit them in the admin (評価基準) and unset the variable."
    )

# Spreadsheet imports and exports (kumamoto_welfare.imports, docs/imports.md). Importing needs
# the model's add permission and exporting its view permission (without these codes a user
# with only view permission could import); the row-level policy applies to every row on top.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True  # Excel's phantom blank rows
# The upload waits between preview and confirm in the media storage (MEDIA_ROOT, shared by
# every web server and the worker), not the cache: a preview can be confirmed with Redis down.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "kumamoto_welfare.imports.storage.UploadStorage"
# Exports escape formulas themselves (= + - @ tab CR, numbers kept as numbers).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Larger uploads are checked and imported by the worker, followed on a status page
# (kumamoto_welfare/imports/background.py); smaller ones in the request.
IMPORT_BACKGROUND_BYTES = env.int("IMPORT_BACKGROUND_BYTES", default=200 * 1024)

# --- Import limits (issue 13, item 1; kumamoto_welfare/imports/limits.py) ----------------
# One set for every door (admin, commands, community imports, background jobs). Within them
# any import, refused or accepted, stays under 300 MB of memory (scripts/import_memory.py).
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=100)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=10_000)
IMPORT_MAX_XLSX_BYTES = env.int("IMPORT_MAX_XLSX_BYTES", default=30 * 1024 * 1024)
IMPORT_MAX_XLSX_MEMBERS = env.int("IMPORT_MAX_XLSX_MEMBERS", default=100)
IMPORT_MAX_XLSX_RATIO = env.int("IMPORT_MAX_XLSX_RATIO", default=100)
for _name in [name for name in dir() if name.startswith("IMPORT_MAX_")]:
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be a positive number.")
if IMPORT_MAX_CELL_CHARS > 131_072:  # Python's CSV reader stops at its own field limit
    raise ImproperlyConfigured("IMPORT_MAX_CELL_CHARS may not exceed 131072.")
# Every upload is counted as it streams in and dropped once past IMPORT_MAX_UPLOAD_BYTES.
FILE_UPLOAD_HANDLERS = [
    "kumamoto_welfare.imports.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# --- end of import limits ----------------------------------------------------------------

# Plan content: the YAML files that `load_plan` reads.
PLAN_DATA_DIR = BASE_DIR / "programs" / "data" / "plan"

# --- Backups (django-dbbackup; docs/operations.md) --------------------------------------
# `python manage.py dbbackup` / `mediabackup` (make backup) write the database and the media
# files into BACKUP_DIR, `dbrestore` / `mediarestore` (make restore) read them back; copy that
# folder off the machine. `--clean` keeps the newest BACKUP_KEEP of each.
INSTALLED_APPS += ["dbbackup"]
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backups")))
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BACKUP_DIR},
}
DBBACKUP_CONNECTOR_MAPPING = {
    "django.db.backends.sqlite3": "kumamoto_welfare.backups.SqliteBackupConnector",
}
# The file names say which installation a backup comes from, not a container's id.
DBBACKUP_HOSTNAME = env.str("BACKUP_NAME", default="kumamoto-welfare")
DBBACKUP_CLEANUP_KEEP = env.int("BACKUP_KEEP", default=30)
DBBACKUP_CLEANUP_KEEP_MEDIA = DBBACKUP_CLEANUP_KEEP
# --- end of backups ---------------------------------------------------------------------

# --- Logs and operations (kumamoto_welfare/observability, docs/operations.md) -------------
# Every line a request writes carries its request id (answered in X-Request-ID); a worker's
# carry the task id. LOG_FORMAT=json (the default with DEBUG off) writes one JSON object a
# line for a log collector; console (the default with DEBUG on) writes readable lines. Sign-ins,
# failed sign-ins and refused actions go to the kumamoto_welfare.audit logger.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json").lower()
if LOG_FORMAT not in {"json", "console"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or console, not {LOG_FORMAT!r}.")
INSTALLED_APPS += ["kumamoto_welfare.observability"]
MIDDLEWARE.insert(0, "kumamoto_welfare.observability.middleware.RequestIdMiddleware")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "kumamoto_welfare.observability.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "kumamoto_welfare.observability.logs.JsonFormatter"},
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
SECRET_KEY_FALLBACKS = [key for key in env.list("SECRET_KEY_FALLBACKS", default=[]) if key]
# HSTS preload is a commitment browsers keep for months: off unless SECURE_HSTS_PRELOAD says
# so (README), and then `check --deploy` need not remind us of it.
if not DEBUG and not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# --- end of logs and operations -----------------------------------------------------------

# --- Open data (issue 14, item 1; portal/open_data.py, docs/open-data.md) ------------------
# The licence of the catalogue at /opendata/, as the Data Package names it. CC BY 4.0 is the
# standard of Japan's government sites (政府標準利用規約 2.0 is compatible with it).
OPEN_DATA_LICENSE = {
    "name": env.str("OPEN_DATA_LICENSE_NAME", default="CC-BY-4.0"),
    "path": env.str(
        "OPEN_DATA_LICENSE_URL", default="https://creativecommons.org/licenses/by/4.0/deed.ja"
    ),
    "title": env.str("OPEN_DATA_LICENSE_TITLE", default="クリエイティブ・コモンズ 表示 4.0 国際"),
}
if not all(value.strip() for value in OPEN_DATA_LICENSE.values()):
    raise ImproperlyConfigured(
        "OPEN_DATA_LICENSE_NAME, OPEN_DATA_LICENSE_URL and OPEN_DATA_LICENSE_TITLE "
        "may not be empty."
    )
if not OPEN_DATA_LICENSE["path"].startswith(("https://", "http://")):
    raise ImproperlyConfigured("OPEN_DATA_LICENSE_URL must be an http(s) URL.")
# --- end of open data ----------------------------------------------------------------------
