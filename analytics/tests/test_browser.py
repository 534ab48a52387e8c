"""Browser test: a manager opens every report page of the demo in Chinese, as she first sees
it (the last 30 days), and checks what issue 13 promised: every card says how many answers or
tickets it rests on, no page is empty, no share over 100%. Along the way she downloads a
CSV, sets a target and an alert. Screenshots: reports-*.png (see helpdesk/tests/test_browser.py
for where they go)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation

from analytics.views import customer_reports, ticket_reports
from demo.people import DEMO_PASSWORD
from helpdesk.tests.test_browser import SCREENSHOTS, browser  # noqa: F401 - the shared Chromium fixture
from tickets.models import Category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (path, the page's title, the table that must have rows)
PAGES = [
    ("", ticket_reports.OverviewView.title, "kpis"),
    ("satisfaction/", ticket_reports.SatisfactionView.title, "trend"),
    ("times/", ticket_reports.TimesView.title, "by-channel"),
    ("volume/", ticket_reports.VolumeView.title, "trend"),
    ("escalations/", ticket_reports.EscalationsView.title, "reasons"),
    ("deflection/", ticket_reports.DeflectionView.title, "trend"),
    ("agents/", ticket_reports.AgentsView.title, "leaderboard"),
    ("customers/", customer_reports.CustomersView.title, "cohorts"),
    ("learners/", customer_reports.LearnersView.title, "at-risk"),
    ("staffing/", "Staffing", "staffing"),
]

# The demo and the reports are computed on a fixed mid-month afternoon, so every view has
# learners, ratings and tickets whatever day the suite runs (early in a month it had none).
DEMO_NOW = datetime(2026, 6, 17, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

PERCENT = re.compile(r"(-?[\d,]+(?:\.\d+)?)%")
# The one figure in % that is not a share: resolved / created, which may pass 100%.
NOT_A_SHARE = "处理比"


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
    # What beat keeps computed: the 30-day windows the default view shows, and the months the
    # cohorts need.
    for granularity, days in (("30d", 190), ("month", 365)):
        call_command(
            "compute_reports",
            "--granularity",
            granularity,
            "--from",
            str(today - timedelta(days=days)),
            "--to",
            str(today),
            verbosity=0,
        )
    call_command("compute_staffing", verbosity=0)
    from accounts.models import User

    manager = User.objects.get(email="manager@example.com")
    assert manager.language == "zh-hans"  # the demo's manager reads Chinese
    return manager.email


def _chinese(text: object) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)  # str() renders a lazy title


def _check_cards(page, path: str) -> None:
    """Every card with a figure says what it rests on."""
    cards = page.locator(".kpi")
    for index in range(cards.count()):
        card = cards.nth(index)
        if card.locator(".kpi-value .no-data").count():
            continue
        sample = card.locator("[data-testid=sample]").inner_text().strip()
        label = card.locator(".kpi-label").inner_text()
        assert sample, (path, label)
        if path != "staffing/":
            assert re.match(r"n = [\d,]+ \S", sample), (path, label, sample)


def _check_shares(page, path: str) -> None:
    """No figure in % above 100, on the cards and in every table, except the throughput ratio."""
    cards = page.locator(".kpi")
    for index in range(cards.count()):
        card = cards.nth(index)
        label = card.locator(".kpi-label").inner_text()
        for value in PERCENT.findall(card.locator(".kpi-value").inner_text()):
            assert NOT_A_SHARE in label or float(value.replace(",", "")) <= 100, (path, label, value)
    tables = page.locator("section.report-table table")
    for index in range(tables.count()):
        table = tables.nth(index)
        headers = table.locator("thead th").all_inner_texts()
        for row in table.locator("tbody tr").all():
            for header, cell in zip(headers, row.locator("td").all_inner_texts(), strict=True):
                for value in PERCENT.findall(cell):
                    assert NOT_A_SHARE in header or float(value.replace(",", "")) <= 100, (path, header, value)


def test_manager_reads_every_report_page_in_chinese(browser, live_server, demo_reports):  # noqa: F811
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", demo_reports)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")
    for path, title, table in PAGES:
        page.goto(f"{live_server.url}/reports/{path}")
        assert page.locator("html").get_attribute("lang").startswith("zh"), path
        assert _chinese(title) in page.locator("h1").first.inner_text(), path
        if path != "staffing/":
            # The default view: the last 30 whole days, against the 30 before.
            assert page.locator("select[name=granularity]").input_value() == "30d", path
            assert "最近周期" in page.locator("[data-testid=report-scope]").inner_text(), path
        _check_cards(page, path)
        _check_shares(page, path)
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

    # The overview's cards: sample sizes, and the CSAT target's distance once she sets one.
    page.goto(f"{live_server.url}/reports/subscriptions/")
    assert _chinese("Digests, alerts and targets") in page.locator("h1").inner_text()
    page.locator("[data-testid=targets] input[name=targets-csat]").fill("90")
    page.locator("[data-testid=targets] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    alerts = page.locator("[data-testid=alerts]")
    alerts.locator("select[name=alert-metric]").select_option("csat")
    alerts.locator("select[name=alert-direction]").select_option("below")
    alerts.locator("input[name=alert-threshold]").fill("80")
    alerts.locator("input[name=alert-window_days]").fill("7")
    alerts.locator("button", has_text="添加提醒").click()
    page.wait_for_load_state("networkidle")
    assert "暂无提醒" not in alerts.inner_text()
    assert alerts.locator("li").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "reports-subscriptions.png"), full_page=True)
    page.goto(f"{live_server.url}/reports/")
    assert "目标 90.0%" in page.locator("[data-testid=kpi-csat]").inner_text()
    context.close()
