"""Browser test of the desk's live-chat parts: the agent's presence in the header (from the
page's heartbeats) with its away toggle, and a chat's SLA countdown ticking in seconds."""

import pytest

from accounts.models import AgentProfile, User
from tickets.choices import Channel
from tickets.models import SLAPolicy
from tickets.tests.factories import open_ticket

from .test_browser import _context_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_shows_presence_and_a_chat_counts_down(browser, live_server, people):
    # Transactional tests flush what data migrations seed: a policy with chat targets.
    SLAPolicy.objects.update_or_create(
        priority="normal",
        defaults={
            "first_response_minutes": 240,
            "resolution_minutes": 2160,
            "chat_first_response_seconds": 600,
            "chat_resolution_seconds": 1800,
        },
    )
    chat = open_ticket(User.objects.get(email=people["customer"]), channel=Channel.CHAT, route=False)
    page = _context_page(browser, live_server, people["tier1"])
    page.goto(f"{live_server.url}/desk/tickets/{chat.pk}/")
    status = page.locator("[data-testid=presence-status]")
    status.locator("[data-presence-label]", has_text="Online").wait_for()
    assert status.get_attribute("data-status") == "online"
    agent = AgentProfile.objects.get(user__email=people["tier1"])
    assert agent.last_seen_at is not None
    # the first-response countdown ticks every second, in minutes and seconds
    countdown = page.locator("[data-testid=sla] [data-testid=countdown]").first
    before = countdown.inner_text()
    assert " min " in before
    page.wait_for_function(
        "previous => document.querySelector('[data-testid=sla] [data-testid=countdown]').textContent !== previous",
        arg=before,
    )
    # the toggle sets the agent away and comes back to the same page
    status.locator("[data-presence-toggle]", has_text="Set me away").click()
    page.wait_for_url(f"**/desk/tickets/{chat.pk}/")
    status.locator("[data-presence-label]", has_text="Away").wait_for()
    assert not AgentProfile.objects.get(pk=agent.pk).is_available
    status.locator("[data-presence-toggle]", has_text="Set me available").click()
    status.locator("[data-presence-label]", has_text="Online").wait_for()
    page.context.close()
