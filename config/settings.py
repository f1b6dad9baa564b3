"""Accord's one settings module.

Everything that differs between a laptop, CI and production comes from the
environment; the defaults are the development ones that `make run` uses.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Sessions, password-reset links, CSRF tokens and the signed portfolio cache
# all rest on this key: without DEBUG, a missing one is an error at start-up,
# never a silent fallback to a key published in the repository.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment (50 or more random characters, "
        "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
        "or set DEBUG=1 for local development."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin with Accord's site: for administrators only (config/admin.py).
    "config.apps.AccordAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_celery_beat",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "partnerships",
    "evaluation",
    "notifications",
    "health",
    "lifecycle",
    "reminders",
    "dashboards",
    "api",
    "calendars",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads request.POST or request.FILES (CSRF does).
    "core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Below WhiteNoise, so static files keep their long-lived caching.
    "core.middleware.PrivateCacheMiddleware",
    # Every page requires a signed-in user unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # …and a role: a signed-in user without one sees only "ask for a role".
    "accounts.middleware.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change kept in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://accord@127.0.0.1:5432/accord"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="accord"),
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# Our own organisation: the side of every partnership that is not a partner.
# Its office hours are compared with the partners' to find shared working
# hours; funding is summed in the base currency (ISO 4217).
ACCORD_ORGANISATION_NAME = env("ACCORD_ORGANISATION_NAME", default="Our organisation")
ACCORD_ORGANISATION_TIME_ZONE = env("ACCORD_ORGANISATION_TIME_ZONE", default="Europe/London")
ACCORD_BASE_CURRENCY = env("ACCORD_BASE_CURRENCY", default="EUR")
# The languages our people work in (ISO 639-1), against the partners' in a fit assessment.
ACCORD_ORGANISATION_LANGUAGES = env.list("ACCORD_ORGANISATION_LANGUAGES", default=["en"])

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from the npm registry at set-up time (`make` runs
# `npm ci`); only the files the pages use are exposed, under "vendor/".
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/chartjs-chart-geo", BASE_DIR / "node_modules" / "chartjs-chart-geo" / "build"),
    ("vendor/world-atlas", BASE_DIR / "node_modules" / "world-atlas"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"  # never served directly: documents go through a view that checks rights

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Accord <accord@localhost>")
# Where the links in emails point: the address people open Accord at.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Celery: Redis is the broker; results are not needed (tasks write their
# effects to PostgreSQL), so no result backend is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False

# --- production -------------------------------------------------------------------
# ACCORD_PRODUCTION=1 turns on everything HTTPS needs; each part can still be
# set on its own (a staging host without TLS, say). See the README.
PRODUCTION = env.bool("ACCORD_PRODUCTION", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
# Preloading is a promise to the browsers' lists that is slow to take back: it
# is the domain owner's decision, so it has its own switch and is off unless set.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# "HEADER,value" as the proxy sends it, e.g. HTTP_X_FORWARDED_PROTO,https. Only
# behind a proxy that always sets (overwrites) that header: otherwise a client
# could claim HTTPS itself. Empty turns it off.
_proxy_ssl_header = env.list(
    "SECURE_PROXY_SSL_HEADER",
    default=["HTTP_X_FORWARDED_PROTO", "https"] if PRODUCTION else [],
)
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER is `HEADER,value`, e.g. HTTP_X_FORWARDED_PROTO,https."
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
# security.W021 asks for HSTS preloading, which SECURE_HSTS_PRELOAD decides (above).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Scripts and styles come only from our static files: no inline <script>, no
# style="" attributes (sizes are classes or set from script), no eval. Charts
# read their data from json_script blocks, which are data, not script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's icons are data: SVGs in its CSS
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Browser features no page of Accord uses, refused for every page and any frame.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"

# --- request size ---------------------------------------------------------------------
# The largest document one may upload; a request body bigger than this (plus
# room for the form's other fields) is answered 413 before it is read.
ACCORD_MAX_UPLOAD_MB = env.int("ACCORD_MAX_UPLOAD_MB", default=20)
ACCORD_MAX_UPLOAD_SIZE = ACCORD_MAX_UPLOAD_MB * 1024 * 1024
ACCORD_MAX_REQUEST_SIZE = ACCORD_MAX_UPLOAD_SIZE + 1024 * 1024
# Form fields other than files: Django's default, said out loud.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An uploaded file bigger than this goes to a temporary file, not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # qpdf's notes on each repaired PDF are not ours to report; refusals are logged by us.
    "loggers": {"pikepdf": {"level": "WARNING"}},
}

# --- API (/api/v1/) and calendar feeds -------------------------------------------------
# The API reads and writes through the same selectors, services and rights as
# the pages (api/); a personal token or the browser's session signs a client in.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so a request without credentials is answered 401 with
        # `WWW-Authenticate: Bearer`, not 403.
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasRole", "api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env("ACCORD_API_RATE", default="600/min")},
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Accord API",
    "DESCRIPTION": "Partners, partnerships, agreements, measurements and scorecards.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files from the sidecar package, served by us: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set shared by several fields (stage and from_stage, …).
    "ENUM_NAME_OVERRIDES": {
        "PartnerKindEnum": "partnerships.models.PartnerKind",
        "AgreementKindEnum": "partnerships.models.AgreementKind",
        "AgreementStatusEnum": "partnerships.models.AgreementStatus",
        "ObjectiveStatusEnum": "partnerships.models.ObjectiveStatus",
        "BenefitEnum": "partnerships.models.Benefit",
        "StageEnum": "partnerships.models.Stage",
        "RatingEnum": "evaluation.models.Rating",
    },
}
# Days a reviewer has to review a scorecard once it is computed (calendar feeds).
ACCORD_REVIEW_DAYS = env.int("ACCORD_REVIEW_DAYS", default=14)
