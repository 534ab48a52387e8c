import pytest
from django.test import Client

from accounts.services import agent_presence_record
from integrations.services.keys import integration_create
from integrations.tests.test_sso import token
from tickets.models import BusinessHours


@pytest.fixture(autouse=True)
def chat_always_open(db, settings):
    """People answer the chat around the clock in these tests, whatever hour they run at (the
    seeded SLA calendar closes at 21:00 Beijing time). Tests of business hours set their own."""
    hours = BusinessHours.objects.create(name="Chat always", weekly={str(d): [["00:00", "24:00"]] for d in range(7)})
    settings.HELPDESK_CHAT_BUSINESS_HOURS = hours.name
    return hours


@pytest.fixture
def integration(db):
    integration, _key = integration_create(name="Course platform")
    return integration


@pytest.fixture
def tier1_agent(tier1_agent):
    """Live chats go to agents with a desk page open (online) only: this one has."""
    agent_presence_record(user=tier1_agent, idle_seconds=0)
    return tier1_agent


@pytest.fixture
def tier2_agent(tier2_agent):
    agent_presence_record(user=tier2_agent, idle_seconds=0)
    return tier2_agent


def platform_jwt(integration, **claims) -> str:
    """A learner's sign-in token from the platform (the SSO tests' helper)."""
    return token(integration, **{"sub": "learner-7", **claims})


class Visitor:
    """The chat frame, speaking to the JSON endpoints with its conversation's key."""

    def __init__(self, client: Client | None = None) -> None:
        self.client = client or Client(enforce_csrf_checks=True)
        self.token = ""

    def _headers(self) -> dict[str, str]:
        return {"HTTP_X_CHAT_TOKEN": self.token} if self.token else {}

    def start(self, **data):
        data.setdefault("language", "en")
        response = self.client.post("/chat/api/start/", data, **self._headers())
        if response.status_code == 201:
            self.token = response.json()["token"]
        return response

    def get(self, path: str, **params):
        return self.client.get(f"/chat/api/{path}", params, **self._headers())

    def post(self, path: str, data: dict | None = None):
        return self.client.post(f"/chat/api/{path}", data or {}, **self._headers())


@pytest.fixture
def visitor() -> Visitor:
    return Visitor()


@pytest.fixture
def started(db, visitor) -> Visitor:
    response = visitor.start(name="Wang Fang", email="wang.fang@example.cn", message="The video of lesson 3 stops")
    assert response.status_code == 201, response.content
    return visitor
