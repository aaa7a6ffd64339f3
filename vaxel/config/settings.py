"""One settings module for every environment, driven by environment variables.

DATABASE_URL chooses the database (default: SQLite in the data folder, WAL mode).
VAXEL_DEBUG=1 turns on debug; without it VAXEL_SECRET_KEY is required.
"""

import os
import secrets
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("VAXEL_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)

DEBUG = os.environ.get("VAXEL_DEBUG", "") == "1"
_TESTING = "pytest" in sys.modules


def _data_folder_key(folder: Path, name: str = "secret_key") -> str:
    """A random key made once and kept in the data folder (readable by its owner only), for
    a development server, the command line and the tests: never a literal anyone can read."""
    path = folder / name
    if not path.exists():
        made = folder / f".{name}.{os.getpid()}"
        descriptor = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50))
        try:
            os.link(made, path)  # atomic: of two processes starting at once, one key wins
        except FileExistsError:
            pass
        finally:
            made.unlink()
    return path.read_text().strip()


SECRET_KEY = os.environ.get("VAXEL_SECRET_KEY", "")
if not SECRET_KEY:
    # A production server must be given its key; the others make one in the data folder.
    if not (DEBUG or _TESTING or os.environ.get("VAXEL_CLI") == "1"):
        raise ImproperlyConfigured(
            "VAXEL_SECRET_KEY is not set. Set it to a long random string, "
            "or set VAXEL_DEBUG=1 for a local development server."
        )
    SECRET_KEY = _data_folder_key(DATA_DIR)

ALLOWED_HOSTS = [h for h in os.environ.get("VAXEL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic",  # before staticfiles: its checks, and runserver without its own static serving
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "vaxel.core",
    "vaxel.directory",
    "vaxel.availability",
    "vaxel.routing",
    "vaxel.audit",
    "vaxel.access",
    "vaxel.servicelevels",
    "vaxel.messaging",
    "vaxel.mobiles",
    "vaxel.telephony",
    "vaxel.console",
    "vaxel.calendars",
    "vaxel.compliance",
    "vaxel.selfservice",
    "vaxel.records",
    "vaxel.accessibility",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every GET and 304 on If-None-Match: an intranet mirrors the directory cheaply.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language a signed-in user chose (sv/en), over the browser's; what callers hear
    # stays in the organisation's language whatever the pages are in (core/language.py).
    "vaxel.access.middleware.UserLanguageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into a clear "too many attempts" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vaxel.config.urls"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/start/"  # each role's own page
LOGOUT_REDIRECT_URL = "/login/"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "vaxel.core.language.languages",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vaxel.access.oidc.sign_in_context",
            ],
        },
    },
]
WSGI_APPLICATION = "vaxel.config.wsgi.application"
ASGI_APPLICATION = "vaxel.config.asgi.application"


