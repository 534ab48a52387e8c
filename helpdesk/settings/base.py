"""Every setting of the helpdesk, read from the environment.

Production behaviour follows from the environment (``DEBUG`` off by default), not from
a separate settings file. See docs/configuration.md for the variables.
https://docs.djangoproject.com/en/6.1/ref/settings/
"""

import base64
import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .environment import BASE_DIR, DEBUG, REDIS_URL, VAR_DIR, env

# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

# Secrets stored in the database (mailbox passwords, integration and webhook secrets) are
# encrypted with Fernet keys from HELPDESK_ENCRYPTION_KEYS (comma-separated, newest first;
# make one with `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
# Rotation: prepend a new key, run `manage.py secrets_reencrypt`, drop the old key.
HELPDESK_ENCRYPTION_KEYS = env.list("HELPDESK_ENCRYPTION_KEYS", default=[])
if not HELPDESK_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("HELPDESK_ENCRYPTION_KEYS must be set when DEBUG is off.")
    # Development only: a key derived from the development SECRET_KEY.
    HELPDESK_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"helpdesk.crypto:{SECRET_KEY}".encode()).digest()).decode()
    ]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    # Installed for its TOTP code and for the migration that moved its plain-text devices
    # into helpdesk.EncryptedTOTPDevice; its own table stays empty (its admin is removed).
    "django_otp.plugins.otp_totp",
    # Passkeys (WebAuthn) as a second factor: helpdesk/passkeys.py.
    "django_otp_webauthn",
    # Ours. "helpdesk" holds what is cross-cutting: surface access, the worker heartbeat.
    "helpdesk",
    "accounts",
    "tickets",
    "kb",
    "analytics",
    "integrations",
    # Personal-data rights: export, erasure, retention.
    "privacy",
    # The real-time desk: event streams (server-sent events under ASGI), presence.
    "live",
    # Live chat: the widget for the platform's pages and the desk's chat console.
    "chat",
    # Demo data (seed_demo): fills the apps above, which never import it.
    "demo",
]

MIDDLEWARE = [
    "helpdesk.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "helpdesk.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication, django-otp and messages: idle staff sessions, second factor.
    "helpdesk.middleware.StaffSessionMiddleware",
    "helpdesk.middleware.PrivateResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
ASGI_APPLICATION = "helpdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.surfaces",
            ],
        },
    },
]

# Django's form templates, the plainest of them (an input, an empty error list) written in
# Python with the same output: a dozen fields on the ticket page (helpdesk/form_renderer.py).
FORM_RENDERER = "helpdesk.form_renderer.FastTemplates"

# ---------------------------------------------------------------------------
# Database: DATABASE_URL, default a SQLite file under var/.
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
# ---------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'helpdesk.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the Celery worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Cache: Redis when REDIS_URL is set (see environment.py), else per-process memory.
# While Redis cannot be reached the site serves without a cache (helpdesk/cache.py).
# ---------------------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---------------------------------------------------------------------------
# Authentication and people
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Login throttling first (django-axes, see settings/security.py), then ModelBackend with the
# permission sets cached across requests (see accounts/backends.py).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.CachedPermissionsBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "help:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff may sign in with the organisation's OpenID Connect provider (mozilla-django-oidc):
# on when OIDC_RP_CLIENT_ID is set. Copy the endpoints from the provider's discovery
# document (/.well-known/openid-configuration). https://mozilla-django-oidc.readthedocs.io/
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile roles"
HELPDESK_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
# The claim listing a person's groups, and what each of its values makes them here
# (agent, agent:2 for tier 2, manager, admin). Values mapped to nothing give no access.
HELPDESK_OIDC_ROLES_CLAIM = env.str("HELPDESK_OIDC_ROLES_CLAIM", default="roles")
HELPDESK_OIDC_ROLE_MAP = env.dict(
    "HELPDESK_OIDC_ROLE_MAP",
    default={
        "helpdesk-agent": "agent",
        "helpdesk-tier2": "agent:2",
        "helpdesk-manager": "manager",
        "helpdesk-admin": "admin",
    },
)
if HELPDESK_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.StaffOIDCBackend")
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"

