"""Role clients and the real Celery worker shared by every app's tests."""

import time
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import AgentTier, Role, User
from accounts.tests.factories import CustomerFactory, OrderFactory, UserFactory, agent


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: rolled-back rows may reuse primary keys (SQLite),
    and a cached permission set must never outlive the user it was read for. The same goes
    for the per-process course model of the recommendations."""
    from django.core.cache import cache

    from accounts.recommendations import course_model_forget

    cache.clear()
    course_model_forget()


@pytest.fixture(autouse=True)
def _english() -> None:
    """Tests read English unless they switch; a worker's locale never leaks in."""
    with translation.override("en"):
        yield


@pytest.fixture
def customer_a(db) -> User:
    user = CustomerFactory(email="customer-a@example.com", name="Customer A")
    OrderFactory(customer=user)
    return user


@pytest.fixture
def customer_b(db) -> User:
    user = CustomerFactory(email="customer-b@example.com", name="Customer B")
    OrderFactory(customer=user)
    return user


@pytest.fixture
def tier1_agent(db) -> User:
    return agent("tier1@example.com", tier=AgentTier.TIER_1)


@pytest.fixture
def tier2_agent(db) -> User:
    return agent("tier2@example.com", tier=AgentTier.TIER_2)


@pytest.fixture
def manager(db) -> User:
    return UserFactory(email="manager@example.com", roles=[Role.MANAGER])


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(email="admin@example.com", roles=[Role.ADMIN])


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def anon_client() -> Client:
    return Client()


@pytest.fixture
def customer_a_client(customer_a: User) -> Client:
    return _client_for(customer_a)


@pytest.fixture
def customer_b_client(customer_b: User) -> Client:
    return _client_for(customer_b)


@pytest.fixture
def tier1_client(tier1_agent: User) -> Client:
    return _client_for(tier1_agent)


@pytest.fixture
def tier2_client(tier2_agent: User) -> Client:
    return _client_for(tier2_agent)


@pytest.fixture
def manager_client(manager: User) -> Client:
    return _client_for(manager)


@pytest.fixture
def admin_client_role(admin_user: User) -> Client:
    return _client_for(admin_user)


@pytest.fixture
def clients(request) -> Callable[[str], Client]:
    """The client of a role by name: "anon", "customer_a", "tier1", "manager", "admin"…"""

    def get(role: str) -> Client:
        name = "anon_client" if role == "anon" else ("admin_client_role" if role == "admin" else f"{role}_client")
        return request.getfixturevalue(name)

    return get


@pytest.fixture
def worker_app():
    """The project's Celery app with its configured broker (Redis when REDIS_URL is set,
    else the filesystem transport), not eager, with nothing left queued by an earlier run.
    Start a worker with ``celery.contrib.testing.worker.start_worker(worker_app, ...)``."""
    from helpdesk.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()
    yield app
    app.conf.task_always_eager = eager


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
