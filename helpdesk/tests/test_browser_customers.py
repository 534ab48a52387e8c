"""Browser tests of what customers meet in their first week: the help center on a phone,
the satisfaction survey by keyboard."""

import pytest

from tickets.models import Status
from tickets.services import ticket_reply, ticket_status_set
from tickets.tests.factories import open_ticket

from .test_browser import SCREENSHOTS, _context_page, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return page.evaluate(f"document.documentElement.scrollWidth - {PHONE['width']}")


@pytest.mark.parametrize("language", ["en-US", "zh-CN"])
def test_help_center_fits_a_375_px_phone(browser, live_server, people, language):
    from accounts.models import User

    customer = User.objects.get(email=people["customer"])
    ticket = open_ticket(customer, subject="视频播放到一半卡住，换了网络也一样")
    context = browser.new_context(viewport=PHONE, locale=language, is_mobile=True, has_touch=True)
    page = context.new_page()
    for path in ("/", "/accounts/login/", "/tickets/new/"):
        page.goto(f"{live_server.url}{path}")
        assert _overflow(page) <= 0, path
    _sign_in(page, live_server, people["customer"])
    signed_in = ("/", "/tickets/", f"/tickets/{ticket.pk}/", "/tickets/new/", "/refunds/new/", "/notifications/")
    for path in (*signed_in, "/survey/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert _overflow(page) <= 0, path
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(SCREENSHOTS / f"help-center-phone-{language[:2]}.png"), full_page=True)
    context.close()


def test_customer_rates_with_the_keyboard(browser, live_server, people):
    from accounts.models import User

    customer = User.objects.get(email=people["customer"])
    agent = User.objects.get(email=people["tier1"])
    ticket = open_ticket(customer, subject="发票抬头写错了")
    ticket_reply(ticket=ticket, author=agent, body="已为您重新开具发票。")
    ticket_status_set(ticket=ticket, actor=agent, status=Status.RESOLVED)
    page = _context_page(browser, live_server, people["customer"])
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    stars = page.locator("[data-testid=csat-stars]")
    assert stars.locator("input[type=radio]").count() == 5
    assert stars.locator("label[title='Very satisfied'] input[value='5']").count() == 1
    # Tab to the first star, the arrow keys choose, Enter sends
    page.focus("[data-testid=csat-stars] input[value='1']")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.locator("[data-testid=csat-stars] input:checked").get_attribute("value") == "4"
    page.screenshot(path=str(SCREENSHOTS / "help-csat-stars.png"))
    page.keyboard.press("Enter")
    page.locator("[data-testid=csat] >> text=You rated our support 4 out of 5").wait_for()
    page.context.close()