# ---------------------------------------------------------------------------
# Internationalisation: English and Simplified Chinese.
# ---------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static and media files: whitenoise serves static files with hashed names.
# https://whitenoise.readthedocs.io/en/stable/django.html
# ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# The embedded run (scripts/embedded-env) serves static files from the app folders as they
# are, without collectstatic; production serves hashed, compressed copies from STATIC_ROOT.
STATIC_FROM_FINDERS = env.bool("HELPDESK_STATIC_FROM_FINDERS", default=DEBUG)
WHITENOISE_USE_FINDERS = STATIC_FROM_FINDERS
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if STATIC_FROM_FINDERS
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# ---------------------------------------------------------------------------
# Email: EMAIL_URL (smtp://user:pass@host:587/?tls=True, smtp+ssl://…), console while
# DEBUG. Django 6.1 configures mail through MAILERS.
# https://docs.djangoproject.com/en/6.1/topics/email/#mailers
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
# ---------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_mail_options = {
    key: _email[setting]
    for key, setting in [
        ("host", "EMAIL_HOST"),
        ("port", "EMAIL_PORT"),
        ("username", "EMAIL_HOST_USER"),
        ("password", "EMAIL_HOST_PASSWORD"),
        ("use_tls", "EMAIL_USE_TLS"),
        ("use_ssl", "EMAIL_USE_SSL"),
    ]
    if _email.get(setting) not in (None, "")
}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _mail_options["timeout"] = env.int("EMAIL_TIMEOUT", default=30)
else:
    _mail_options = {}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="helpdesk@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# ---------------------------------------------------------------------------
# Security: secure by default whenever DEBUG is off (manage.py check --deploy passes).
# ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    # Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Off only for plain-HTTP measurements on loopback (bench/).
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# ---------------------------------------------------------------------------
# Logging: to stderr, so that any process manager collects it.
# ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_error_without_traceback": {"()": "helpdesk.logging.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # django-axes logs every sign-in at INFO; lockouts are warnings.
        "axes": {"level": "WARNING"},
        # A 403 or 404 is one line, without the traceback of the exception that made it.
        "django.request": {"filters": ["client_error_without_traceback"]},
    },
}

from .celery import *  # noqa: E402, F403
from .rest_framework import *  # noqa: E402, F403
from .security import *  # noqa: E402, F403

# ---------------------------------------------------------------------------
# Product knobs (HELPDESK_*)
# ---------------------------------------------------------------------------
# How many customers `seed_demo` creates when run without --customers (make run).
HELPDESK_DEMO_CUSTOMERS = env.int("HELPDESK_DEMO_CUSTOMERS", default=300)
# A worker whose heartbeat is older than this is shown as stale (seconds).
HELPDESK_HEARTBEAT_STALE_AFTER = env.int("HELPDESK_HEARTBEAT_STALE_AFTER", default=180)

