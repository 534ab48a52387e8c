import pytest
from django.urls import reverse

from accounts.models import AgentProfile
from accounts.tests.factories import EnrollmentFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_agent_sets_away_and_back_with_htmx(tier1_client, tier1_agent):
    url = reverse("desk:agent-availability")
    response = tier1_client.post(url, {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Set me available" in response.content.decode()
    assert AgentProfile.objects.get(user=tier1_agent).is_available is False
    response = tier1_client.post(url, {"available": "on"}, headers={"HX-Request": "true"})
    assert "Set me away" in response.content.decode()
    assert AgentProfile.objects.get(user=tier1_agent).is_available is True


def test_availability_without_htmx_redirects_with_a_message(tier1_client):
    response = tier1_client.post(reverse("desk:agent-availability"), {}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("desk:home")
    assert "You are away" in response.content.decode()


def test_manager_who_is_not_an_agent_has_no_availability(manager_client):
    response = manager_client.post(reverse("desk:agent-availability"), {"available": "on"}, follow=True)
    assert "Only agents have an availability." in response.content.decode()


def test_desk_search_links_to_the_customer_context(tier1_client, customer_a):
    response = tier1_client.get(reverse("desk:home"), {"q": customer_a.email})
    assert reverse("desk:customer-detail", kwargs={"pk": customer_a.pk}) in response.content.decode()


def test_desk_search_says_when_nothing_matches(tier1_client):
    response = tier1_client.get(reverse("desk:home"), {"q": "nobody@example.com"})
    assert "No customer matches" in response.content.decode()


def test_customer_context_page_shows_orders_refunds_and_learning(tier1_client, customer_a):
    order = OrderFactory(customer=customer_a, refunded_amount="20.00", status="partially_refunded")
    enrollment = EnrollmentFactory(order=order, progress=64)
    page = tier1_client.get(reverse("desk:customer-detail", kwargs={"pk": customer_a.pk})).content.decode()
    assert order.number in page
    assert "Partially refunded" in page
    assert enrollment.course.title in page
    assert "64%" in page


def test_help_center_shows_only_the_customers_own_orders(customer_a_client, customer_a, customer_b):
    page = customer_a_client.get(reverse("help:home")).content.decode()
    assert customer_a.orders.get().number in page
    assert customer_b.orders.get().number not in page


def test_help_center_speaks_chinese(customer_a, customer_a_client):
    customer_a.language = "zh-hans"  # a signed-in person reads their account's language
    customer_a.save()
    page = customer_a_client.get(reverse("help:home")).content.decode()
    assert "有什么可以帮您" in page
    assert "我的订单" in page


def test_language_switch_remembers_the_choice(anon_client):
    anon_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "帮助中心" in anon_client.get(reverse("help:home")).content.decode()
    anon_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "How can we help you?" in anon_client.get(reverse("help:home")).content.decode()


def test_an_admin_edits_an_agents_chat_capacity(admin_client_role, tier1_agent):
    profile = tier1_agent.agent_profile
    assert profile.chat_capacity == 3  # the default
    url = reverse("admin:accounts_agentprofile_change", args=[profile.pk])
    page = admin_client_role.get(url)
    assert 'name="chat_capacity"' in page.content.decode()
    response = admin_client_role.post(
        url, {"user": tier1_agent.pk, "tier": 1, "is_available": "on", "chat_capacity": 5, "skills": []}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile.refresh_from_db()
    assert profile.chat_capacity == 5
