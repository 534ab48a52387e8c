"""Browser tests of the agent's ticket page as agents use it from their first day: what
matters on top, one screen for a one-message ticket, Markdown with a preview, the real
status, keyboard shortcuts."""

from decimal import Decimal

import pytest

from accounts.models import User
from tickets.models import SLAPolicy, Ticket
from tickets.services import refund_request_open
from tickets.tests.factories import open_ticket

from .test_browser import SCREENSHOTS, _context_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_one_message_ticket_fits_one_screen_with_customer_sla_and_decision_on_top(browser, live_server, people):
    # Transactional tests flush what data migrations seed: an SLA policy around the clock.
    SLAPolicy.objects.get_or_create(
        priority="normal", defaults={"first_response_minutes": 240, "resolution_minutes": 2160}
    )
    customer = User.objects.get(email=people["customer"])
    order = customer.orders.order_by("pk").first()
    refund = refund_request_open(
        customer=customer, order=order, amount=Decimal("50.00"), reason="课程内容与介绍不符，申请部分退款。"
    )
    page = _context_page(browser, live_server, people["tier2"])
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/desk/tickets/{refund.ticket_id}/")
    page.wait_for_load_state("networkidle")
    # the whole page of a one-message ticket is one 1440×900 screen
    assert page.evaluate("document.documentElement.scrollHeight") <= 900
    # customer, SLA timers and the pending refund decision sit in the first screen, above the thread
    thread_top = page.locator("[data-testid=thread]").bounding_box()["y"]
    for testid in ("summary-customer", "sla", "refund"):
        box = page.locator(f"[data-testid={testid}]").bounding_box()
        assert box["y"] < thread_top, testid
    sla = page.locator("[data-testid=sla]").inner_text()
    assert "First response" in sla
    assert "Resolution" in sla
    assert "in " in sla  # a countdown
    assert page.locator("[data-testid=refund] button[value=approve]").is_visible()
    # the status select shows the real status ("New"), not the first choice
    assert page.locator("[data-testid=status-form] select[name=status] option:checked").inner_text() == "New"
    page.screenshot(path=str(SCREENSHOTS / "desk-ticket.png"))
    page.context.close()


def test_agent_replies_in_markdown_with_a_preview_and_the_keyboard(browser, live_server, people):
    customer = User.objects.get(email=people["customer"])
    first, second = open_ticket(customer, subject="发票抬头"), open_ticket(customer, subject="视频卡顿")
    page = _context_page(browser, live_server, people["tier1"])
    page.goto(f"{live_server.url}/desk/tickets/")
    # j selects the first row of the queue (newest first), o opens it
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"**/desk/tickets/{second.pk}/")
    # ? shows the shortcuts; Escape closes them
    page.keyboard.press("?")
    assert page.locator("[data-testid=shortcuts]").is_visible()
    page.keyboard.press("Escape")
    # r: a reply, in Markdown, previewed as the customer will read it
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.keyboard.type("您好，请按以下步骤操作：\n\n1. **清除缓存**\n2. 重新登录")
    page.click("[data-testid=preview-button]")
    preview = page.locator("[data-testid=reply-preview]")
    preview.locator("strong", has_text="清除缓存").wait_for()
    assert preview.locator("ol li").count() == 2
    page.click("#reply button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=thread] strong", has_text="清除缓存").wait_for()
    # a: assigned to me; j: the next ticket of the queue the agent came from
    page.keyboard.press("a")
    page.wait_for_load_state("networkidle")
    agent = User.objects.get(email=people["tier1"])
    assert Ticket.objects.get(pk=second.pk).assignee == agent
    page.keyboard.press("j")
    page.wait_for_url(f"**/desk/tickets/{first.pk}/")
    # n: an internal note; g q: back to the queue
    page.keyboard.press("n")
    assert page.locator("#id_internal").is_checked()
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    page.keyboard.press("q")
    page.wait_for_url("**/desk/tickets/")
    page.context.close()


def test_single_choice_queue_filters_say_any_once(browser, live_server, people):
    page = _context_page(browser, live_server, people["tier1"])
    page.goto(f"{live_server.url}/desk/tickets/")
    status_height = page.locator("select[name=status] + .ts-wrapper").bounding_box()["height"]
    for name in ("tier", "assignee", "sla"):
        wrapper = page.locator(f".ts-wrapper:has(+ select[name={name}]), select[name={name}] + .ts-wrapper").first
        # closed: the control reads "Any" once (the empty choice, not that and the placeholder)
        assert wrapper.locator(".ts-control").inner_text().split() == ["Any"], name
        # and no placeholder "Any" under it: one line, as tall as the multiple-choice filters
        assert wrapper.bounding_box()["height"] == status_height, name
        wrapper.locator(".ts-control").click()
        dropdown = wrapper.locator(".ts-dropdown")
        dropdown.wait_for()
        options = [text.strip() for text in dropdown.locator(".option").all_inner_texts()]
        assert options.count("Any") == 1, (name, options)
        page.keyboard.press("Escape")
    page.context.close()
