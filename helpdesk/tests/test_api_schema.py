"""The OpenAPI schema documents every API route, and no request the schema allows (or
nearly allows) makes the API answer with a server error, a status code the schema does not
document, or a body or content type other than documented, for an agent or a customer."""

import re
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from accounts.services import api_token_create
from tickets.models import Status, Ticket
from tickets.services import ticket_reply, ticket_status_set
from tickets.tests.factories import category, open_ticket

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"
EXAMPLES_PER_OPERATION = 25
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# The schema and its viewers describe the API; they are not part of it.
SCHEMA_VIEWS = (SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView)


def _api_routes() -> Iterator[tuple[str, set[str]]]:
    """(URL, HTTP methods) of every route in the "api" namespace, schema views left out."""

    def walk(patterns: list, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix)
            elif pattern.name:
                yield f"{prefix}:{pattern.name}", pattern

    (api,) = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api"]
    for name, pattern in walk(api.url_patterns, "api"):
        view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        if view is not None and issubclass(view, SCHEMA_VIEWS):
            continue
        kwargs = dict.fromkeys(pattern.pattern.regex.groupindex, "1")
        actions = getattr(pattern.callback, "actions", None)
        # DRF adds "head" to a viewset's actions once it has served a GET; HEAD is not documented.
        methods = set(actions) & set(HTTP_METHODS) if actions else {m for m in HTTP_METHODS if hasattr(view, m)}
        yield reverse(name, kwargs=kwargs), methods


def test_every_api_route_is_in_the_schema(tier2_client):
    # given
    response = tier2_client.get(SCHEMA_URL)
    assert response.status_code == 200
    paths = response.json()["paths"]
    templates = {re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$"): path for path in paths}
    routes = list(_api_routes())
    assert any(url.startswith("/api/tickets/") for url, _ in routes)
    # then
    for url, methods in routes:
        documented = [path for regex, path in templates.items() if regex.match(url)]
        assert documented, f"{url} is not in the schema"
        assert methods <= set(paths[documented[0]]), f"{url}: {methods} not all documented"


def test_every_ticket_operation_documents_its_request_and_responses(tier2_client):
    paths = tier2_client.get(SCHEMA_URL).json()["paths"]
    for path, operations in paths.items():
        if not path.startswith("/api/tickets/"):
            continue
        for method, operation in operations.items():
            if method == "post":
                assert "application/json" in operation["requestBody"]["content"], (method, path)
            assert {"400", "403", "404"} <= set(operation["responses"]), (method, path)
            success = {"200", "201"} & set(operation["responses"])
            assert success, (method, path)


def test_the_schema_is_only_for_signed_in_users(anon_client):
    assert anon_client.get(SCHEMA_URL).status_code in (401, 403)


# --- schema-driven property test -------------------------------------------------------------


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The project's WSGI application, called in-process by schemathesis.

    Like Django's test client, stop the request signals from closing the connection that
    holds the test's transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=["tier2_agent", "customer_a"])
def api_user(request) -> User:
    return request.getfixturevalue(request.param)


@pytest.fixture
def api_headers(api_user: User) -> dict[str, str]:
    return {"Authorization": f"Token {api_token_create(user=api_user, name='schemathesis', scope='write')[1]}"}


@pytest.fixture
def api_ticket(api_user, customer_a, customer_b, tier2_agent) -> Ticket:
    """Tickets in several states; the one returned is visible to ``api_user``, so actions
    reach the services instead of stopping at a 404."""
    resolved = open_ticket(customer_a, category=category("payment"))
    ticket_reply(ticket=resolved, author=tier2_agent, body="Internal", internal=True)
    ticket_status_set(ticket=resolved, actor=tier2_agent, status=Status.RESOLVED)
    open_ticket(customer_b, category=category("complaint"))
    return open_ticket(customer_a)


def _operations(schema) -> list:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema has no operations"
    return operations


# schemathesis.pytest.from_fixture (the lazy loader a fixture-built schema needs) reads
# pytest's private Node._nodeid, which pytest 9 no longer has; so each operation's strategy
# is driven by Hypothesis directly, one subtest per operation.
def test_api_answers_only_what_its_schema_documents(wsgi_app, api_headers, api_ticket, subtests):
    # given: the schema as the signed-in user reads it, from the WSGI application
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app, headers=api_headers)
    for operation in _operations(schema):
        path_parameters = {"id": str(api_ticket.pk)} if "{id}" in operation.path else None
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=path_parameters),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=path_parameters),
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,  # nothing written under the project; a failure prints its example
            # Requests go through the whole stack; negative generation discards many drafts.
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def no_server_error(case: schemathesis.Case) -> None:
            # when / then
            case.call_and_validate(
                headers=api_headers,
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
            )

        with subtests.test(msg=operation.label):
            no_server_error()
