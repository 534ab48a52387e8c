"""Browser journeys of the platform connection, in headless Chromium against a live server:
an anonymous visitor gets back to their ticket from a link mailed to a real SMTP server;
a platform JWT lands a learner on their tickets, and a spent or expired one is refused."""

import re
import time
import uuid

import jwt
import pytest
from django.test import override_settings

from accounts.models import AgentTier, User
from accounts.tests.factories import CourseFactory, CustomerFactory, OrderFactory, agent
from helpdesk.tests.test_browser import SCREENSHOTS, browser  # noqa: F401 - the shared fixture
from integrations.services.keys import integration_create
from tickets.models import Category, Ticket
from tickets.services import ticket_reply
from tickets.tests.factories import open_ticket
from tickets.tests.test_email_outbound import smtp  # noqa: F401 - the real SMTP server fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp_for(smtp, live_server):  # noqa: F811
    """The real SMTP server of the mail tests; links point at the live server."""
    with override_settings(HELPDESK_SITE_URL=live_server.url):
        yield smtp


def submit_as_visitor(page, live_server) -> Ticket:
    """An anonymous visitor files a ticket on the help-center form."""
    page.goto(f"{live_server.url}/tickets/new/")
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=email]", "xiaoming@example.cn")
    page.fill("input[name=subject]", "发票什么时候开")
    page.fill("textarea[name=message]", "需要开公司抬头的发票。")
    page.click("main form button[type=submit]")
    page.locator("[data-testid=ticket-submitted]").wait_for()
    return Ticket.objects.get(customer__email="xiaoming@example.cn")


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_an_anonymous_visitor_gets_back_to_their_ticket_from_the_mail(browser, live_server, smtp_for):  # noqa: F811
    Category.objects.get_or_create(slug="other", defaults={"name_en": "Other", "name_zh_hans": "其他"})
    tier1 = agent("li.na@example.com", tier=AgentTier.TIER_1)
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    ticket = submit_as_visitor(page, live_server)

    ticket_reply(ticket=ticket, author=tier1, body="您好，发票会在 3 个工作日内发到您的邮箱。")
    mails = smtp_for.to("xiaoming@example.cn")
    assert len(mails) == 2  # received, then the agent's reply
    link = re.search(rf"{re.escape(live_server.url)}/accounts/link/\S+/", _text(mails[-1])).group(0)

    page.goto(link)
    page.click("[data-testid=signin-link-confirm]")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/tickets/{ticket.pk}/"
    assert "发票会在 3 个工作日内" in page.content()
    page.fill("textarea[name=message]", "好的，谢谢！")
    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert ticket.messages.filter(from_customer=True, body="好的，谢谢！").exists()
    page.screenshot(path=str(SCREENSHOTS / "help-ticket-from-mail-link.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(link)  # the link worked once
    assert "has been used already" in page.locator("[data-testid=link-refused]").inner_text()
    page.close()


def _jwt(integration, **claims) -> str:
    now = int(time.time())
    body = {"sub": "u42", "email": "learner@platform.example.cn", "name": "张伟", "iat": now, "exp": now + 300}
    body.update({"jti": uuid.uuid4().hex, **claims})
    return jwt.encode(body, integration.jwt_secret, algorithm="HS256")


def test_a_platform_jwt_lands_a_learner_on_their_tickets_with_their_orders(browser, live_server):  # noqa: F811
    integration, _key = integration_create(name="Platform")
    learner = CustomerFactory(email="learner@platform.example.cn", name="张伟")
    learner.customer_profile.platform_user_id = "u42"
    learner.customer_profile.save()
    OrderFactory(customer=learner, number="P-2026-001", course=CourseFactory(code="econ", title="经济学 30 讲"))
    ticket = open_ticket(learner, subject="课程无法播放")
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")

    token = _jwt(integration)
    page.goto(f"{live_server.url}/sso/jwt/?jwt={token}")
    assert page.url == f"{live_server.url}/tickets/"
    assert ticket.subject in page.content()
    page.goto(f"{live_server.url}/")
    orders = page.locator("[data-testid=my-orders]").inner_text()
    assert "P-2026-001" in orders
    assert "经济学 30 讲" in orders
    page.screenshot(path=str(SCREENSHOTS / "help-sso-orders.png"), full_page=True)

    page.context.clear_cookies()
    replay = page.goto(f"{live_server.url}/sso/jwt/?jwt={token}")
    assert replay.status == 400
    assert "used already" in page.locator("[data-testid=sso-refused]").inner_text()
    expired = _jwt(integration, iat=int(time.time()) - 900, exp=int(time.time()) - 300)
    response = page.goto(f"{live_server.url}/sso/jwt/?jwt={expired}")
    assert response.status == 400
    assert "has expired" in page.locator("[data-testid=sso-refused]").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "help-sso-refused.png"), full_page=True)
    assert User.objects.filter(email="learner@platform.example.cn").count() == 1
    page.close()
