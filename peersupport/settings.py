"""Settings for peersupport, read from the environment (django-environ).

Every variable is documented in README.md. A bad or missing required value
stops start-up with a message that names the variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _read(name, reader, **kwargs):
    """Read one variable, turning a malformed value into an error that names it."""
    try:
        return reader(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name} has an invalid value: {exc}") from exc


def _int_at_least(name, default, minimum):
    value = _read(name, env.int, default=default)
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def _strict_bool(name, default):
    # environ's bool() reads anything unknown as False; a typo in a security
    # switch must stop start-up instead.
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


DEBUG = _strict_bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-never-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=true for local development)."
        )
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = _read(
    "ALLOWED_HOSTS", env.list, default=["127.0.0.1", "localhost"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",
    "csp",
    "auditlog",
    "axes",
    # Two-factor sign-in (accounts/two_factor.py): TOTP and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "peersupport",
    "partners",
    "clients",
    "interventions",
    "referrals",
    "agenda",
    "groups",
    "staff",
    "logbook",
    "overview",
    "audit",
    "accounts",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and exports compressed (static files come precompressed from
    # whitenoise, brotli and gzip, above), but not the exports that are zip
    # files already. Above every middleware that reads or writes a body; why
    # it is safe against BREACH: README, "Compression".
    "peersupport.middleware.CompressionMiddleware",
    # What a request asks more than once (the viewer's care teams) is read once.
    "peersupport.request_memo.RequestMemoMiddleware",
    # no-store for signed-in users, Permissions-Policy for all; static files keep their caching.
    "peersupport.middleware.PrivacyHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # The database away (a restart): 503 in the person's language, not 500s (outage.py).
    "peersupport.outage.OutageMiddleware",
    # Django's, telling a database outage at the session's save from a deleted session.
    "peersupport.outage.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified once the second factor was given in this session.
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a signed-in user unless marked otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Wrong NOTE_ENCRYPTION_KEYS: signed-in pages answer 503 naming the setting.
    "peersupport.key_check.KeyCheckMiddleware",
    "peersupport.middleware.PasswordChangeRequiredMiddleware",
    # After the temporary password: sends to the second factor's step or enrolment.
    "accounts.two_factor_middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After messages and htmx: ends idle or too-old sessions (session_limits.py).
    "peersupport.session_limits.SessionLimitsMiddleware",
    # A form sent twice (double tap, retry) creates one thing: see submissions.py.
    "peersupport.submissions.SubmissionMiddleware",
    "peersupport.middleware.AuditContextMiddleware",
    # Last, as django-axes asks, so it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peersupport.urls"
WSGI_APPLICATION = "peersupport.wsgi.application"

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
                "csp.context_processors.nonce",
                "peersupport.context_processors.abilities",
                "peersupport.context_processors.navigation",
                "interventions.context_processors.notifications",
                "logbook.context_processors.logbook",
            ],
        },
    },
]

# SQLite by default so that `make run` needs nothing installed; PostgreSQL in
# production and in CI (DATABASE_URL=postgres://...).
DATABASES = {
    "default": _read("DATABASE_URL", env.db_url, default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
SUPPORTED_DATABASE_ENGINES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}
if DATABASES["default"].get("ENGINE") not in SUPPORTED_DATABASE_ENGINES:
    raise ImproperlyConfigured(
        "DATABASE_URL must start with sqlite:// or postgres:// (PostgreSQL in production)."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "peersupport.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions (peersupport/session_limits.py): phones get lost and clinic
# computers are shared. The server ends a session after SESSION_IDLE_MINUTES
# without anything the person did (a page polling on its own does not count),
# and SESSION_ABSOLUTE_HOURS after sign-in whatever they do. Pages warn
# SESSION_WARNING_SECONDS before the idle end and offer to stay signed in.
SESSION_IDLE_SECONDS = _int_at_least("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_ABSOLUTE_SECONDS = _int_at_least("SESSION_ABSOLUTE_HOURS", 12, minimum=1) * 3600
SESSION_WARNING_SECONDS = 120
# The cookie outlives the idle limit, so the server, which keeps the time, can
# still tell the person why their session ended; never the absolute one.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# Saved only when it changes: each real request writes its time into the
# session (saving it and renewing the cookie), a background request does not.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): after five failures for one username from
# one address, that pair is locked out for a while.
AXES_FAILURE_LIMIT = _int_at_least("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = _int_at_least("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client address (peersupport/client_address.py): PROXY_COUNT is the number
# of reverse proxies in front of the app. 0 reads only the socket's address;
# N trusts the N right-most hops of X-Forwarded-For, so an entry a client
# forges on the left is never believed. Lock-outs, the audit trail and the
# record of sign-ins all read the address through this one function.
PROXY_COUNT = _int_at_least("PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "peersupport.client_address.client_address"

# Languages: French and English throughout. LANGUAGE_CODE is the fallback
# when the browser asks for neither.
LANGUAGE_CODE = _read("LANGUAGE_CODE", env.str, default="en")
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
if LANGUAGE_CODE.split("-")[0] not in dict(LANGUAGES):
    raise ImproperlyConfigured("LANGUAGE_CODE must be 'en' or 'fr'.")
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style on every page, per language (see peersupport/formats).
FORMAT_MODULE_PATH = ["peersupport.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = _read("TIME_ZONE", env.str, default="America/Toronto")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone.") from exc

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# In development whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy (django-csp): nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws some of its icons (selects, close buttons) as data: SVGs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Production safety: `manage.py check --deploy` is clean with these.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _strict_bool("SECURE_SSL_REDIRECT", default=True)
    # The load balancer's health probe often speaks plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = _int_at_least("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _strict_bool("SECURE_HSTS_PRELOAD", default=True)
    if _strict_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# People served: an open file with no contact for this many days shows as inactive.
CLIENT_INACTIVE_AFTER_DAYS = _int_at_least("CLIENT_INACTIVE_AFTER_DAYS", 90, minimum=1)
# The home page names the people on one's care teams not seen for this many days,
# well before their file turns inactive, so that someone goes looking for them.
PEOPLE_NOT_SEEN_DAYS = _int_at_least("PEOPLE_NOT_SEEN_DAYS", 21, minimum=1)
# A partner's service status not updated in this many days is marked stale.
PARTNER_STATUS_STALE_DAYS = _int_at_least("PARTNER_STATUS_STALE_DAYS", 14, minimum=1)
# Counts across the whole programme (the coordinator's overview and the
# programme-wide consents card of their home) are kept this many seconds
# (peersupport/kept_counts.py); the overview says when they were counted and
# counts again on request. 0 counts at every request.
KEPT_COUNTS_SECONDS = _int_at_least("KEPT_COUNTS_SECONDS", 300, minimum=0)

# Django's cache holds the logbook matrix's kept counts (logbook/selectors.py):
# the memory of each server process, nothing shared between processes or
# written to disk. The programme-wide counts keep their own store
# (peersupport/kept_counts.py), which does not pickle them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "peersupport",
    }
}

# Note bodies and every other free text about a person (peersupport.fields) are
# encrypted at rest with keys of their own, never SECRET_KEY. The first key
# encrypts; every key decrypts, so a new key can be put first and
# `manage.py rotate_note_keys` re-encrypts every encrypted column before the old
# one is dropped. Keys that do not read the stored key check or rows close the
# confidential pages with a 503 (peersupport.key_check), never corrupt them.
_DEVELOPMENT_NOTE_KEY = "ZGV2ZWxvcG1lbnQtb25seS1ub3RlLWtleS0wMDAwMDA="
NOTE_ENCRYPTION_KEYS = _read(
    "NOTE_ENCRYPTION_KEYS", env.list, default=[_DEVELOPMENT_NOTE_KEY] if DEBUG else []
)
if not NOTE_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "NOTE_ENCRYPTION_KEYS is required when DJANGO_DEBUG is off (a comma-separated list of "
        "Fernet keys; make one with: python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())')."
    )
try:
    from cryptography.fernet import Fernet

    for _key in NOTE_ENCRYPTION_KEYS:
        Fernet(_key)
except (ValueError, TypeError) as exc:
    raise ImproperlyConfigured(
        "NOTE_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)."
    ) from exc
if not DEBUG and _DEVELOPMENT_NOTE_KEY in NOTE_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("NOTE_ENCRYPTION_KEYS must not contain the development key.")

# Research exports: the key of the pseudonyms and date shifts. Another key gives
# other pseudonyms, so keep it to link exports, change it to unlink them.
RESEARCH_PSEUDONYM_KEY = env.str(
    "RESEARCH_PSEUDONYM_KEY", default="development-only-research-key" if DEBUG else ""
)
if not RESEARCH_PSEUDONYM_KEY or (not DEBUG and len(RESEARCH_PSEUDONYM_KEY) < 32):
    raise ImproperlyConfigured(
        "RESEARCH_PSEUDONYM_KEY is required when DJANGO_DEBUG is off (32 characters or more)."
    )

# The safety exception: how long an emergency access to one person's notes lasts.
EMERGENCY_ACCESS_MINUTES = _int_at_least("EMERGENCY_ACCESS_MINUTES", 60, minimum=1)

# Two-factor sign-in (django-otp; accounts/two_factor.py). Whoever has set it
# up is always asked for a code after their password. It is required of
# coordinators, of those who may open the safety exception and of those who
# export research data (TWO_FACTOR_REQUIRED_FOR_ROLES), and of every account
# when TWO_FACTOR_REQUIRED_FOR_ALL is on. Both are on unless DJANGO_DEBUG is:
# the `make run` demo lets its accounts sign in with the password alone. The
# roles' rule may be turned off only in development.
TWO_FACTOR_REQUIRED_FOR_ROLES = _strict_bool("TWO_FACTOR_REQUIRED_FOR_ROLES", default=not DEBUG)
if not DEBUG and not TWO_FACTOR_REQUIRED_FOR_ROLES:
    raise ImproperlyConfigured(
        "TWO_FACTOR_REQUIRED_FOR_ROLES may be off only when DJANGO_DEBUG is on: coordinators, "
        "the safety exception and research exports always need a second factor in production."
    )
TWO_FACTOR_REQUIRED_FOR_ALL = _strict_bool("TWO_FACTOR_REQUIRED_FOR_ALL", default=not DEBUG)
# The name authenticator apps show beside the username.
OTP_TOTP_ISSUER = _read("TWO_FACTOR_ISSUER", env.str, default="Peer support")
# django-otp's throttling of wrong codes, per device: after n failures the next
# try waits 2^(n-1) seconds (1, 2, 4 ... 512 s after ten).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# The audit trail (django-auditlog): who changed what, from which address.
AUDITLOG_INCLUDE_TRACKING_MODELS = ()
AUDITLOG_DISABLE_REMOTE_ADDR = False

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"outage": {"()": "peersupport.outage.DropOutageTracebacks"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # A request the database failed is logged once by peersupport.outage.
        "django.request": {"filters": ["outage"]},
        # Axes logs every attempt at INFO; warnings are enough in the console.
        "axes": {"level": "WARNING"},
    },
}