# Tickets. A refund request above this amount (in the order's currency) goes to tier 2.
HELPDESK_REFUND_ESCALATE_ABOVE = env.float("HELPDESK_REFUND_ESCALATE_ABOVE", default=500.0)
# Days after payment in which a refund is within policy; later requests go to tier 2.
HELPDESK_REFUND_WINDOW_DAYS = env.int("HELPDESK_REFUND_WINDOW_DAYS", default=7)
# A ticket reopened this many times goes to tier 2.
HELPDESK_REOPEN_ESCALATE_AT = env.int("HELPDESK_REOPEN_ESCALATE_AT", default=2)
# A new ticket whose first message reads negative (kb.sentiment) with at least this
# confidence: "off" (the default: the model is weak on public data, docs/benchmarks.md) does
# nothing, "priority" raises it to high, "tier2" sends it to tier 2
# (a complaint in all but name) and it gets no automatic answer.
HELPDESK_NEGATIVE_SENTIMENT_ACTION = env.str("HELPDESK_NEGATIVE_SENTIMENT_ACTION", default="off")
HELPDESK_NEGATIVE_SENTIMENT_CONFIDENCE = env.float("HELPDESK_NEGATIVE_SENTIMENT_CONFIDENCE", default=0.8)
# Resolved tickets close after this many days without a customer reply.
HELPDESK_CLOSE_RESOLVED_AFTER_DAYS = env.int("HELPDESK_CLOSE_RESOLVED_AFTER_DAYS", default=7)
# NPS: a customer is offered the survey at most once per this many days.
HELPDESK_NPS_INTERVAL_DAYS = env.int("HELPDESK_NPS_INTERVAL_DAYS", default=91)
# Anonymous ticket submissions per hour from one client address, and for one email address
# (429 beyond); after HELPDESK_ANON_CHALLENGE_AFTER from one address in the hour, the form
# asks the browser to solve a proof-of-work challenge (self-hosted, about a second).
HELPDESK_ANON_TICKETS_PER_ADDRESS_PER_HOUR = env.int("HELPDESK_ANON_TICKETS_PER_ADDRESS_PER_HOUR", default=10)
HELPDESK_ANON_TICKETS_PER_EMAIL_PER_HOUR = env.int("HELPDESK_ANON_TICKETS_PER_EMAIL_PER_HOUR", default=3)
HELPDESK_ANON_CHALLENGE_AFTER = env.int("HELPDESK_ANON_CHALLENGE_AFTER", default=2)
# Largest request accepted, attachments included, in bytes (413 beyond). The reverse proxy
# should refuse larger bodies too (nginx: client_max_body_size).
HELPDESK_REQUEST_MAX_BYTES = env.int("HELPDESK_REQUEST_MAX_BYTES", default=25 * 1024 * 1024)
# Attachments are served only by the permission-checked view; in production the web server
# can send the bytes: "x-accel-redirect" (nginx: an `internal` location at
# HELPDESK_ATTACHMENT_ACCEL_PREFIX aliased to MEDIA_ROOT) or "x-sendfile" (Apache, lighttpd).
# Empty: Django streams the file itself.
HELPDESK_ATTACHMENT_SENDFILE = env.str("HELPDESK_ATTACHMENT_SENDFILE", default="")
HELPDESK_ATTACHMENT_ACCEL_PREFIX = env.str("HELPDESK_ATTACHMENT_ACCEL_PREFIX", default="/protected-media/")
# Attachments: largest accepted file, in bytes.
HELPDESK_ATTACHMENT_MAX_BYTES = env.int("HELPDESK_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

# The site's public address: every absolute link we send (mail, auto-answers,
# notifications, webhooks) starts with it. Required in production; `make run` sets it.
HELPDESK_SITE_URL = env.str("HELPDESK_SITE_URL", default="http://localhost:8000" if DEBUG else "").rstrip("/")
if not HELPDESK_SITE_URL:
    raise ImproperlyConfigured("HELPDESK_SITE_URL must be set when DEBUG is off (e.g. https://help.example.com).")
# Passkeys (WebAuthn, django-otp-webauthn) as a staff second factor. A passkey belongs to
# one domain (the relying party ID): by default the host of HELPDESK_SITE_URL, and it is
# accepted only from the origins listed (default: the site's own). Changing the domain
# later means registering the passkeys again. Passkeys never replace the password here.
# https://django-otp-webauthn.readthedocs.io/en/latest/reference/settings.html
OTP_WEBAUTHN_RP_ID = env.str("HELPDESK_PASSKEY_DOMAIN", default=urlsplit(HELPDESK_SITE_URL).hostname or "")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "HELPDESK_PASSKEY_ORIGINS", default=["{0.scheme}://{0.netloc}".format(urlsplit(HELPDESK_SITE_URL))]
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Customers may create an account themselves (a sign-in link confirms the address).
HELPDESK_SIGNUP_ENABLED = env.bool("HELPDESK_SIGNUP_ENABLED", default=True)
# Domain events (helpdesk.events): a failing consumer raises instead of being retried
# later (the test settings turn it on, so that errors surface in the test that caused them).
HELPDESK_EVENT_ERRORS_PROPAGATE = env.bool("HELPDESK_EVENT_ERRORS_PROPAGATE", default=False)
# Live streams (live.hub): without Redis each web process reads new events from the table
# this often (seconds); with Redis, pub/sub wakes it. Streams send a heartbeat comment
# this often (seconds), and re-check their reader's rights at each.
HELPDESK_LIVE_POLL_SECONDS = env.float("HELPDESK_LIVE_POLL_SECONDS", default=0.25)
HELPDESK_LIVE_HEARTBEAT_SECONDS = env.float("HELPDESK_LIVE_HEARTBEAT_SECONDS", default=15.0)
# Agent presence (docs/configuration.md): an agent with a desk page open is "away" after
# this many minutes without keyboard or pointer input, and "offline" when no desk page has
# reported for this many minutes. Live chats are routed to online agents only.
HELPDESK_PRESENCE_AWAY_MINUTES = env.float("HELPDESK_PRESENCE_AWAY_MINUTES", default=5.0)
HELPDESK_PRESENCE_OFFLINE_MINUTES = env.float("HELPDESK_PRESENCE_OFFLINE_MINUTES", default=3.0)
# Live chat (chat/): the origins of the platform's pages that may embed the chat frame
# (the frame's CSP frame-ancestors, and the origins its postMessage accepts), e.g.
# "https://www.example-courses.com,https://m.example-courses.com". Empty: only our own pages.
HELPDESK_CHAT_ALLOWED_ORIGINS = env.list("HELPDESK_CHAT_ALLOWED_ORIGINS", default=[])
# The business hours (their name in the admin) in which a person answers chats; empty: those
# of the normal-priority SLA policy, or around the clock when it has none.
HELPDESK_CHAT_BUSINESS_HOURS = env.str("HELPDESK_CHAT_BUSINESS_HOURS", default="")
# Conversations one address (client IP) may start per hour.
HELPDESK_CHAT_STARTS_PER_HOUR = env.int("HELPDESK_CHAT_STARTS_PER_HOUR", default=20)
# Webhooks out: a subscription failing this many deliveries in a row is disabled.
HELPDESK_WEBHOOK_DISABLE_AFTER = env.int("HELPDESK_WEBHOOK_DISABLE_AFTER", default=20)
# Webhooks in: a signed request older (or newer) than this many seconds is refused.
HELPDESK_WEBHOOK_TOLERANCE_SECONDS = env.int("HELPDESK_WEBHOOK_TOLERANCE_SECONDS", default=300)
# Sign-in links by mail work once, within this many hours.
HELPDESK_SIGNIN_LINK_HOURS = env.int("HELPDESK_SIGNIN_LINK_HOURS", default=72)
# Notifications also go by email (customers and agents with an address).
HELPDESK_EMAIL_NOTIFICATIONS = env.bool("HELPDESK_EMAIL_NOTIFICATIONS", default=True)
# A live chat's customer is mailed a notification (an agent's reply) only if they have not
# read it in the chat widget this many seconds later: no mail per chat message.
HELPDESK_CHAT_EMAIL_DELAY_SECONDS = env.int("HELPDESK_CHAT_EMAIL_DELAY_SECONDS", default=300)
# Inbound mail: at most this many messages per sender per hour become tickets or replies;
# the rest are stored and ignored (a flood or a mail loop).
HELPDESK_EMAIL_RATE_LIMIT_PER_HOUR = env.int("HELPDESK_EMAIL_RATE_LIMIT_PER_HOUR", default=30)
# Inbound mail: attachments kept per message (each within HELPDESK_ATTACHMENT_MAX_BYTES).
HELPDESK_EMAIL_MAX_ATTACHMENTS = env.int("HELPDESK_EMAIL_MAX_ATTACHMENTS", default=20)
# Inbound mail: the authserv-ids of our own receiving mail servers (their host names, as
# they write them in Authentication-Results). A mail from a staff address is filed only
# when one of them reports DMARC, DKIM or SPF passing for the From domain, or when it
# answers a mail we sent to that address; otherwise it is held for review.
HELPDESK_EMAIL_AUTHSERV_IDS = env.list("HELPDESK_EMAIL_AUTHSERV_IDS", default=[])
# API tokens expire after this many days unless made for another span.
HELPDESK_API_TOKEN_DAYS = env.int("HELPDESK_API_TOKEN_DAYS", default=90)
# One-click CSAT links in mails stay valid this many days.
HELPDESK_CSAT_LINK_DAYS = env.int("HELPDESK_CSAT_LINK_DAYS", default=30)

# Outbound connections a manager can point somewhere (mailbox hosts, webhook URLs) refuse
# loopback, private, link-local and reserved addresses, except in these networks (CIDR,
# comma-separated), e.g. "10.0.5.0/24" for a mail server on the company network.
HELPDESK_OUTBOUND_ALLOWED_NETWORKS = env.list("HELPDESK_OUTBOUND_ALLOWED_NETWORKS", default=[])

# Personal-data retention (privacy.tasks, daily): closed tickets are anonymised after this
# many months, raw inbound mail (bytes and HTML) dropped after this many days, and customer
# accounts nobody ever signed in to, with no ticket or order, deleted after this many days.
# 0 turns a rule off.
HELPDESK_RETENTION_CLOSED_TICKET_MONTHS = env.int("HELPDESK_RETENTION_CLOSED_TICKET_MONTHS", default=36)
HELPDESK_RETENTION_RAW_MAIL_DAYS = env.int("HELPDESK_RETENTION_RAW_MAIL_DAYS", default=90)
HELPDESK_RETENTION_UNUSED_ACCOUNT_DAYS = env.int("HELPDESK_RETENTION_UNUSED_ACCOUNT_DAYS", default=30)
# The logs about people, kept this many days and then deleted by the same daily task (0:
# keep forever). The access log (who opened which customer's context) for 180 days: China's
# Cybersecurity Law (art. 21) asks for at least six months of network logs. The rest of
# the audit log (roles, settings, exports, erasures) for two years. django-axes' sign-in
# records: its lockout counters (AccessAttempt) for 30 days, far past any lockout, and
# its logs of each sign-in and each failure (address, browser) for 180 days.
HELPDESK_RETENTION_ACCESS_LOG_DAYS = env.int("HELPDESK_RETENTION_ACCESS_LOG_DAYS", default=180)
HELPDESK_RETENTION_AUDIT_LOG_DAYS = env.int("HELPDESK_RETENTION_AUDIT_LOG_DAYS", default=730)
HELPDESK_RETENTION_LOGIN_ATTEMPT_DAYS = env.int("HELPDESK_RETENTION_LOGIN_ATTEMPT_DAYS", default=30)
HELPDESK_RETENTION_SIGNIN_LOG_DAYS = env.int("HELPDESK_RETENTION_SIGNIN_LOG_DAYS", default=180)
# Help-center searches (their texts, for content gaps) are deleted after this many days.
HELPDESK_RETENTION_SEARCH_DAYS = env.int("HELPDESK_RETENTION_SEARCH_DAYS", default=180)


# Reports. A figure resting on fewer answers or tickets than this is shown as "too few",
# never as a trend.
HELPDESK_REPORT_MIN_SAMPLE = env.int("HELPDESK_REPORT_MIN_SAMPLE", default=10)
# Staffing: minutes of agent work one public reply takes (handling time = replies per ticket × this).
HELPDESK_STAFFING_MINUTES_PER_REPLY = env.float("HELPDESK_STAFFING_MINUTES_PER_REPLY", default=6.0)
