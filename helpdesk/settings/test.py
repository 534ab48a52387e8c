"""Fast overrides for the test suite. DATABASE_URL and REDIS_URL still apply (CI sets them)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("HELPDESK_SITE_URL", "http://testserver")
os.environ.setdefault("HELPDESK_ENCRYPTION_KEYS", "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTAxMjM0NTY=")
# Passkeys: browsers allow WebAuthn on http only for localhost (the browser tests' live server).
os.environ.setdefault("HELPDESK_PASSKEY_DOMAIN", "localhost")
os.environ.setdefault("HELPDESK_PASSKEY_ORIGINS", "http://localhost")

from .base import *  # noqa: E402, F403
from .base import REDIS_URL, TEMPLATES, VAR_DIR  # noqa: E402
from .celery import filesystem_broker_options  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TEMPLATES[0]["OPTIONS"]["debug"] = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests speak plain HTTP to the test client and the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Flows run eagerly and errors propagate; tests that prove schedules start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
HELPDESK_EVENT_ERRORS_PROPAGATE = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "test-celerybeat-schedule")
# Serve static files from the app and project folders, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tests that start a real worker use the configured broker: Redis when REDIS_URL is set,
# else the filesystem transport in its own folder, apart from a `make run` on this machine.
if not REDIS_URL:
    _test_broker = VAR_DIR / "test-celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(_test_broker)
    CELERY_RESULT_BACKEND = f"file://{_test_broker / 'results'}"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The test database is SQLite in memory with a shared cache: the live server's threads
    # share the test's connection, but a thread with its own (an in-process Celery worker, the
    # live streams' database thread) locks whole tables, and a table lock of the shared cache
    # fails at once ("database table is locked") instead of waiting for the busy timeout. Reads
    # need no lock then; what they may see of another connection's open transaction is what a
    # request on the shared connection sees anyway. (No effect on a database file.)
    DATABASES["default"]["OPTIONS"]["init_command"] += " PRAGMA read_uncommitted = 1;"  # noqa: F405
