"""With REDIS_URL pointing at a closed port the product keeps serving: no 500 anywhere in
the browser smoke journeys (help center, ticket submission, sign-in, desk, reports, API),
the cache degrades to none, and what was to be done waits in the outbox. Once Redis is
back, a worker delivers it: no ticket and no notification lost."""

import os
import shutil
import subprocess
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import override_settings

from accounts.models import AgentTier
from accounts.tests.factories import CustomerFactory, UserFactory, agent
from conftest import wait_until
from helpdesk import events
from helpdesk.cache import ResilientRedisCacheClient
from helpdesk.models import Event
from helpdesk.tasks import events_dispatch_pending_task
from helpdesk.tests.test_browser import _sign_in, browser  # noqa: F401 - the shared fixture
from integrations.tests.test_browser import submit_as_visitor
from tickets.models import Category
from tickets.tests.factories import open_ticket
from tickets.tests.test_email_outbound import _free_port

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@contextmanager
def broker(url: str):
    """The Celery app sending to ``url`` (not eagerly), restored afterwards."""
    from helpdesk.celery import app

    keys = ["broker_url", "broker_transport", "broker_transport_options", "task_always_eager"]
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=url, broker_transport=None, broker_transport_options={}, task_always_eager=False)
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield app
    finally:
        app.conf.update(saved)
        app._pool, app.amqp._producer_pool = None, None


@pytest.fixture
def redis_down():
    """A Redis URL on a port where nothing listens (yet): cache and broker both point at it.
    Yields a function that starts a real Redis server there."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    caches = {
        "default": {
            "BACKEND": "helpdesk.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    servers = []

    def start() -> None:
        servers.append(
            subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
                # not under scripts/test-at's libfaketime, which redis-server's allocator cannot start with
                env={name: value for name, value in os.environ.items() if name != "LD_PRELOAD"},
            )
        )
        import redis

        assert wait_until(lambda: _pings(redis.Redis.from_url(url)), timeout=20)
        ResilientRedisCacheClient.down_until = 0.0
        events._broker_down_until = 0.0

    ResilientRedisCacheClient.down_until = 0.0
    events._broker_down_until = 0.0
    with override_settings(CACHES=caches, HELPDESK_EVENT_ERRORS_PROPAGATE=False), broker(url) as app:
        yield app, start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


def test_without_redis_nothing_fails_and_nothing_is_lost(browser, live_server, redis_down):  # noqa: F811
    app, redis_start = redis_down
    Category.objects.get_or_create(slug="other", defaults={"name_en": "Other", "name_zh_hans": "其他"})
    customer = CustomerFactory(email="zhang.wei@example.cn", name="张伟")
    own = open_ticket(customer, subject="已有的工单")
    agent("li.na@example.com", tier=AgentTier.TIER_1)
    UserFactory(email="zhou.min@example.com", roles=["manager"])
    errors: list[str] = []

    def page_for():
        page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US").new_page()
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
        return page

    # an anonymous visitor files a ticket
    visitor = page_for()
    visitor.goto(f"{live_server.url}/")
    filed = submit_as_visitor(visitor, live_server)

    # a customer signs in and answers; an agent works the queue; a manager reads reports
    signed_in = page_for()
    _sign_in(signed_in, live_server, "zhang.wei@example.cn")
    for path in ("/", "/tickets/", "/notifications/", f"/tickets/{own.pk}/"):
        assert signed_in.goto(f"{live_server.url}{path}").status == 200, path
    signed_in.fill("textarea[name=message]", "还是打不开。")
    signed_in.click("form[action$='/reply/'] button[type=submit]")
    signed_in.wait_for_load_state("networkidle")
    assert signed_in.request.get(f"{live_server.url}/api/me/").status == 200

    desk = page_for()
    _sign_in(desk, live_server, "li.na@example.com")
    for path in ("/desk/", "/desk/tickets/", f"/desk/tickets/{filed.pk}/"):
        assert desk.goto(f"{live_server.url}{path}").status == 200, path
    desk.fill("#reply textarea[name=body]", "您好，发票会在 3 个工作日内发出。")
    desk.click("#reply button[type=submit]")
    desk.wait_for_load_state("networkidle")

    reports = page_for()
    _sign_in(reports, live_server, "zhou.min@example.com")
    assert reports.url == f"{live_server.url}/reports/"

    assert errors == []
    assert filed.messages.count() == 2
    assert mail.outbox == []  # nothing could be sent yet …
    assert Event.objects.filter(dispatched_at__isnull=True).exists()  # … it waits in the outbox

    # Redis is back; beat's next sweep reaches a worker, which sends everything
    redis_start()
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        events_dispatch_pending_task.delay(grace_seconds=0)
        assert wait_until(lambda: not Event.objects.filter(dispatched_at__isnull=True).exists(), timeout=60)
        assert wait_until(lambda: len([m for m in mail.outbox if "xiaoming@example.cn" in m.to]) == 2, timeout=60)
    visitor_mails = [m.body for m in mail.outbox if "xiaoming@example.cn" in m.to]
    assert any("我们已收到" in body or "We have received" in body for body in visitor_mails)
    assert any("发票会在 3 个工作日内" in body for body in visitor_mails)
    for page in (visitor, signed_in, desk, reports):
        page.context.close()
