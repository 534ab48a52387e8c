"""Done when: a platform in another process, speaking HTTP only, pushes 1,000 customers,
50 courses, 5,000 orders (some refunded), their enrollments and 50,000 learning days; the
desk and the API show them; the same push again changes nothing; bad items are named."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Enrollment, LearningActivity, Order, OrderStatus, User
from integrations.services.keys import integration_create

pytestmark = pytest.mark.django_db(transaction=True)
PLATFORM = Path(__file__).with_name("platform_push.py")


def run_platform(live_server, key: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(PLATFORM), live_server.url, key, *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(result.stdout)


def test_a_platform_process_pushes_its_context_over_http(live_server, tier1_client):
    _integration, key = integration_create(name="Platform")
    first = run_platform(live_server, key.key)
    for resource, items in [
        ("customers", 1000),
        ("courses", 50),
        ("orders", 5000),
        ("learning-activity", 50000),
    ]:
        assert first[resource]["items"] == items
        assert (first[resource]["created"], first[resource]["errors"], first[resource]["statuses"]) == (
            items,
            0,
            [200],
        ), resource
    assert first["enrollments"]["created"] == first["enrollments"]["items"] > 0
    assert Order.objects.filter(status=OrderStatus.REFUNDED).count() == 500
    assert LearningActivity.objects.count() == 50000

    # the desk's customer page and the API show what was pushed
    learner = User.objects.get(customer_profile__platform_user_id="u7")
    page = tier1_client.get(reverse("desk:customer-detail", kwargs={"pk": learner.pk})).content.decode()
    order = Order.objects.filter(customer=learner).first()
    assert order.course.title in page
    assert order.number in page
    from rest_framework.test import APIClient

    platform_client = APIClient()
    platform_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.key}")
    body = platform_client.get(reverse("api:integration-customer-detail", kwargs={"external_id": "u7"})).json()
    assert {o["external_id"] for o in body["orders"]} == set(
        Order.objects.filter(customer=learner).values_list("number", flat=True)
    )
    assert len(body["enrollments"]) == Enrollment.objects.filter(customer=learner).count()

    # the same push again: everything unchanged
    again = run_platform(live_server, key.key)
    for resource, total in again.items():
        assert (total["created"], total["updated"], total["errors"]) == (0, 0, 0), resource
        assert total["unchanged"] == total["items"]

    # a batch with bad items lands the good ones and names the bad
    bad = run_platform(live_server, key.key, "--bad")
    assert bad["status"] == 200
    assert bad["created"] == 2
    assert [e["index"] for e in bad["errors"]] == [1, 2]
    assert set(bad["errors"][0]["errors"]) == {"customer"}
    assert set(bad["errors"][1]["errors"]) == {"amount"}
