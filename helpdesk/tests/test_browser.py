"""Browser smoke test: each role signs in through the real login form in headless
Chromium and lands on its surface.

Every browser test takes its screenshots into var/screenshots/, so that a test run leaves
the committed images alone; `make screenshots` runs the browser tests with
HELPDESK_SCREENSHOTS_DIR=docs/screenshots to refresh the ones the README shows."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import AgentTier, Role
from accounts.tests.factories import (
    PASSWORD,
    CourseFactory,
    CustomerFactory,
    EnrollmentFactory,
    OrderFactory,
    UserFactory,
    agent,
)
from helpdesk.services import heartbeat_record
from tickets.models import Category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("HELPDESK_SCREENSHOTS_DIR") or _ROOT / "var" / "screenshots").resolve()
SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI runs the browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous code, which Django would otherwise refuse inside a running loop.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            # scripts/test-at moves the servers' clock with a preloaded libfaketime, which
            # stalls Chromium's network service: the browser keeps the machine's clock, as a
            # customer's own device would.
            env={name: value for name, value in os.environ.items() if name != "LD_PRELOAD"},
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def people(db) -> dict[str, str]:
    customer = CustomerFactory(email="zhang.wei@example.cn", name="张伟", language="en")
    for code, title, progress in [("py", "Python 数据分析实战", 64), ("econ", "经济学 30 讲", 100)]:
        order = OrderFactory(customer=customer, course=CourseFactory(code=code, title=title))
        EnrollmentFactory(order=order, progress=progress)
    agent("li.na@example.com", tier=AgentTier.TIER_1)
    agent("wang.qiang@example.com", tier=AgentTier.TIER_2)
    UserFactory(email="zhou.min@example.com", name="周敏", roles=[Role.MANAGER])
    UserFactory(email="root@example.com", name="Admin", roles=[Role.ADMIN])
    heartbeat_record(hostname="celery@demo")
    # Transactional tests flush the categories that a data migration seeds; the help center
    # lists them, so two are made again here.
    Category.objects.get_or_create(
        slug="course-access", defaults={"name_en": "Course access & playback", "name_zh_hans": "课程访问与播放"}
    )
    Category.objects.get_or_create(slug="refund", defaults={"name_en": "Refund", "name_zh_hans": "退款"})
    return {
        "customer": "zhang.wei@example.cn",
        "tier1": "li.na@example.com",
        "tier2": "wang.qiang@example.com",
        "manager": "zhou.min@example.com",
        "admin": "root@example.com",
    }


def _sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    ("role", "path", "heading"),
    [
        ("customer", "/", "How can we help you?"),
        ("tier1", "/desk/", "Welcome"),
        ("tier2", "/desk/", "Welcome"),
        ("manager", "/reports/", "Business overview"),
        ("admin", "/reports/", "Business overview"),
    ],
)
def test_each_role_signs_in_and_lands_on_its_surface(browser, live_server, people, role, path, heading):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    _sign_in(page, live_server, people[role])
    assert page.url == f"{live_server.url}{path}"
    assert heading in page.locator("h1").first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / f"landing-{role}.png"), full_page=True)
    page.close()


def test_customer_switches_to_chinese(browser, live_server, people):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    _sign_in(page, live_server, people["customer"])
    page.click("form.language-switch button[value=zh-hans]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text() == "有什么可以帮您？"
    assert "Python 数据分析实战" in page.locator("[data-testid=my-learning]").inner_text()
    assert "课程访问与播放" in page.locator(".topics").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "help-center-zh.png"), full_page=True)
    page.close()


def test_agent_sets_away_without_a_page_reload(browser, live_server, people):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    _sign_in(page, live_server, people["tier1"])
    page.evaluate("window.__notReloaded = true")
    page.click("#agent-status button[type=submit]")
    page.locator("#agent-status .badge.off").wait_for()
    assert page.evaluate("window.__notReloaded") is True  # htmx swapped the card in place
    page.close()


def test_manager_sees_the_worker_on_the_admin(browser, live_server, people):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    _sign_in(page, live_server, people["manager"])
    page.goto(f"{live_server.url}/admin/")
    assert "celery@demo" in page.locator("[data-testid=worker-status]").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "admin-manager.png"), full_page=True)
    page.close()


def _context_page(browser, live_server, email: str):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-US")
    page = context.new_page()
    _sign_in(page, live_server, email)
    return page


def test_ticket_from_submission_to_rating(browser, live_server, people):
    """A customer submits a ticket, a tier-1 agent replies and escalates, a tier-2 agent
    resolves it, and the customer rates the service."""
    customer = _context_page(browser, live_server, people["customer"])
    customer.goto(f"{live_server.url}/tickets/new/")
    customer.fill("input[name=subject]", "视频播放到一半卡住")
    customer.fill("textarea[name=message]", "《Python 数据分析实战》第 3 节播放到 12 分钟就卡住，换了网络也一样。")
    with customer.expect_navigation():
        customer.click("main form button[type=submit]")
    expect(customer).to_have_url(re.compile(r"/tickets/\d+/$"))
    ticket_url = customer.url
    ticket_pk = int(ticket_url.rstrip("/").split("/")[-1])

    agent = _context_page(browser, live_server, people["tier1"])
    agent.goto(f"{live_server.url}/desk/tickets/")
    assert f"HD-{ticket_pk}" in agent.locator("[data-testid=queue]").inner_text()
    agent.screenshot(path=str(SCREENSHOTS / "desk-queue.png"), full_page=True)
    agent.goto(f"{live_server.url}/desk/tickets/{ticket_pk}/")
    agent.fill("#reply textarea[name=body]", "您好，请先清除 App 缓存后重试，我们同时在排查该视频的转码。")
    with agent.expect_navigation():
        agent.click("#reply button[type=submit]")
    expect(agent.locator("main")).to_contain_text("我们同时在排查该视频的转码")
    agent.click("#escalate summary")
    agent.fill("[data-testid=escalate-form] textarea", "转码问题需要二线和技术一起排查")
    with agent.expect_navigation():
        agent.click("[data-testid=escalate-form] button[type=submit]")
    expect(agent.locator("[data-testid=ticket-badges]")).to_contain_text("Tier 2")
    agent.screenshot(path=str(SCREENSHOTS / "desk-ticket.png"), full_page=True)

    senior = _context_page(browser, live_server, people["tier2"])
    senior.goto(f"{live_server.url}/desk/tickets/{ticket_pk}/")
    senior.select_option("[data-testid=status-form] select[name=status]", "resolved")
    senior.fill("[data-testid=status-form] textarea[name=resolution]", "已重新转码第 3 节视频。")
    with senior.expect_navigation():
        senior.click("[data-testid=status-form] button[type=submit]")
    expect(senior.locator("[data-testid=ticket-badges]")).to_contain_text("Resolved")

    customer.goto(ticket_url)
    assert "清除 App 缓存" in customer.content()
    customer.locator("[data-testid=csat] input[name=rating][value='5']").check()
    customer.click("[data-testid=csat] button[type=submit]")
    customer.locator("[data-testid=csat] >> text=You rated our support 5 out of 5").wait_for()
    customer.screenshot(path=str(SCREENSHOTS / "help-ticket-rated.png"), full_page=True)
    for page in (customer, agent, senior):
        page.context.close()
