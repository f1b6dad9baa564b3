"""Accord's one settings module.

Everything that differs between a laptop, CI and production comes from the
environment; the defaults are the development ones that `make run` uses.
"""

import datetime as dt
import ipaddress
import warnings
import zoneinfo
from pathlib import Path

import environ
import pghistory
from babel.numbers import list_currencies
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from core.history import DEFAULT_TRACKERS

BASE_DIR = Path(__file__).resolve().parent.parent


class Env(environ.Env):
    """django-environ's, naming the variable whose value is not a whole number
    (its own error said only "invalid literal for int()")."""

    def int(self, var, default=environ.Env.NOTSET):
        try:
            return super().int(var, default=default)
        except ValueError:
            raise ImproperlyConfigured(f"{var}={self.str(var)!r} is not a whole number.") from None

    def db_url(self, var=environ.Env.DEFAULT_DATABASE_ENV, default=environ.Env.NOTSET, engine=None):
        """A PostgreSQL address, or Accord stops at start-up saying so. (django-environ
        only warned of an address it could not read, and the first query failed.)
        The message never shows the address: it may hold a password."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                config = super().db_url(var, default=default, engine=engine)
            except ValueError as error:
                raise ImproperlyConfigured(f"{var} is not a database address: {error}") from None
        if config.get("ENGINE") != "django.db.backends.postgresql" or not config.get("NAME"):
            raise ImproperlyConfigured(
                f"{var} must be a PostgreSQL address: postgres://user:password@host:port/database"
            )
        return config

    db = db_url

    def networks(self, var, default=()):
        """Addresses and networks ("203.0.113.7", "198.51.100.0/24"), or Accord
        stops at start-up naming the entry it cannot read."""
        networks = []
        for entry in self.list(var, default=list(default)):
            try:
                networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                raise ImproperlyConfigured(
                    f"{var}: {entry!r} is not an address or a network such as 198.51.100.0/24."
                ) from None
        return tuple(networks)


env = Env()

# `make run` writes where its servers listen to var/run.env, so `make shell`
# and any `manage.py` command reach them; an environment that names its own
# database (production, the tests) never reads it.
RUN_ENV_FILE = BASE_DIR / "var" / "run.env"
if not env("DATABASE_URL", default="") and RUN_ENV_FILE.exists():
    environ.Env.read_env(RUN_ENV_FILE)
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
    "django.contrib.humanize",  # allauth's sessions page
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "axes",
    "pgtrigger",
    "pghistory",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "ops",
    "accounts",
    "audit",
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

# Tests that restore the database's rows after a flush (serialized_rollback) do
# not restore audit's: its record of the history tables' columns is append-only
# and written again after each migration run (audit.chain).
TEST_NON_SERIALIZED_APPS = ["audit"]

MIDDLEWARE = [
    # First, with the security headers, so every answer carries them: one from a
    # middleware below (a request for an unknown host, refused by CommonMiddleware;
    # a body above the upload limit) never passed one placed lower down.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # The single sign-on provider's origin in the CSP's form-action, when set.
    "accounts.middleware.SingleSignOnFormActionMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Before anything reads request.POST or request.FILES (CSRF does), and
    # below the policies above, so its 413 page carries them too.
    "core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language; a signed-in user's own choice overrides it below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user's language and time zone (Preferences).
    "accounts.middleware.UserLocaleMiddleware",
    # Below WhiteNoise, so static files keep their long-lived caching.
    "core.middleware.PrivateCacheMiddleware",
    # Every page requires a signed-in user unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # …and a role: a signed-in user without one sees only "ask for a role".
    "accounts.middleware.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Signs out a session left idle, or older than its absolute lifetime.
    "accounts.middleware.SessionTimeoutMiddleware",
    # Reviewers and administrators reach nothing until they have a second factor.
    "accounts.middleware.SecondFactorRequiredMiddleware",
    # Who changed what: the signed-in user and the URL go with every statement
    # of the request, and the history triggers store them beside each event.
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ],
            # `|auto_dir` on user text in every template, without a {% load %}.
            "builtins": ["core.templatetags.text", "core.templatetags.dates"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://accord@127.0.0.1:5432/accord"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is tested before a request uses it, so a restarted
# PostgreSQL costs a reconnect, not a 500; an unreachable one fails in seconds.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        # Redis away: pages come from the database, slower but never an error.
        "BACKEND": "core.cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="accord"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}
# Sessions live in the database (Django's default), never in the cache: a
# Redis outage must not sign anybody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A refused form (no or a stale security token) gets Accord's 403 page, translated.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend that also accepts an email address as the username.
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
# Argon2id first, as Django recommends (memory-hard, and half the time of
# PBKDF2's million rounds on a small machine); a password hashed by an older
# entry still signs in, and is hashed again with Argon2 as it does.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password-reset link works once (its token hashes the password it replaces)
# and for this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

# Sessions: signed out after ACCORD_SESSION_IDLE_MINUTES without a request
# (accounts.middleware.SessionTimeoutMiddleware), and at the latest
# ACCORD_SESSION_MAX_HOURS after signing in, however busy. The cookie ends with
# the browser.
ACCORD_SESSION_IDLE_MINUTES = env.int("ACCORD_SESSION_IDLE_MINUTES", default=30)
ACCORD_SESSION_MAX_HOURS = env.int("ACCORD_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = ACCORD_SESSION_MAX_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Accounts (django-allauth): sign in with a username or an email address; no
# sign-up: administrators create accounts, or single sign-on does when allowed.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# Accounts that single sign-on made get no password by "forgotten your
# password?" or the password-set page (accounts.sso).
ACCOUNT_FORMS = {
    "login": "accounts.forms.SignInForm",
    "reset_password": "accounts.forms.PasswordResetRequestForm",
    "reset_password_from_key": "accounts.forms.PasswordResetKeyForm",
    "set_password": "accounts.forms.PasswordSetForm",
    "change_password": "accounts.forms.PasswordChangeForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an unknown address sends nothing (not a "no account" mail).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Accord] "
# Wrong passwords are counted and locked out by django-axes (below), once:
# AccountAdapter.pre_authenticate leaves them to it. allauth's "login_failed"
# limit is what counts wrong two-factor codes: five per account in five minutes
# (and ten a minute from one address), then "too many attempts" until it passes.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_USER_DISPLAY = str
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Accord"
# Each sign-in is listed under "Sessions", where "sign out everywhere" ends the
# others; no per-request tracking (it would cost a query on every page).
USERSESSIONS_TRACK_ACTIVITY = False

# Lockout (django-axes): after ACCORD_LOCKOUT_FAILURES failed sign-ins for one
# account, or from one address, sign-in is refused for ACCORD_LOCKOUT_MINUTES
# counted from the last failure. Administrators see and delete the attempts in
# the admin (Axes → Access attempts), which unlocks at once.
AXES_FAILURE_LIMIT = env.int("ACCORD_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("ACCORD_LOCKOUT_MINUTES", default=15))
# An address locks out after as many failures as an account does, so that one
# address trying many accounts is stopped. A hospital's staff may all sign in
# from one address (its NAT or proxy): there, five people mistyping once would
# lock everyone out. Addresses listed here lock accounts only; allauth's limit
# per address (ACCOUNT_RATE_LIMITS) still slows a flood of failures from them.
ACCORD_SHARED_ADDRESSES = env.networks("ACCORD_SHARED_ADDRESSES")
AXES_LOCKOUT_PARAMETERS = "accounts.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.username_of_attempt"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The log line of a failure names the account and the address (never the
# password), so whoever reads the log can tell an attack from a forgetful user.
AXES_SENSITIVE_PARAMETERS = []
# A try during the lockout does not push its end further: the page's "try again
# after" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Behind a reverse proxy, the address it puts in this header is the client's
# (core.http.client_address, which allauth's limits and the API's read too).
ACCORD_CLIENT_IP_HEADERS = env.list("ACCORD_CLIENT_IP_HEADERS", default=["REMOTE_ADDR"])
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"

# Single sign-on over OpenID Connect (Entra ID, Keycloak, Okta, Google…):
# offered on the sign-in page when ACCORD_OIDC_SERVER_URL is set. See the
# README's "Signing in".
ACCORD_OIDC_SERVER_URL = env("ACCORD_OIDC_SERVER_URL", default="")
ACCORD_OIDC_ROLES_CLAIM = env("ACCORD_OIDC_ROLES_CLAIM", default="groups")
# "idp-group=Accord role,…"; a user's Accord roles are re-set from these at each sign-in.
ACCORD_OIDC_ROLE_MAP = env.dict("ACCORD_OIDC_ROLE_MAP", default={})
ACCORD_OIDC_AUTO_CREATE = env.bool("ACCORD_OIDC_AUTO_CREATE", default=False)
# Everyone but superusers signs in through the identity provider: their
# passwords no longer sign them in, nor can they be reset or set (accounts.sso).
# Superusers keep theirs (with their second factor) to sign in while the
# provider is unreachable.
ACCORD_OIDC_ONLY = env.bool("ACCORD_OIDC_ONLY", default=False)
# The domains whose addresses the identity provider is trusted to have checked
# even without an email_verified claim (Entra ID sends none): only domains the
# organisation owns and the provider lets nobody claim unchecked. Otherwise an
# address is matched to an account only when the provider says it is verified.
ACCORD_OIDC_VERIFIED_EMAIL_DOMAINS = env.list("ACCORD_OIDC_VERIFIED_EMAIL_DOMAINS", default=[])
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "sso",
                "name": env("ACCORD_OIDC_BUTTON_LABEL", default="Sign in with your organisation"),
                "client_id": env("ACCORD_OIDC_CLIENT_ID", default=""),
                "secret": env("ACCORD_OIDC_CLIENT_SECRET", default=""),
                # An address counts as verified when the provider says so
                # (its email_verified claim), or is in one of these domains
                # (accounts.adapters.SocialAccountAdapter.is_email_verified).
                "settings": {"server_url": ACCORD_OIDC_SERVER_URL},
            }
        ]
        if ACCORD_OIDC_SERVER_URL
        else [],
    }
}
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
# An account an administrator created is found by its email address at its first
# single sign-on; the identity provider is trusted to have checked the address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False

# Accord's languages (issue #16), each named in itself. A user picks one in
# Preferences; until then LocaleMiddleware follows the browser's. Messages live
# in each app's locale/ folder (the shared templates' in locale/), as .po files
# compiled by `manage.py compile_translations` at set-up; a string without a
# translation falls back to English.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en-gb", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("pt", "Português"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# Our own organisation: the side of every partnership that is not a partner.
# Its office hours are compared with the partners' to find shared working
# hours; funding is summed in the base currency (ISO 4217).
ACCORD_ORGANISATION_NAME = env("ACCORD_ORGANISATION_NAME", default="Our organisation")
ACCORD_ORGANISATION_TIME_ZONE = env("ACCORD_ORGANISATION_TIME_ZONE", default="Europe/London")
ACCORD_BASE_CURRENCY = env("ACCORD_BASE_CURRENCY", default="EUR")
# Every request reads the organisation's zone (a page for someone signed out is in
# it): a misspelt one would answer every page 500, the health endpoints too, so it
# stops Accord at start-up instead, as Django does for TIME_ZONE.
try:
    zoneinfo.ZoneInfo(ACCORD_ORGANISATION_TIME_ZONE)
except (ValueError, zoneinfo.ZoneInfoNotFoundError):
    raise ImproperlyConfigured(
        f"ACCORD_ORGANISATION_TIME_ZONE={ACCORD_ORGANISATION_TIME_ZONE!r} is not a time zone: "
        "give one of the IANA database, e.g. Europe/London."
    ) from None
if ACCORD_BASE_CURRENCY not in list_currencies():
    raise ImproperlyConfigured(
        f"ACCORD_BASE_CURRENCY={ACCORD_BASE_CURRENCY!r} is not an ISO 4217 currency code "
        "(three capital letters, e.g. EUR)."
    )
# The languages our people work in (ISO 639-1), against the partners' in a fit assessment.
ACCORD_ORGANISATION_LANGUAGES = env.list("ACCORD_ORGANISATION_LANGUAGES", default=["en"])

# History (issue #12): the triggers of django-pghistory write an event row for
# every insert, update and delete of a tracked table, whatever wrote it; the
# event tables refuse UPDATE and DELETE, and each row is hash-chained to the one
# before it (core.models.Event). The context (user and URL of a request,
# task and task id of a Celery task, reason of a decision) is stored in the
# event row itself, inside the chain, rather than in a shared mutable table.
PGHISTORY_BASE_MODEL = "core.models.Event"  # append-only and chained
# One trigger run per statement, writing the events of all its rows with one
# INSERT … SELECT from the statement's transition table: a bulk write (an
# import's COPY, an assessment's INSERT … SELECT) pays set-based cost.
PGHISTORY_LEVEL = pghistory.Statement
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(related_name="history")
PGHISTORY_DEFAULT_TRACKERS = DEFAULT_TRACKERS  # insert, update and delete

STATIC_URL = "static/"
# Where `collectstatic` writes (the README's nginx serves /srv/accord/staticfiles).
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
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

# Django's widget templates through Jinja2, everything else through Django's
# engine (core/renderers.py): a select of the countries costs a fraction.
FORM_RENDERER = "core.renderers.WidgetRenderer"

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
# A task taken by a worker that then died outright (SIGKILL, a lost machine) is
# sent again once this has passed unacknowledged. Longer than the time limit, so
# a task still running is never sent twice; no longer, so a killed worker's work
# (an import, a reminder) waits minutes, not the hour it waited. (A chunk of an
# assessment is taken up again sooner: its lease.)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's DatabaseScheduler, recording beat's heartbeat.
CELERY_BEAT_SCHEDULER = "ops.heartbeats:BeatScheduler"
# Each run beat sends is recorded at once, not every three minutes (Celery's
# default): a beat killed in between, or cut off from the database, left it
# unrecorded, and the next read of the schedule sent it again.
CELERY_BEAT_SYNC_EVERY = 1
CELERY_TASK_ALWAYS_EAGER = False

# --- production -------------------------------------------------------------------
# ACCORD_PRODUCTION=1 turns on everything HTTPS needs; each part can still be
# set on its own (a staging host without TLS, say). See the README.
PRODUCTION = env.bool("ACCORD_PRODUCTION", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# The health endpoints (/-/live, /-/ready) answer a probe over plain HTTP too:
# they say nothing secret, and redirected, a probe that counts a 301 as up (the
# kubelet's does) would find a process ready whatever /-/ready says.
SECURE_REDIRECT_EXEMPT = [r"^-/"]
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
# A portfolio export of more partnerships than this is written by the worker
# (dashboards/export_jobs.py): 5,000 take 0.8 s (CSV) and 1.6 s (XLSX) here.
ACCORD_EXPORT_IN_REQUEST_ROWS = env.int("ACCORD_EXPORT_IN_REQUEST_ROWS", default=5000)
# The audit trail's CSV is written within the request: at about 5,000 events a
# second here, more than this many would near gunicorn's 30 s, so the export
# asks for narrower filters (dates, kind of record) instead.
ACCORD_AUDIT_EXPORT_MAX_ROWS = env.int("ACCORD_AUDIT_EXPORT_MAX_ROWS", default=50000)
ACCORD_MAX_UPLOAD_SIZE = ACCORD_MAX_UPLOAD_MB * 1024 * 1024
ACCORD_MAX_REQUEST_SIZE = ACCORD_MAX_UPLOAD_SIZE + 1024 * 1024
# Form fields other than files: Django's default, said out loud.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An uploaded file bigger than this goes to a temporary file, not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Operations (ops/): chunk leases, heartbeats, scheduled backups.
# A worker renews the lease of the chunk it works on every third of this; a
# chunk whose lease ran out (its worker died) is sent again by the minute's sweep.
ACCORD_CHUNK_LEASE_SECONDS = env.int("ACCORD_CHUNK_LEASE_SECONDS", default=45)
# /-/ready fails when no worker or no beat has beaten for this long.
ACCORD_HEARTBEAT_STALE_SECONDS = env.int("ACCORD_HEARTBEAT_STALE_SECONDS", default=60)
# The daily backup (ops.tasks.scheduled_backup) runs only when a folder is set.
ACCORD_BACKUP_DIR = env("ACCORD_BACKUP_DIR", default="")
ACCORD_BACKUP_KEEP = env.int("ACCORD_BACKUP_KEEP", default=7)

# ACCORD_LOG_FORMAT=json: one JSON object per line, for a log collector.
LOG_FORMAT = env("ACCORD_LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"ACCORD_LOG_FORMAT={LOG_FORMAT!r}: it is text or json.")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r}: it is DEBUG, INFO, WARNING, ERROR or CRITICAL."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "expected_refusals": {"()": "ops.logging.ExpectedRefusalFilter"},
        "as_warning": {"()": "ops.logging.AsWarningFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "ops.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["expected_refusals"],
        }
    },
    "loggers": {
        # On the logger too: in DEBUG, Django's own console handler also prints these.
        "django.request": {"filters": ["expected_refusals"]},
        # A request for a host not in ALLOWED_HOSTS (a scanner, mostly): a warning, not an error.
        "django.security.DisallowedHost": {"filters": ["as_warning"]},
        # qpdf's notes on each repaired PDF are not ours to report; refusals are logged by us.
        "pikepdf": {"level": "WARNING"},
        # One warning line per failed sign-in ("AXES: New/Repeated login failure by
        # …"), without django-axes's informational chatter around it.
        "axes": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
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
    "DEFAULT_METADATA_CLASS": "api.metadata.DescribeOnly",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api": env("ACCORD_API_RATE", default="600/min"),
        # Wrong tokens from one address, before it is refused for a while.
        "wrong_token": env("ACCORD_API_WRONG_TOKEN_RATE", default="30/min"),
    },
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
