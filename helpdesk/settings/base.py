"""Every setting of the helpdesk, read from the environment.

Production behaviour follows from the environment (``DEBUG`` off by default), not from
a separate settings file. See docs/configuration.md for the variables.
https://docs.djangoproject.com/en/6.1/ref/settings/
"""

from pathlib import Path

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
    # Ours. "helpdesk" holds what is cross-cutting: surface access, the worker heartbeat.
    "helpdesk",
    "accounts",
    "tickets",
    "kb",
    "analytics",
    # Demo data (seed_demo): fills the apps above, which never import it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.surfaces",
            ],
        },
    },
]

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
# ---------------------------------------------------------------------------
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---------------------------------------------------------------------------
# Authentication and people
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# ModelBackend with the permission sets cached across requests (see accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.CachedPermissionsBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "help:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
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
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

from .celery import *  # noqa: E402, F403
from .rest_framework import *  # noqa: E402, F403

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
# Attachments: largest accepted file, in bytes.
HELPDESK_ATTACHMENT_MAX_BYTES = env.int("HELPDESK_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

# Email channel (tickets.email). Links in mails start with this URL.
HELPDESK_SITE_URL = env.str("HELPDESK_SITE_URL", default="http://localhost:8000").rstrip("/")
# Notifications also go by email (customers and agents with an address).
HELPDESK_EMAIL_NOTIFICATIONS = env.bool("HELPDESK_EMAIL_NOTIFICATIONS", default=True)
# Inbound mail: at most this many messages per sender per hour become tickets or replies;
# the rest are stored and ignored (a flood or a mail loop).
HELPDESK_EMAIL_RATE_LIMIT_PER_HOUR = env.int("HELPDESK_EMAIL_RATE_LIMIT_PER_HOUR", default=30)
# Inbound mail: attachments kept per message (each within HELPDESK_ATTACHMENT_MAX_BYTES).
HELPDESK_EMAIL_MAX_ATTACHMENTS = env.int("HELPDESK_EMAIL_MAX_ATTACHMENTS", default=20)
# One-click CSAT links in mails stay valid this many days.
HELPDESK_CSAT_LINK_DAYS = env.int("HELPDESK_CSAT_LINK_DAYS", default=30)
