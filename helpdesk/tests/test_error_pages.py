"""Customers get the product's own 404 and 500 pages, in their language, also in the
embedded run that `make run` starts (never Django's debug pages)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]

# Requests a wrong URL in Chinese with the environment of scripts/run-embedded.
EMBEDDED_404 = """
import django
django.setup()
from django.test import Client
response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/no-such-page/", SERVER_NAME="127.0.0.1")
print(response.status_code)
print(response.content.decode())
"""


def test_the_embedded_run_shows_the_products_404_in_the_visitors_language(tmp_path):
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HELPDESK_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="helpdesk.settings.base",
    )
    script = f'source scripts/embedded-env && exec "{sys.executable}" -c "$0"'
    result = subprocess.run(
        ["bash", "-c", script, EMBEDDED_404], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    status, _, page = result.stdout.partition("\n")
    assert status == "404"
    assert 'data-testid="not-found"' in page
    assert "页面不存在" in page
    assert "URLconf" not in page
    assert "Page not found at" not in page  # the debug page's title
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # the generated key is private


@pytest.mark.urls("helpdesk.tests.urls_failing")
@pytest.mark.django_db
def test_a_server_error_is_the_products_500_page_in_the_visitors_language():
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.get("/failing/")
    page = response.content.decode()
    assert response.status_code == 500
    assert 'data-testid="server-error"' in page
    assert "出错了" in page
    assert "a bug" not in page


def test_the_embedded_run_passes_the_system_checks(tmp_path):
    """`make run` migrates and serves with these settings: any system check error stops it
    (a passkey origin on plain HTTP other than localhost did, once)."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HELPDESK_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="helpdesk.settings.base",
    )
    script = f'source scripts/embedded-env && exec "{sys.executable}" manage.py check'
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
