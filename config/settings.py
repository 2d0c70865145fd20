"""Settings for the annotated reader, read from the environment.

SQLite is the default so that a fresh checkout runs with no server; set DATABASE_URL for
PostgreSQL and REDIS_URL for a cache shared between worker processes.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# Long work runs as a task (django-tasks, the backport of Django 6's django.tasks), not in the
# request: reading a source's file (reader.tasks). TASKS_BACKEND: "database" (the default without
# Redis: tasks wait in the database for `manage.py db_worker`, which `manage.py serve` starts
# beside the development server), "rq" (the default with REDIS_URL: they wait in Redis for
# `manage.py rqworker`), or "immediate" (run at once, within the request: the tests).
TASKS_BACKEND = os.getenv("TASKS_BACKEND", "rq" if os.getenv("REDIS_URL") else "database")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "reader",
    "annotations",
    "search",
    "django_tasks",
    "django_tasks_db",
]
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reader.middleware.ContentSecurityPolicyMiddleware",
    "reader.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "reader.caching.SharedPagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reader.middleware.PrivatePagesMiddleware",
    "reader.middleware.MergedSourceMiddleware",
    "reader.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last: it wraps the view in the transaction that also keeps the answer to its key.
    "accounts.idempotency.IdempotencyKeyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "annotations.inbox.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool(
    "DATABASE_POOL", "0"
):
    # psycopg 3 connection pool; Django requires persistent connections to be off with it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache is an accelerator, never a point of failure (config.cache): each connection
# and read gives up after CACHE_TIMEOUT seconds, a failure is logged and answered as an empty
# cache would, and after CACHE_CIRCUIT_FAILURES failures in a row a process stops asking it for
# CACHE_CIRCUIT_SECONDS.
CACHE_TIMEOUT = float(os.getenv("CACHE_TIMEOUT", "0.25"))


def redis_cache(url: str) -> dict[str, Any]:
    return {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "reader"),
        "OPTIONS": {
            "socket_connect_timeout": CACHE_TIMEOUT,
            "socket_timeout": CACHE_TIMEOUT,
            "CIRCUIT_FAILURES": envint("CACHE_CIRCUIT_FAILURES", "3"),
            "CIRCUIT_SECONDS": float(os.getenv("CACHE_CIRCUIT_SECONDS", "5")),
        },
    }


if os.getenv("REDIS_URL"):
    CACHES = {"default": redis_cache(os.environ["REDIS_URL"])}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins, counted by django-axes (config.accounts): per account (from any address) and per
# (account, address) pair, refused past LOGIN_FAILURE_LIMIT; per address alone, across accounts,
# only past LOGIN_ADDRESS_FAILURE_LIMIT (an office behind one NAT shares an address). A lockout
# lasts until the cool-off has passed without a new failure.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "config.accounts.LoginFailures"
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", "50")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.accounts.client_address"
AXES_LOCKOUT_CALLABLE = "config.accounts.locked_out"
AXES_VERBOSE = False

# E-mail: SMTP when EMAIL_HOST is set, else written to the console (the log). The password reset
# sends e-mail, and is offered only when e-mail is configured (EMAIL_HOST or EMAIL_BACKEND).
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "1")
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "webmaster@localhost")
PASSWORD_RESET = envbool("PASSWORD_RESET", "1" if EMAIL_HOST or os.getenv("EMAIL_BACKEND") else "0")
# Replies and mentions are e-mailed to their recipients who have an address (annotations.
# notifications), with a link to the note under SITE_URL (this site's address as readers reach it).
NOTIFICATION_EMAILS = envbool("NOTIFICATION_EMAILS", "1")
# Seconds an SMTP connection may take: notifications are sent at the end of the request that
# wrote the note, which a mail server that does not answer must not hold for long.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
SITE_URL = os.getenv("SITE_URL", "http://localhost:8000")

LANGUAGE_CODE = os.getenv("LANGUAGE_CODE", "en")
LANGUAGES = [("en", "English"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "reader" / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # and each app's static/
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files (the sources' files): on disk under MEDIA_ROOT, or in an S3-compatible store
# through django-storages when AWS_STORAGE_BUCKET_NAME is set (pip install ".[s3]"; the
# AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, … of django-storages apply).
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "media/"  # never served as such: /sources/<slug>/file/ checks who may read
AWS_STORAGE_BUCKET_NAME = os.getenv("AWS_STORAGE_BUCKET_NAME", "")
# The largest source file that can be attached from the browser.
SOURCE_FILE_MAX_BYTES = envint("SOURCE_FILE_MAX_MB", "50") * 2**20
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}
# The longest a task may run before RQ stops it (a 60,000-page report takes minutes to read).
SOURCE_TASK_TIMEOUT = envint("SOURCE_TASK_TIMEOUT", "3600")
if TASKS_BACKEND == "rq":
    RQ_QUEUES = {
        "default": {"URL": os.environ["REDIS_URL"], "DEFAULT_TIMEOUT": SOURCE_TASK_TIMEOUT}
    }
# A running task that reports no progress for this long lost its worker (a restart, a killed
# process): the workers' periodic upkeep (reader.tasks.upkeep) queues it again, up to
# SOURCE_TASK_ATTEMPTS runs in all; the source page offers to retry it meanwhile.
SOURCE_TASK_STALLED_SECONDS = envint("SOURCE_TASK_STALLED_SECONDS", "300")
SOURCE_TASK_ATTEMPTS = envint("SOURCE_TASK_ATTEMPTS", "3")
# How often, at most, the upkeep runs (after a task, or an upload): staged uploads older than
# STAGED_UPLOAD_MAX_AGE seconds are removed (previewed but never confirmed), stalled tasks queued.
TASKS_UPKEEP_SECONDS = envint("TASKS_UPKEEP_SECONDS", "300")
STAGED_UPLOAD_MAX_AGE = envint("STAGED_UPLOAD_MAX_AGE", "3600")
# What one request may do with a PDF (a request must end well within gunicorn's --timeout): a
# source's file is only looked at (its first pages) and read by a task; a commentary imported
# from a PDF (/documents/new/) is read in the request, within COMMENTARY_PDF_SECONDS (and
# reader.importers.pdf's own limits: MAX_PAGES, MAX_INFLATED).
COMMENTARY_PDF_SECONDS = float(os.getenv("COMMENTARY_PDF_SECONDS", "10"))
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {
        "BACKEND": "config.staticfiles.ReaderStaticFilesStorage"
        if envbool("STATIC_MANIFEST", "0" if DEBUG else "1")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Search ranks at most this many matches of a query (0: all); see search.query.search.
SEARCH_RANK_AMONG = envint("SEARCH_RANK_AMONG", "5000")

# Who may read: anonymous visitors see public material unless this is turned off.
READER_PUBLIC = envbool("READER_PUBLIC", "1")
# Seconds a rendered document body stays in the cache (it is also keyed by revision).
READER_CACHE_SECONDS = envint("READER_CACHE_SECONDS", "86400")
# Cache-Control of the pages anonymous readers share (reader.caching): seconds a browser may
# reuse one without asking (0: it revalidates each time, and gets a 304 when nothing changed),
# and seconds a shared cache (nginx proxy_cache, a CDN) may.
READER_MAX_AGE = envint("READER_MAX_AGE", "0")
READER_SHARED_MAX_AGE = envint("READER_SHARED_MAX_AGE", "60")
# Seconds the stamp of what the shared pages show stays in the cache (reader.caching): with a
# shared cache, changes reach it at once, so a day; with the per-process default cache, other
# processes (another worker, an import command) cannot reach it, so a change shows after this.
READER_STAMP_SECONDS = envint("READER_STAMP_SECONDS", "86400" if os.getenv("REDIS_URL") else "2")
# Seconds a worker serves a shared page it served lately without asking the cache whether it
# changed: how long another worker's change may take to show (0: ask every time).
READER_LOCAL_SECONDS = float(os.getenv("READER_LOCAL_SECONDS", "1"))
# Where the version of a document's annotations that readers poll is kept (annotations.live):
# "cache", a token in the shared cache (Redis), or "database", derived from the rows (the
# per-process default cache is not shared between workers).
ANNOTATIONS_LIVE_VERSION = os.getenv(
    "ANNOTATIONS_LIVE_VERSION", "cache" if os.getenv("REDIS_URL") else "database"
)
# The largest file (or JSON body) POST /api/annotations/import/ takes, in bytes.
ANNOTATIONS_IMPORT_MAX_BYTES = envint("ANNOTATIONS_IMPORT_MAX_BYTES", str(5 * 1024 * 1024))
# The POSTs that create honour an Idempotency-Key header (accounts.idempotency): seconds a key
# and its answer are kept, and seconds a request with a key may run before another request with
# it may take it over (its worker was killed); meanwhile the other gets a 409.
IDEMPOTENCY_KEY_SECONDS = envint("IDEMPOTENCY_KEY_SECONDS", "86400")
IDEMPOTENCY_RUNNING_SECONDS = envint("IDEMPOTENCY_RUNNING_SECONDS", "60")
# Seconds a client is told to wait (Retry-After of a 503) while the database cannot be reached.
RETRY_AFTER_SECONDS = envint("RETRY_AFTER_SECONDS", "5")

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.ReadPermission"],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.throttles.ClientAddressThrottle",
        "config.api.throttles.AccountThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.ReaderAutoSchema",
    # JSON only: the documentation page is /api/docs/ (DRF's browsable API needs inline scripts).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "config.api.parsers.JSONParser",
        "config.api.parsers.FormParser",
        "config.api.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.api.negotiation.ContentNegotiation",
    "EXCEPTION_HANDLER": "config.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per client address (anonymous) and per account, counted in the cache.
API_THROTTLE_RATES = {
    "anon": os.getenv("API_THROTTLE_ANON", "120/minute"),
    "user": os.getenv("API_THROTTLE_USER", "600/minute"),
    # Pages outside the API (config.throttling): per account, or per address when anonymous.
    "search": os.getenv("SEARCH_THROTTLE", "60/minute"),
    "password_reset": os.getenv("PASSWORD_RESET_THROTTLE", "5/hour"),
}
# How many proxies stand in front of the app, whose X-Forwarded-For entries are trusted for the
# client address. Unset or 0: none, and the client is the socket address (DRF's own default, None,
# would trust whatever a client writes in X-Forwarded-For and let it dodge the rate limits).
REST_FRAMEWORK["NUM_PROXIES"] = envint("NUM_PROXIES", "0")

SPECTACULAR_SETTINGS = {
    "TITLE": "Annotated reader API",
    "DESCRIPTION": "Documents, notes, citations, sources and passage search.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body says itself what it requires (the alignment's `original`), as the views do.
    "COMPONENT_SPLIT_PATCH": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.refuse_nul_in_strings",
        "annotations.api.links.link_notes_to_their_operations",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "reader.models.Source.Kind",
        "BlockKindEnum": "reader.models.Block.Kind",
        "PassageKindEnum": "search.models.SearchEntry.Kind",
    },
}

# Cross-origin requests are refused unless origins are listed here.
CORS_ALLOWED_ORIGINS = envlist("CORS_ALLOWED_ORIGINS", "")
CORS_URLS_REGEX = r"^/api/.*$"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1")
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "1")
    CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", "1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}

LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
