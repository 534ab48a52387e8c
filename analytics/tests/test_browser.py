"""Browser test: a manager opens each report page on demo data and downloads a CSV.
Screenshots: reports-*.png (see helpdesk/tests/test_browser.py for where they go)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from demo.people import DEMO_PASSWORD
from helpdesk.tests.test_browser import SCREENSHOTS, browser  # noqa: F401 - the shared Chromium fixture
from tickets.models import Category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("", "Business overview", "kpis"),
    ("satisfaction/", "CSAT and NPS", "trend"),
    ("times/", "Response and resolution times", "by-channel"),
    ("volume/", "Volume and backlog", "trend"),
    ("escalations/", "Escalations", "reasons"),
    ("deflection/", "Deflection", "trend"),
    ("agents/", "Agent leaderboard", "leaderboard"),
    ("customers/", "Customers", "cohorts"),
    ("learners/", "Learner segments", "at-risk"),
]


# The demo and the reports are computed on a fixed mid-month afternoon, so the month view has
# learners, ratings and tickets whatever day the suite runs (early in a month it had none).
DEMO_NOW = datetime(2026, 6, 17, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def demo_clock():
    with time_machine.travel(DEMO_NOW, tick=True):
        yield


@pytest.fixture
def demo_reports(db, demo_clock) -> str:
    # Transactional tests flush the categories a data migration seeds; the demo needs them.
    from importlib import import_module

    from django.apps import apps

    import_module("tickets.migrations.0002_seed_categories").categories_create(apps, None)
    assert Category.objects.exists()
    call_command("seed_demo", "--customers", "120", "--tickets", "600", "--seed", "7", verbosity=0)
    today = timezone.localdate()
    call_command(
        "compute_reports",
        "--granularity",
        "month",
        "--from",
        str(today - timedelta(days=365)),
        "--to",
        str(today),
        verbosity=0,
    )
    from accounts.models import User

    # The demo's manager reads Chinese; this walk-through reads the English pages.
    User.objects.filter(email="manager@example.com").update(language="en")
    return "manager@example.com"


def test_manager_opens_each_report_page_and_downloads_a_csv(browser, live_server, demo_reports):  # noqa: F811
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", demo_reports)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")
    for path, heading, table in PAGES:
        page.goto(f"{live_server.url}/reports/{path}?granularity=month")
        assert heading in page.locator("h1").first.inner_text()
        assert "Latest period" in page.locator("[data-testid=report-scope]").inner_text()
        section = page.locator(f"[data-testid=table-{table}]")
        assert section.locator("tbody tr").count() > 0, (path, table)
        with page.expect_download() as download_info:
            section.locator("a.csv").click()
        download = download_info.value
        assert download.suggested_filename.endswith(f"-{table}.csv")
        content = open(download.path(), encoding="utf-8-sig").read()  # noqa: PTH123, SIM115
        assert content.count("\n") >= 2  # a header and at least one row
        name = path.strip("/") or "overview"
        page.screenshot(path=str(SCREENSHOTS / f"reports-{name}.png"), full_page=True)
    context.close()
