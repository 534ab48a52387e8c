"""Browser tests of the real-time desk on the server `make run` starts (uvicorn, ASGI, the
embedded default): two agents on one ticket see each other, a new ticket appears in an
open queue without a reload, a reply typed while someone else answers is held, a new
assignment is announced; and an event recorded in the Celery worker reaches an open page,
on the embedded default and on Redis."""

import time

import pytest

from accounts.tests.factories import PASSWORD
from live.tests.site import LiveSite
from live.tests.test_transport import CLOSE_IN_WORKER, REDIS_URL, RESOLVE_LONG_AGO

from .test_browser import SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    live = LiveSite(tmp_path_factory.mktemp("browser-live")).start(worker=False)
    yield live
    live.stop()


def _agent(browser, site, email: str, locale: str = "en-US"):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale=locale)
    page = context.new_page()
    page.goto(f"{site.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("load")
    return page


def _new_ticket(page, site, subject: str) -> int:
    page.goto(f"{site.url}/tickets/new/")
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=message]", "第 3 节视频播放到 12 分钟就卡住，换了网络也一样。")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/tickets/*/")
    return int(page.url.rstrip("/").split("/")[-1])


def test_a_new_ticket_appears_in_an_open_queue_within_two_seconds(browser, site):
    # given an agent with the queue open and the desk home open in another tab
    agent = _agent(browser, site, "agent1@example.com")
    agent.goto(f"{site.url}/desk/tickets/")
    home = agent.context.new_page()
    home.goto(f"{site.url}/desk/")
    before = home.locator("[data-testid=view-counts]").inner_text()
    # when a learner submits a ticket
    learner = _agent(browser, site, "learner@example.com")
    ticket = _new_ticket(learner, site, "视频卡住了 live-queue")
    submitted = time.monotonic()
    # then it shows in the open queue within two seconds, without a reload
    agent.locator(f"[data-testid=queue] tr[data-ticket='{ticket}']").wait_for(timeout=2000)
    assert time.monotonic() - submitted <= 2.0
    assert "live-queue" in agent.locator("[data-testid=queue]").inner_text()
    # and the desk home's view counts have changed too
    home.wait_for_function(
        "before => document.querySelector('[data-testid=view-counts]').innerText !== before", arg=before, timeout=2000
    )
    agent.screenshot(path=str(SCREENSHOTS / "desk-queue-live.png"), full_page=True)


def test_two_agents_on_one_ticket_see_each_other_and_a_reply_is_held(browser, site):
    learner = _agent(browser, site, "learner@example.com")
    ticket = _new_ticket(learner, site, "两位客服 live-presence")
    url = f"{site.url}/desk/tickets/{ticket}/"
    # given the first agent on the ticket
    first = _agent(browser, site, "agent1@example.com")
    first.goto(url)
    # when a second agent opens it, in Chinese
    second = _agent(browser, site, "agent2@example.com", locale="zh-CN")
    second.goto(url)
    # then each sees the other on the ticket
    first.locator("[data-testid=presence] li", has_text="Agent Two").wait_for(timeout=3000)
    second.locator("[data-testid=presence] li", has_text="Agent One").wait_for(timeout=3000)
    # when the second starts typing, the first sees it
    second.fill("#reply textarea[name=body]", "正在查看")
    first.locator("[data-testid=presence] li[data-state=typing]", has_text="Agent Two").wait_for(timeout=3000)
    first.screenshot(path=str(SCREENSHOTS / "desk-ticket-presence.png"), full_page=True)
    # when the first sends a reply while the second is typing
    first.fill("#reply textarea[name=body]", "您好，请清除缓存后重试。")
    first.click("#reply button[type=submit].primary")
    first.wait_for_url(url)
    # then the second's reply is held with a warning, and Send does not send it
    held = second.locator("[data-testid=reply-held]")
    held.wait_for(state="visible", timeout=3000)
    second.click("#reply button[type=submit].primary")
    assert second.url == url
    assert held.is_visible()
    # asking to see the new message keeps the text, unsent
    held.locator("button").click()
    second.wait_for_load_state("load")
    assert second.locator("#reply textarea[name=body]").input_value() == "正在查看"
    assert "您好，请清除缓存后重试。" in second.locator("main").inner_text()
    # and when the second leaves, the first no longer sees them
    second.context.close()
    first.locator("[data-testid=presence] li", has_text="Agent Two").wait_for(state="detached", timeout=5000)