def _database_config() -> dict[str, Any]:
    default_sqlite = f"sqlite:///{DATA_DIR / 'vaxel.sqlite3'}"
    config: dict[str, Any] = dict(
        # Tests close every connection after its request, so none outlives the test database.
        dj_database_url.parse(
            os.environ.get("DATABASE_URL", default_sqlite),
            conn_max_age=0 if _TESTING or _POOL_SIZE > 0 else 60,
        )
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers (the routing endpoint, the console) run beside a writer.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        config["CONN_MAX_AGE"] = 0
        # Tests: a file, not memory, so a real ASGI server thread (the console's live
        # stream) shares the test database like any other server process would.
        # One per test run, so two runs side by side never share it.
        config["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"vaxel-test-{os.getpid()}.sqlite3")}
    elif not _TESTING and _POOL_SIZE > 0:
        # PostgreSQL under ASGI: a connection pool per server process (psycopg_pool), each
        # request's connection back in it when the request ends. Persistent connections
        # (CONN_MAX_AGE) stay open per thread of sync_to_async's executors and piled up
        # to the server's limit (docs/operations.md, "Database connections").
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": _POOL_SIZE, "max_idle": 60, "timeout": 10},
        }
    return config


# Connections per process to PostgreSQL (0: no pool, a connection per request and thread).
_POOL_SIZE = int(os.environ.get("VAXEL_DB_POOL_SIZE", "8"))


DATABASES = {"default": _database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in: Argon2 password hashing; failed attempts throttled (django-axes: five wrong
# passwords for one user name from one address lock that pair for 15 minutes).
PRODUCTION_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS
if _TESTING:  # password hashing is slow on purpose; tests log in hundreds of times
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# Single sign-on with OpenID Connect (vaxel/access/oidc.py), on when a client id is set.
OIDC_RP_CLIENT_ID = os.environ.get("VAXEL_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("VAXEL_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("VAXEL_OIDC_AUTHORIZATION_URL", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("VAXEL_OIDC_TOKEN_URL", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("VAXEL_OIDC_USERINFO_URL", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("VAXEL_OIDC_JWKS_URL", "")
OIDC_RP_SIGN_ALGO = os.environ.get("VAXEL_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"
VAXEL_OIDC_NAME = os.environ.get("VAXEL_OIDC_NAME", "")
# The provider's issuer, as identities are kept (default: its authorization endpoint's
# origin); and whether its e-mail claims count as verified when it does not say so
# (only for a single-tenant provider whose e-mail addresses its administrators set).
VAXEL_OIDC_ISSUER = os.environ.get("VAXEL_OIDC_ISSUER", "")
VAXEL_OIDC_TRUST_EMAIL = os.environ.get("VAXEL_OIDC_TRUST_EMAIL", "") == "1"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("vaxel.access.oidc.VaxelOIDCBackend")
AXES_ENABLED = not _TESTING  # the tests that check throttling turn it on
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Cookies only over HTTPS outside development (set VAXEL_SECURE_COOKIES=0 behind a plain-HTTP intranet proxy).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG and os.environ.get("VAXEL_SECURE_COOKIES", "1") == "1"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
# HTTPS outside development: plain HTTP is redirected and browsers are told to use HTTPS
# only (HSTS). TLS is ended by the reverse proxy in front (docs/security.md), which is
# named in VAXEL_TRUSTED_PROXIES so its X-Forwarded-Proto is believed. The telephone
# system's own endpoints are asked over the internal network and are never redirected.
_HTTPS = not (DEBUG or _TESTING)
SECURE_SSL_REDIRECT = os.environ.get("VAXEL_SSL_REDIRECT", "1" if _HTTPS else "0") == "1"
SECURE_REDIRECT_EXEMPT = [r"^pbx/", r"^api/v1/(calls|call-events)/"]
SECURE_HSTS_SECONDS = int(os.environ.get("VAXEL_HSTS_SECONDS", "31536000" if _HTTPS else "0"))
# Växel's own host name and those below it (vaxel.kommun.se, *.vaxel.kommun.se), not the
# municipality's other sites.
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The browsers' preload list binds the whole registrable domain (all of kommun.se's
# sites) and cannot be taken back quickly: the municipality's choice, never Växel's.
SECURE_HSTS_PRELOAD = os.environ.get("VAXEL_HSTS_PRELOAD", "") == "1"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    # The vendored Swagger UI and ReDoc pages start themselves with an inline script.
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs/", "/api/v1/redoc/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# The organisation's language: what callers hear and the operator says to them (S1, E2,
# the announcements) is always in it; the pages follow each user's choice (sv/en, every
# page's footer), then the browser, then this.
LANGUAGE_CODE = os.environ.get("VAXEL_LANGUAGE", "sv")
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# The accessibility statement (/tillganglighet/, the DOS law): where to report a problem
# (an e-mail address or a few words; default: the switchboard's number) and the date the
# statement was last reviewed against the pages.
VAXEL_ACCESSIBILITY_CONTACT = os.environ.get("VAXEL_ACCESSIBILITY_CONTACT", "")
try:
    VAXEL_ACCESSIBILITY_REVIEWED = date.fromisoformat(
        os.environ.get("VAXEL_ACCESSIBILITY_REVIEWED", "2026-12-02")
    )
except ValueError as error:
    raise ImproperlyConfigured("VAXEL_ACCESSIBILITY_REVIEWED must be a date: YYYY-MM-DD.") from error
LOCALE_PATHS = [BASE_DIR / "vaxel" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
SERVESTATIC_USE_FINDERS = DEBUG

_RENDERERS = ["rest_framework.renderers.JSONRenderer"]
if DEBUG:
    _RENDERERS.append("rest_framework.renderers.BrowsableAPIRenderer")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "vaxel.access.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": _RENDERERS,
    "DEFAULT_PARSER_CLASSES": ["vaxel.core.api.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vaxel.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The client's address is REMOTE_ADDR, which the server set from a forwarded header
    # only when a trusted proxy sent it (VAXEL_TRUSTED_PROXIES); never X-Forwarded-For as sent.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_CLASSES": ["vaxel.access.throttles.PerClient", "vaxel.access.throttles.PerAddress"],
    "DEFAULT_THROTTLE_RATES": {
        "client": os.environ.get("VAXEL_API_RATE", "1200/min"),  # a token or a signed-in person
        "address": os.environ.get("VAXEL_API_ADDRESS_RATE", "3000/min"),  # everyone from one address
        "pbx": os.environ.get("VAXEL_API_PBX_RATE", "60000/min"),  # the telephone system's own tokens
    }
    if not _TESTING  # the suite sends thousands of requests; the throttle tests set their own
    else {"client": "1000000/min", "address": "1000000/min", "pbx": "1000000/min"},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Växel API",
    "DESCRIPTION": (
        "The switchboard and availability system's HTTP API. Times are ISO 8601 with offset "
        "(Europe/Stockholm); numbers are E.164 with a display form. Errors: "
        '{"error": {"id", "message", "details"}}.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "PATH_CONVERTER_OVERRIDES": {"id": int},  # vaxel.core.converters.RecordId
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "NumberKindEnum": "vaxel.directory.models.NumberKind",
        "MessageKindEnum": "vaxel.messaging.models.MessageKind",
        "MessageEventKindEnum": "vaxel.messaging.models.EventKind",
        "DestinationKindEnum": ["person", "switchboard", "voicemail"],
        "RecipientKindEnum": ["person", "unit"],
    },
}

# The region phone numbers are read in when written without a country code.
VAXEL_PHONE_REGION = os.environ.get("VAXEL_PHONE_REGION", "SE")

# Working time (E4, E5): callbacks are due within working hours; weekends, public
# holidays and the eves do not count.
VAXEL_WORKING_HOURS = os.environ.get("VAXEL_WORKING_HOURS", "mon-fri 08:00-17:00")
VAXEL_CALLBACK_WORKING_HOURS = int(os.environ.get("VAXEL_CALLBACK_WORKING_HOURS", "4"))
# Where e-mailed links point.
VAXEL_BASE_URL = os.environ.get("VAXEL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The daily digest of open messages, on working days at this Stockholm time.
VAXEL_DIGEST_AT = os.environ.get("VAXEL_DIGEST_AT", "07:30")
# Managers' weekly e-mails (a missed service level, the compliance summary), Mondays at this time.
VAXEL_WEEKLY_REPORT_AT = os.environ.get("VAXEL_WEEKLY_REPORT_AT", "07:00")

# E-mail over SMTP (Django's SMTP backend).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("VAXEL_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("VAXEL_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("VAXEL_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("VAXEL_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("VAXEL_SMTP_STARTTLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("VAXEL_SMTP_SSL", "") == "1"
EMAIL_TIMEOUT = 20
# How long a worker holds an e-mail it is sending (vaxel/messaging/outbox.py): an e-mail
# whose worker stopped mid-send is sent again after this.
VAXEL_OUTBOX_CLAIM_SECONDS = int(os.environ.get("VAXEL_OUTBOX_CLAIM_SECONDS", "60"))
# The first retry of an e-mail the SMTP server did not take; doubling, at most an hour.
VAXEL_OUTBOX_FIRST_RETRY_SECONDS = float(os.environ.get("VAXEL_OUTBOX_FIRST_RETRY_SECONDS", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("VAXEL_MAIL_FROM", "vaxel@localhost")

# Jobs: huey, on SQLite beside the database by default, on Redis at scale (VAXEL_REDIS_URL).
_REDIS_URL = VAXEL_REDIS_URL = os.environ.get("VAXEL_REDIS_URL", "")
# The cache holds the API's throttle counts, shared by every server process: on Redis at
# scale, in the data folder otherwise; each test process has its own in memory.
CACHES: dict[str, dict[str, Any]]
if _TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif _REDIS_URL:  # counted per process while Redis is down (vaxel/core/cache.py)
    CACHES = {
        "default": {
            "BACKEND": "vaxel.core.cache.ResilientRedisCache",
            "LOCATION": _REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
# Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or
# networks, comma-separated); from anyone else those headers are ignored.
VAXEL_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("VAXEL_TRUSTED_PROXIES", "").split(",") if p.strip()
]
# Live updates to the consoles (vaxel/core/live.py): redis, postgres or memory; chosen
# from VAXEL_REDIS_URL and the database when not set.
VAXEL_LIVE_BACKEND = os.environ.get("VAXEL_LIVE_BACKEND", "")
# Calendars (vaxel/calendars): how often a feed is read, how far ahead, and when an
# absence "until further notice" is questioned.
VAXEL_CALENDAR_SYNC_SECONDS = int(os.environ.get("VAXEL_CALENDAR_SYNC_SECONDS", "110"))
VAXEL_CALENDAR_DAYS_AHEAD = int(os.environ.get("VAXEL_CALENDAR_DAYS_AHEAD", "60"))
# Fernet keys that seal secrets kept at rest (CalDAV passwords), comma-separated, newest
# first; without them a key is derived from VAXEL_SECRET_KEY (vaxel/core/sealed.py).
VAXEL_DATA_KEY = os.environ.get("VAXEL_DATA_KEY", "")
# Calendars are read only from public internet addresses; these hosts (e.g. the
# organisation's own Exchange or CalDAV server) are allowed as well.
VAXEL_CALENDAR_ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("VAXEL_CALENDAR_ALLOWED_HOSTS", "").split(",") if h.strip()
]
# The most occurrences one calendar may have in its window: a feed that repeats every
# second is refused rather than expanded.
VAXEL_CALENDAR_MOST_EVENTS = int(os.environ.get("VAXEL_CALENDAR_MOST_EVENTS", "2000"))
VAXEL_OPEN_ABSENCE_NUDGE_HOURS = int(os.environ.get("VAXEL_OPEN_ABSENCE_NUDGE_HOURS", "72"))
VAXEL_CALENDAR_REASON_WORDS = os.environ.get("VAXEL_CALENDAR_REASON_WORDS", "")
# Work mobiles (W1): who blocks a lost or stolen subscription (the IT service desk, the
# mobile operator's business contact), comma-separated e-mail addresses, checked by
# vaxel/mobiles at start; and how soon it must be blocked before the compliance report says so.
VAXEL_MOBILE_BLOCK_EMAILS = [
    a.strip() for a in os.environ.get("VAXEL_MOBILE_BLOCK_EMAILS", "").split(",") if a.strip()
]
VAXEL_MOBILE_BLOCK_WITHIN_HOURS = int(os.environ.get("VAXEL_MOBILE_BLOCK_WITHIN_HOURS", "4"))
# The routine's conduct rules for work mobiles (W3, E9, P1) as the organisation words them,
# shown on Min sida; empty: Växel's Swedish default (vaxel/mobiles/conduct.py).
VAXEL_MOBILE_CONDUCT_TEXT = os.environ.get("VAXEL_MOBILE_CONDUCT_TEXT", "")
# Where calls come from and are put through: "simulator" until a PBX is connected.
VAXEL_TELEPHONY_DRIVER = os.environ.get("VAXEL_TELEPHONY_DRIVER", "simulator")
# The PBX endpoint (/pbx/route/): where calls are sent on (host[:port] of the PBX or trunk),
# the announcement/voicemail endpoint, and whether a shared number's members ring at once.
VAXEL_PBX_GATEWAY = os.environ.get("VAXEL_PBX_GATEWAY", "pbx.invalid")
VAXEL_MEDIA_HOST = os.environ.get("VAXEL_MEDIA_HOST", "127.0.0.1:5080")
# Who may send the media endpoint calls, and receive its RTP: Kamailio, the PBX or trunk
# that follows its redirects, rtpengine. Addresses or networks, comma-separated.
VAXEL_MEDIA_PEERS = os.environ.get("VAXEL_MEDIA_PEERS", "127.0.0.1")
VAXEL_PBX_FORK = os.environ.get("VAXEL_PBX_FORK", "parallel")
# The queue at the media endpoint (docs/console.md, "The queue"): every so many seconds a
# caller hears their place and expected wait again; from this expected or waited time on
# they may press 1 to be called back keeping their place (0: never offered), and an
# operator tries so many times before the callback is given up.
VAXEL_QUEUE_ANNOUNCE_SECONDS = float(os.environ.get("VAXEL_QUEUE_ANNOUNCE_SECONDS", "30"))
VAXEL_QUEUE_CALLBACK_SECONDS = int(os.environ.get("VAXEL_QUEUE_CALLBACK_SECONDS", "120"))
VAXEL_QUEUE_CALLBACK_ATTEMPTS = int(os.environ.get("VAXEL_QUEUE_CALLBACK_ATTEMPTS", "3"))
# Records and retention (docs/records.md). Voicemail is recorded only when turned on;
# callers are then told so, and for how long the recording is kept.
VAXEL_VOICEMAIL_RECORDING = os.environ.get("VAXEL_VOICEMAIL_RECORDING", "off").lower() in ("1", "on", "yes")
# Retention rules over the defaults, "kind=days:action,…" (voicemail_recording=30:delete);
# the admin's rules (Records and retention) win once made. Classification defaults
# "callback=temporary,information=public_record,internal=working_material".
VAXEL_RETENTION = os.environ.get("VAXEL_RETENTION", "")
VAXEL_CLASSIFICATION = os.environ.get("VAXEL_CLASSIFICATION", "")
# The nightly thinning (gallring): from this Stockholm time, in batches of this many rows,
# each batch its own short transaction so the PBX endpoint is never kept waiting.
VAXEL_THINNING_AT = os.environ.get("VAXEL_THINNING_AT", "02:30")
VAXEL_THINNING_BATCH = int(os.environ.get("VAXEL_THINNING_BATCH", "5000"))
# The directory from LDAP/Active Directory on the job queue (docs/directory.md): every
# this many minutes, when VAXEL_LDAP_URL and the other VAXEL_LDAP_* are set; 0: never.
VAXEL_LDAP_SYNC_MINUTES = int(os.environ.get("VAXEL_LDAP_SYNC_MINUTES", "0"))
# With VAXEL_TELEPHONY_DRIVER=kamailio, the switchboard's own telephone (docs/telephony.md):
# the SIP domain the consoles register in, Kamailio's WebSocket, and the secret Kamailio's
# auth_ephemeral shares with Växel to check the consoles' minted credentials.
VAXEL_SIP_DOMAIN = os.environ.get("VAXEL_SIP_DOMAIN", "127.0.0.1")
VAXEL_SIP_WS_URL = os.environ.get("VAXEL_SIP_WS_URL", "ws://127.0.0.1:8088")
VAXEL_SIP_SECRET = os.environ.get("VAXEL_SIP_SECRET", "") or _data_folder_key(DATA_DIR, "sip_secret")
VAXEL_SIP_CREDENTIALS_SECONDS = int(os.environ.get("VAXEL_SIP_CREDENTIALS_SECONDS", str(12 * 3600)))
# How long a call put through rings before it comes back to the operator (a recall),
# unless its unit or shared number says otherwise; 0 turns recalls off.
VAXEL_TRANSFER_RING_SECONDS = int(os.environ.get("VAXEL_TRANSFER_RING_SECONDS", "20"))
# Overflow: where callers waiting at the switchboard go on to (another switchboard, a
# colleague group: a number) when no operator's console is open, more than
# VAXEL_OVERFLOW_QUEUE_LENGTH wait, or one has waited VAXEL_OVERFLOW_AFTER_SECONDS.
# "voicemail": the switchboard's voicemail, where the caller leaves a message the
# operators see in the queue (S2; needs VAXEL_VOICEMAIL_RECORDING=on, else callers keep
# waiting and are offered a callback). Empty: no overflow (callers wait until answered
# or they hang up).
VAXEL_OVERFLOW_TO = os.environ.get("VAXEL_OVERFLOW_TO", "")
VAXEL_OVERFLOW_QUEUE_LENGTH = int(os.environ.get("VAXEL_OVERFLOW_QUEUE_LENGTH", "0")) or None
VAXEL_OVERFLOW_AFTER_SECONDS = int(os.environ.get("VAXEL_OVERFLOW_AFTER_SECONDS", "0")) or None
# How long a parked call waits before it rings the operator who parked it again.
VAXEL_PARK_SECONDS = int(os.environ.get("VAXEL_PARK_SECONDS", "120"))
# Where the media endpoint sends its in-dialog requests (REFER, BYE): Kamailio.
VAXEL_SIP_PROXY = os.environ.get("VAXEL_SIP_PROXY", "127.0.0.1:5060")
HUEY = {
    "name": "vaxel",
    "immediate": _TESTING,
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if _REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "huey.sqlite3")})

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No log line carries a phone number's digits (S3), whichever library writes it.
    # and an outage (Redis down) is said once, not as a traceback per attempt.
    "filters": {
        "no_phone_numbers": {"()": "vaxel.core.logs.HidePhoneNumbers"},
        "outages_once": {"()": "vaxel.core.outage.OutageLogFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["outages_once", "no_phone_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("VAXEL_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # The job worker's own log through the same filters (huey adds a handler of its
        # own to a "huey" logger that has none).
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
