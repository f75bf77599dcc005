"""Settings for every deployment, read from environment variables.

Safe production defaults: DEBUG off, secure cookies when served over HTTPS,
hosts limited to localhost unless ALLOWED_HOSTS says otherwise. The embedded
default database is SQLite under ``var/``; set DATABASE_URL for PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from motcua.settings.env import env_bool, env_int, env_list, env_networks, env_str, secret_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("MOTCUA_DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR, debug=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The project's apps come first: for a text both they and a third-party app
    # translate, Django shows the first app's Vietnamese (and its templates and
    # commands win the same way). test_translations checks what is shown.
    "motcua.core",
    "motcua.org",
    "motcua.workdays",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.portal",
    "motcua.indices",
    "motcua.citizens",
    "motcua.feedback",
    "motcua.outreach",
    "motcua.initiatives",
    "motcua.parindex",
    "motcua.contests",
    "motcua.quizzes",
    "motcua.api",
    "motcua.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The API docs page and swagger-ui's files come from django-ninja's templates and
    # static files, so /api/v1/docs loads nothing from a CDN (CONTENT_SECURITY_POLICY).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "motcua.core.middleware.SessionIdleMiddleware",
    "motcua.core.middleware.PrivateCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.menu.staff_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'motcua.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Send parameters separately instead of quoting them in Python (psycopg's
    # client-side binding), and let psycopg prepare statements it sees often.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", True)
    # Django turns psycopg's prepared statements off unless told; a statement
    # run this many times on one connection is prepared once and then only
    # executed (about a third of PostgreSQL's work on the intake path).
    # 0 turns it off again (needed behind a transaction-pooling PgBouncer
    # older than 1.21).
    threshold = env_int("DB_PREPARE_THRESHOLD", 5)
    options["prepare_threshold"] = threshold if threshold > 0 else None
SILENCED_SYSTEM_CHECKS: list[str] = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The indices' covering index (INCLUDE columns) is a PostgreSQL feature; on
    # SQLite it is a plain index, and Django would say so before every command.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing on lock upgrade.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff passwords: at least MOTCUA_PASSWORD_MIN_LENGTH characters, not one of
# Django's list of about 20,000 common passwords, not all digits, not close
# to the user's name or e-mail. The admin and the password-change page
# check them (Django's validators).
MOTCUA_PASSWORD_MIN_LENGTH = env_int("MOTCUA_PASSWORD_MIN_LENGTH", 12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "motcua.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": MOTCUA_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Staff land on their queue (or what their roles allow); leaders and reform officers on the
# dashboard (indices.views.landing).
LOGIN_REDIRECT_URL = "indices:landing"
LOGOUT_REDIRECT_URL = "home"

# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR
# networks); empty: the peer address is the client (motcua.core.net).
MOTCUA_TRUSTED_PROXIES = env_networks("MOTCUA_TRUSTED_PROXIES", [])

# Sign-in lockout (motcua.core.lockout): failures of one username from one
# address, and failures from one address whatever the username, within the
# cool-off time. Wrong one-time codes count like wrong passwords.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
MOTCUA_LOGIN_FAILURES_PER_ADDRESS = env_int("MOTCUA_LOGIN_FAILURES_PER_ADDRESS", 20)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "motcua.core.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "motcua.core.net.client_bucket"
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"

# Sessions end after this many minutes without a request, and when the
# browser closes (counter PCs are shared).
MOTCUA_SESSION_IDLE_MINUTES = env_int("MOTCUA_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = MOTCUA_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Answers under these paths are never stored by a cache (the API carries
# personal data with a token, no session); answers to signed-in users never are either.
MOTCUA_PRIVATE_PATHS = env_list("MOTCUA_PRIVATE_PATHS", ["/api/", "/admin/"])
# Except these anonymous, cacheable API paths (the public lookup sets its own headers).
MOTCUA_PUBLIC_API_PATHS = env_list("MOTCUA_PUBLIC_API_PATHS", ["/api/v1/public/"])

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["motcua.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "motcua.core.tasks.DatabaseBackend"}}
# The database task backend writes its row in the caller's transaction, so a
# task enqueued there is seen by the worker only after the commit. Backends
# that run at once (tests) must wait for the commit instead.
MOTCUA_TASKS_ENQUEUE_IN_TRANSACTION = True

# The cache every process shares (rate limits): Redis when REDIS_URL is set,
# else a table of the database (created by migrate). See motcua.core.sharedcache.
REDIS_URL = env_str("REDIS_URL", "")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "motcua")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "motcua.core.sharedcache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "motcua.core.sharedcache.DatabaseCache",
            "LOCATION": "motcua_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000)},
        }
    }

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Motcua -----------------------------------------------------------------
# Deployment defaults for the working calendar (DESIGN.md, deadline convention).
MOTCUA_WORK_SESSIONS = env_str("MOTCUA_WORK_SESSIONS", "07:00-11:30,13:30-17:00")
MOTCUA_CUTOFF = env_str("MOTCUA_CUTOFF", "15:00")
# The cut-off always moves a same-day result received after it to the next working day;
# True makes it move D0 of limits of one working day or more too (provincial rules that say
# so). Off by default: the law's 15:00 rule is about handing paper dossiers over.
MOTCUA_CUTOFF_DAY_LIMITS = env_bool("MOTCUA_CUTOFF_DAY_LIMITS", False)
# Seconds a process keeps its loaded calendars before it reads them again.
MOTCUA_CALENDAR_TTL = env_int("MOTCUA_CALENDAR_TTL", 60)
# Dossier code (DOMAIN.md §3): "{agency}-{date:%y%m%d}-{seq:04d}" is the common
# provincial form; the TT 04/2025 variant for centrally hosted systems is
# "{agency}-{date:%y%m%d}-{system}{seq:04d}" with MOTCUA_DOSSIER_CODE_SYSTEM.
MOTCUA_DOSSIER_CODE_PATTERN = env_str(
    "MOTCUA_DOSSIER_CODE_PATTERN", "{agency}-{date:%y%m%d}-{seq:04d}"
)
MOTCUA_DOSSIER_CODE_SYSTEM = env_str("MOTCUA_DOSSIER_CODE_SYSTEM", "")
# Roles that sign a decision, an apology (Mẫu 04) and a further supplement
# request; a procedure's workflow must contain a step for one of them.
MOTCUA_DECISION_ROLES = env_list("MOTCUA_DECISION_ROLES", ["agency_leader", "commune_leader"])
# Second factor (TOTP, django-otp): required at sign-in for superusers, users
# of the admin site and the holders (today) of these roles: the decision
# roles, the centre director and the administrator; optional for the others.
MOTCUA_SECOND_FACTOR_ROLES = env_list(
    "MOTCUA_SECOND_FACTOR_ROLES", [*MOTCUA_DECISION_ROLES, "centre_director", "administrator"]
)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Motcua")
# django-otp slows down a device after each wrong code, for everyone: whoever
# knows a password could then keep its owner out for hours. Wrong codes
# count in the lockout instead, per username and address and per address.
OTP_TOTP_THROTTLE_FACTOR = env_int("OTP_TOTP_THROTTLE_FACTOR", 0)
# Form numbering: "tt03_2025" (Forms 01–07, default) or "tt01_2018" (Forms 01–06).
MOTCUA_FORM_NUMBERING = env_str("MOTCUA_FORM_NUMBERING", "tt03_2025")
# Suffixes of the slips a desk numbers in its own yearly register ("12/PBS"):
# guidance at the counter (Mẫu 02) and a refusal at the counter (Mẫu 03).
# Defaults from 2025 templates (DOMAIN.md §2.1); Thanh Hóa uses "HDHS" for guidance.
MOTCUA_GUIDANCE_SLIP_SUFFIX = env_str("MOTCUA_GUIDANCE_SLIP_SUFFIX", "PBS")
MOTCUA_REFUSAL_SLIP_SUFFIX = env_str("MOTCUA_REFUSAL_SLIP_SUFFIX", "PTC")
# Alerts: a dossier or step due within this many working hours is "due soon".
MOTCUA_DUE_SOON_WORKING_HOURS = env_int("MOTCUA_DUE_SOON_WORKING_HOURS", 8)
# SMS through an HTTP gateway: POST JSON {"to", "message"}; empty URL = no SMS.
MOTCUA_SMS_GATEWAY_URL = env_str("MOTCUA_SMS_GATEWAY_URL", "")
MOTCUA_SMS_GATEWAY_TOKEN = env_str("MOTCUA_SMS_GATEWAY_TOKEN", "")
MOTCUA_SMS_TIMEOUT = env_int("MOTCUA_SMS_TIMEOUT", 10)
# Seconds a worker holds a message it is sending; if it dies, the next worker
# to run resumes the message then (docs/deploy.md, delivery guarantee). Keep
# it above MOTCUA_SMS_TIMEOUT and EMAIL_TIMEOUT (check motcua.notifications.W001).
MOTCUA_NOTIFICATION_LEASE = env_int("MOTCUA_NOTIFICATION_LEASE", 30)
# Public site address used in QR codes and messages.
MOTCUA_PUBLIC_URL = env_str("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "motcua@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a silent mail server is given up (Django waits forever by default).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# SMS templates are written with full diacritics; most brand-name SMS gateways
# bill a Unicode message per 70 characters, so the text is sent without marks
# unless this is turned off.
MOTCUA_SMS_ASCII = env_bool("MOTCUA_SMS_ASCII", True)
# Seconds a process keeps reference data (units, procedure versions) it read;
# a change saved in the same process drops the caches at once.
MOTCUA_REFERENCE_TTL = env_int("MOTCUA_REFERENCE_TTL", 60)
# Log book exports (Excel, PDF) of more rows than this are built by the background
# worker and fetched when ready (the PDF takes about 7 ms a row); the files are kept
# this many hours, then `motcua periodic` deletes them.
MOTCUA_LOGBOOK_EXPORT_INLINE_ROWS = env_int("MOTCUA_LOGBOOK_EXPORT_INLINE_ROWS", 300)
MOTCUA_LOGBOOK_EXPORT_KEEP_HOURS = env_int("MOTCUA_LOGBOOK_EXPORT_KEEP_HOURS", 24)
# Uploads (motcua.core.uploads): PDF, JPEG and PNG only, judged by content.
# The largest file in bytes; pictures above this many pixels are refused; JPEG
# pictures are re-encoded (metadata stripped) at this quality.
MOTCUA_UPLOAD_MAX_BYTES = env_int("MOTCUA_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
MOTCUA_UPLOAD_MAX_PIXELS = env_int("MOTCUA_UPLOAD_MAX_PIXELS", 50_000_000)
MOTCUA_UPLOAD_JPEG_QUALITY = env_int("MOTCUA_UPLOAD_JPEG_QUALITY", 88)
# Citizens' sign-in by one-time code (motcua.citizens.codes): a code lives this
# many seconds and allows this many wrong tries; at most this many codes per
# phone or e-mail address and per client address within the window (seconds).
MOTCUA_SIGN_IN_CODE_TTL = env_int("MOTCUA_SIGN_IN_CODE_TTL", 600)
MOTCUA_SIGN_IN_CODE_ATTEMPTS = env_int("MOTCUA_SIGN_IN_CODE_ATTEMPTS", 5)
MOTCUA_SIGN_IN_CODES_PER_DESTINATION = env_int("MOTCUA_SIGN_IN_CODES_PER_DESTINATION", 3)
MOTCUA_SIGN_IN_CODES_PER_ADDRESS = env_int("MOTCUA_SIGN_IN_CODES_PER_ADDRESS", 10)
MOTCUA_SIGN_IN_CODE_WINDOW = env_int("MOTCUA_SIGN_IN_CODE_WINDOW", 3600)
# Citizens' OpenID Connect sign-in (VNeID, provincial SSO; motcua.citizens.oidc):
# on when OIDC_RP_CLIENT_ID is set. The endpoints are the provider's; the ID
# token must be signed (RS256 by default, keys from the JWKS endpoint) and name
# this client as its audience, and MOTCUA_OIDC_ISSUER as its issuer when set.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "citizens:oidc_callback"
MOTCUA_OIDC_ISSUER = env_str("MOTCUA_OIDC_ISSUER", "")
MOTCUA_OIDC_PROVIDER_NAME = env_str("MOTCUA_OIDC_PROVIDER_NAME", "VNeID")
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("motcua.citizens.oidc.CitizenOIDCBackend")
# Public dossier look-ups allowed per client address and minute (codes are sequential);
# 0 switches the limit off (a benchmark, or a proxy in front that limits).
MOTCUA_LOOKUP_PER_MINUTE = env_int("MOTCUA_LOOKUP_PER_MINUTE", 30)
# Tries of "code + last four digits of the applicant's telephone" (which shows the
# dossier's history): per client address and hour, and wrong tries per dossier and hour
# (4 digits are 10,000 guesses; the second limit stops many addresses sharing the work).
MOTCUA_LOOKUP_PHONE_TRIES_PER_HOUR = env_int("MOTCUA_LOOKUP_PHONE_TRIES_PER_HOUR", 10)
MOTCUA_LOOKUP_PHONE_FAILURES_PER_DOSSIER = env_int("MOTCUA_LOOKUP_PHONE_FAILURES_PER_DOSSIER", 10)
# Seconds a shared cache (a provincial portal's proxy, a CDN) may keep a JSON look-up
# answer without history; answers with history are never cached.
MOTCUA_LOOKUP_MAX_AGE = env_int("MOTCUA_LOOKUP_MAX_AGE", 60)
# The largest declaration form (tờ khai) file attached to a procedure version.
MOTCUA_DECLARATION_FORM_MAX_BYTES = env_int("MOTCUA_DECLARATION_FORM_MAX_BYTES", 5_000_000)
# Audit log (docs/deploy.md, "Audit log"). Keys that seal the records, comma-separated:
# the first seals new records, the others only verify older ones. Without the
# variable the keys live in MOTCUA_AUDIT_KEY_FILE, one per line, generated on first use.
MOTCUA_AUDIT_KEYS = env_list("MOTCUA_AUDIT_KEYS", [])
MOTCUA_AUDIT_KEY_FILE = DATA_DIR / "audit_keys"
# The append-only file of chain heads written by `motcua audit checkpoint` (and periodic).
MOTCUA_AUDIT_CHECKPOINT_FILE: Path | None = Path(
    env_str("MOTCUA_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.jsonl"))
)
# Feedback (motcua.feedback). Days a rating link in the return message stays valid;
# seconds a kiosk waits for the citizen's taps before it resets itself.
MOTCUA_FEEDBACK_LINK_DAYS = env_int("MOTCUA_FEEDBACK_LINK_DAYS", 30)
MOTCUA_FEEDBACK_KIOSK_SECONDS = env_int("MOTCUA_FEEDBACK_KIOSK_SECONDS", 300)
# Roles that follow up unhappy ratings and handle PAKN on a unit (and below it).
MOTCUA_FEEDBACK_DIRECTOR_ROLES = env_list(
    "MOTCUA_FEEDBACK_DIRECTOR_ROLES", ["centre_director", "commune_leader"]
)
# Roles that read the feedback figures, lists and exports of a unit.
MOTCUA_FEEDBACK_READER_ROLES = env_list(
    "MOTCUA_FEEDBACK_READER_ROLES",
    ["centre_director", "commune_leader", "reform_officer", "administrator"],
)
# Working days to answer a PAKN from its assignment [L: provincial rules differ].
MOTCUA_PAKN_ANSWER_DAYS = env_int("MOTCUA_PAKN_ANSWER_DAYS", 10)
# Roles that see and assign the PAKN sent from the portal without a dossier (no unit
# yet): the province's triage desk. A PAKN naming a dossier goes to the directors
# over that dossier's desk and agency instead; no one else sees the sender.
MOTCUA_PAKN_TRIAGE_ROLES = env_list("MOTCUA_PAKN_TRIAGE_ROLES", ["centre_director"])
# Public PAKN submissions and survey answers allowed per client address and hour.
MOTCUA_FEEDBACK_PUBLIC_PER_HOUR = env_int("MOTCUA_FEEDBACK_PUBLIC_PER_HOUR", 20)