ASSIGN = """
from django.db import transaction
from accounts.models import User
from tickets.services.base import ticket_lock
from tickets.services.routing import ticket_assign_locked
by = User.objects.get(email="agent2@example.com")
with transaction.atomic():
    ticket = ticket_lock(ticket={ticket})
    ticket_assign_locked(ticket=ticket, assignee=None, actor=by)
with transaction.atomic():
    ticket = ticket_lock(ticket={ticket})
    ticket_assign_locked(ticket=ticket, assignee=User.objects.get(email="{to}"), actor=by)
"""


def test_a_new_assignment_notifies_the_agent_on_their_open_desk_pages(browser, site):
    learner = _agent(browser, site, "learner@example.com")
    ticket = _new_ticket(learner, site, "课程无法下载 live-assigned")
    # given the first agent, reading in Chinese, with the queue open and the ticket in another tab
    agent = _agent(browser, site, "agent1@example.com", locale="zh-CN")
    agent.goto(f"{site.url}/desk/tickets/")
    agent.click("form.language-switch button[value=zh-hans]")
    agent.wait_for_load_state("load")
    other_tab = agent.context.new_page()
    other_tab.goto(f"{site.url}/desk/tickets/{ticket}/")
    toast = f"[data-testid=assigned-toast][data-ticket='{ticket}']"
    before = agent.locator(toast).count()
    # when the second agent assigns the ticket to them
    site.shell(ASSIGN.format(ticket=ticket, to="agent1@example.com"))
    # then both of their pages announce it, with the ticket's link, in their language
    agent.wait_for_function(f'n => document.querySelectorAll("{toast}").length > n', arg=before, timeout=3000)
    other_tab.locator(toast).last.wait_for(timeout=3000)
    notice = agent.locator(toast).last
    assert "有工单分配给您了" in notice.inner_text()
    assert agent.locator("[data-testid=live-toasts]").get_attribute("aria-live") == "polite"
    agent.screenshot(path=str(SCREENSHOTS / "desk-assigned-notice.png"))
    # and the notice opens the ticket; dismissed, it is gone
    notice.locator("a").click()
    agent.wait_for_url(f"**/desk/tickets/{ticket}/")
    other_tab.locator(toast).last.locator("[data-dismiss]").click()
    assert other_tab.locator(toast).count() == 0


@pytest.fixture(params=["embedded", "redis"])
def site_with_worker(request, tmp_path_factory):
    if request.param == "redis" and not REDIS_URL:
        pytest.skip("REDIS_URL is not set (CI sets it)")
    redis_url = REDIS_URL if request.param == "redis" else ""
    live = LiveSite(tmp_path_factory.mktemp(f"browser-{request.param}"), redis_url=redis_url)
    live.start()
    yield live
    live.stop()


@pytest.mark.worker
def test_an_event_recorded_in_the_celery_worker_reaches_an_open_queue(browser, site_with_worker):
    site = site_with_worker
    # given a ticket resolved a month ago, and an agent with the queue open
    ticket = int(site.shell(RESOLVE_LONG_AGO).strip())
    agent = _agent(browser, site, "agent1@example.com")
    agent.goto(f"{site.url}/desk/tickets/?status=resolved&status=closed")
    row = agent.locator(f"[data-testid=queue] tr[data-ticket='{ticket}']")
    assert "Resolved" in row.inner_text()
    # when the Celery worker (another process) closes it
    site.shell(CLOSE_IN_WORKER)
    # then the open queue shows it closed, without a reload
    agent.wait_for_function(
        "ticket => (document.querySelector(`[data-testid=queue] tr[data-ticket='${ticket}']`) || {}).innerText"
        "?.includes('Closed')",
        arg=ticket,
        timeout=30000,
    )
