"""Settings come from the environment and fail fast in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "prod-" + "k7Qz9xW2vR4tY8uP1oI3eA6sD5fG0hJ" * 2,
    "ALLOWED_HOSTS": "help.example.com",
    "HELPDESK_SITE_URL": "https://help.example.com",
    "HELPDESK_ENCRYPTION_KEYS": "cHJvZC1lbmNyeXB0aW9uLWtleS1mb3ItdGhlLXRlc3Q=",
    "DATABASE_URL": "sqlite:////tmp/helpdesk-settings-test.sqlite3",
    "DJANGO_SETTINGS_MODULE": "helpdesk.settings.base",
}


def _run(args: list[str], **overrides: str | None) -> subprocess.CompletedProcess[str]:
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "REDIS_URL", "HELPDESK_SITE_URL", "HELPDESK_ENCRYPTION_KEYS"}
    unset |= {"HELPDESK_PASSKEY_DOMAIN", "HELPDESK_PASSKEY_ORIGINS"}  # set by the test settings
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(PRODUCTION)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def _setting(name: str, **overrides: str | None) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    result = _run(["-c", code], **overrides)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_passes_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "HELPDESK_SITE_URL", "HELPDESK_ENCRYPTION_KEYS"])
def test_production_refuses_to_start_without(missing):
    result = _run(["manage.py", "check"], **{missing: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_debug_links_to_the_local_server_without_a_site_url():
    assert _setting("HELPDESK_SITE_URL", DEBUG="1", HELPDESK_SITE_URL=None) == "http://localhost:8000"
    assert _setting("HELPDESK_SITE_URL", HELPDESK_SITE_URL="https://help.example.com/") == "https://help.example.com"


def test_passkeys_belong_to_the_sites_domain_and_origin_unless_set():
    assert _setting("OTP_WEBAUTHN_RP_ID") == "help.example.com"
    assert _setting("OTP_WEBAUTHN_ALLOWED_ORIGINS") == str(["https://help.example.com"])
    assert _setting("OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN") == "False"
    origins = "https://help.example.com,https://support.example.com"
    assert _setting("OTP_WEBAUTHN_RP_ID", HELPDESK_PASSKEY_DOMAIN="example.com") == "example.com"
    assert _setting("OTP_WEBAUTHN_ALLOWED_ORIGINS", HELPDESK_PASSKEY_ORIGINS=origins) == str(origins.split(","))


def test_debug_has_a_development_secret_key_and_local_hosts():
    assert _setting("ALLOWED_HOSTS", DEBUG="1", SECRET_KEY=None, ALLOWED_HOSTS=None) == str(
        ["localhost", "127.0.0.1", "[::1]"]
    )


def test_without_redis_url_the_broker_is_embedded_under_var(tmp_path):
    assert _setting("CELERY_BROKER_URL", HELPDESK_VAR_DIR=str(tmp_path)) == "filesystem://"
    assert str(tmp_path) in _setting("CELERY_BROKER_TRANSPORT_OPTIONS", HELPDESK_VAR_DIR=str(tmp_path))
    assert "locmem" in _setting("CACHES", HELPDESK_VAR_DIR=str(tmp_path))


def test_redis_url_switches_broker_results_and_cache_to_redis():
    url = "redis://127.0.0.1:6379/3"
    assert _setting("CELERY_BROKER_URL", REDIS_URL=url) == url
    assert _setting("CELERY_RESULT_BACKEND", REDIS_URL=url) == url
    assert "RedisCache" in _setting("CACHES", REDIS_URL=url)


def test_database_url_selects_the_database():
    engine = _setting("DATABASES['default']['ENGINE']", DATABASE_URL="postgres://u@127.0.0.1:5432/helpdesk")
    assert engine == "django.db.backends.postgresql"


def test_email_url_configures_the_default_mailer():
    mailers = _setting("MAILERS", EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587")
    assert "smtp.example.com" in mailers
    assert "'use_tls': True" in mailers


def test_manage_py_in_a_bare_checkout_runs_in_development_mode():
    result = _run(["manage.py", "check"], DEBUG=None, SECRET_KEY=None, ALLOWED_HOSTS=None)
    assert result.returncode == 0, result.stderr


def test_wsgi_without_secret_key_still_refuses():
    code = "import helpdesk.wsgi"
    result = _run(["-c", code], DEBUG=None, SECRET_KEY=None, DJANGO_SETTINGS_MODULE=None)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
