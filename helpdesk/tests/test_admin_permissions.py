"""The admin's permission matrix: every URL of every registered model admin (its change
forms, add, delete, history, password and custom pages) and every admin action, GET and
POST, as every role. Generated from the admin site's registry, so a new admin page is
covered as soon as it is registered: its model must be given an entry in MANAGER_MAY.

A refused GET is a 403 (or, for people without staff status, a redirect to the admin's
sign-in); a refused POST is a 403 or changes nothing in the database. Every request runs
in a savepoint that is rolled back, so each starts from the same rows."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, reverse
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import AgentProfile, Role, User
from accounts.services import api_token_create
from accounts.tests.factories import EnrollmentFactory, LearningActivityFactory, UserFactory
from helpdesk.models import EncryptedTOTPDevice, Event, WorkerHeartbeat
from tickets.email.ingest import mail_ingest
from tickets.models import Mailbox
from tickets.services import csat_record, nps_offer_due, refund_request_open, ticket_reply, ticket_status_set
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db

VERBS = frozenset({"view", "add", "change", "delete"})
# What managers may do in the admin, per model: a decision per model, not read from the
# role definitions under test. A model missing here fails the test.
MANAGER_MAY: dict[str, set[str]] = {
    "auth.group": set(),
    "accounts.apitoken": set(),
    # Sign-in: lockouts and second-factor devices are the administrators' (django-axes, django-otp).
    "axes.accessattempt": set(),
    "axes.accesslog": set(),
    "axes.accessfailurelog": set(),
    "helpdesk.encryptedtotpdevice": set(),
    "django_otp_webauthn.webauthncredential": set(),
    "accounts.user": {"view", "add", "change"},
    "accounts.agentprofile": {"view", "add", "change"},
    "accounts.customerprofile": {"view", "change"},
    "accounts.course": {"view"},
    "accounts.order": {"view"},
    "accounts.enrollment": {"view"},
    "accounts.learningactivity": {"view"},
    "helpdesk.workerheartbeat": {"view"},
    "helpdesk.auditevent": set(),
    "tickets.category": {"view", "add", "change"},
    "tickets.ticket": {"view"},
    "tickets.ticketevent": {"view"},
    "tickets.refundrequest": {"view"},
    "tickets.csatresponse": {"view"},
    "tickets.npsresponse": {"view"},
    "tickets.slapolicy": {"view", "change"},
    "tickets.businesshours": {"view", "add", "change"},
    "tickets.cannedresponse": {"view", "add", "change", "delete"},
    "tickets.mailbox": {"view", "add", "change"},
    "tickets.mailmessage": {"view", "change"},
    "kb.kbcategory": {"view", "add", "change"},
    "kb.tag": {"view", "add", "change"},
    "kb.article": {"view", "add", "change"},
    "kb.articlerevision": {"view", "change"},
    "kb.articlefeedback": {"view"},
    "kb.autoanswerrule": {"view", "add", "change"},
    "kb.triagemodel": {"view", "change"},
    "tickets.macro": {"view", "add", "change", "delete"},
    # The outbox and the platform connection (keys, secrets, webhooks) are the administrators'.
    "helpdesk.event": set(),
    "integrations.integration": set(),
    "integrations.apikey": set(),
    "integrations.webhooksubscription": set(),
    "integrations.webhookdelivery": set(),
}
# What nobody does in the admin, administrators included: records written by the services.
NOBODY_MAY: dict[str, set[str]] = {
    "accounts.apitoken": {"add", "delete"},
    "axes.accessattempt": {"add"},
    "axes.accesslog": {"add"},
    "axes.accessfailurelog": {"add"},
    "helpdesk.workerheartbeat": {"add", "change"},
    "helpdesk.encryptedtotpdevice": {"add"},
    "django_otp_webauthn.webauthncredential": {"add"},
    "helpdesk.auditevent": {"add", "change", "delete"},
    "tickets.ticket": {"add", "change", "delete"},
    "tickets.ticketevent": {"add", "change", "delete"},
    "tickets.refundrequest": {"add", "change", "delete"},
    "tickets.csatresponse": {"add", "change", "delete"},
    "tickets.npsresponse": {"add", "change", "delete"},
    "tickets.mailmessage": {"add", "change", "delete"},
    "kb.articlerevision": {"add"},
    "kb.articlefeedback": {"add"},
    "kb.triagemodel": {"add"},
    "helpdesk.event": {"add", "change", "delete"},
    "integrations.apikey": {"add"},
    "integrations.webhookdelivery": {"add", "change"},
}
# Pages of a model admin beyond Django's own, and the verb each needs.
# "nobody": the page is refused to everyone (a second-factor device's secret stays hidden).
CUSTOM_PAGES = {
    "auth_user_password_change": "change",
    "kb_triagemodel_retrain": "change",
    "integrations_context_import": "change",
}
NON_STAFF = ["anon", "customer_a", "tier1", "tier2"]
STAFF = ["manager", "admin"]


@dataclass
class Account:
    """The people whose accounts the admin pages act on."""

    customer: User
    agent: User
    other_manager: User
    administrator: User


@pytest.fixture
def everything(customer_a, tier2_agent, manager, admin_user) -> Account:
    """At least one row of every model the admin shows."""
    mailbox = Mailbox.objects.create(
        name="Support",
        address="support@example.com",
        imap_host="127.0.0.1",
        imap_port=9,
        imap_user="support",
        imap_password="secret",
    )
    enrollment = EnrollmentFactory(customer=customer_a, order__customer=customer_a)
    LearningActivityFactory(enrollment=enrollment)
    ticket = open_ticket(customer_a)
    ticket_reply(ticket=ticket, author=tier2_agent, body="Reply")
    ticket_status_set(ticket=ticket, actor=tier2_agent, status="resolved")
    csat_record(ticket=ticket, customer=customer_a, rating=5, comment="")
    refund_request_open(
        customer=customer_a, order=enrollment.order, amount=Decimal("1.00"), reason="Wrong course", channel="web"
    )
    nps_offer_due()
    raw = b"From: someone@example.net\r\nSubject: x\r\nMessage-ID: <m1@example.net>\r\n\r\nHello"
    mail_ingest(raw=raw, mailbox=mailbox)
    WorkerHeartbeat.objects.create(hostname="worker-1")
    api_token_create(user=customer_a, name="app")
    seen = {"user_agent": "test", "ip_address": "203.0.113.9", "username": customer_a.email, "http_accept": "*/*"}
    seen["path_info"] = "/accounts/login/"
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    # Unconfirmed devices: they show in the admin, and ask nothing of tier2 at sign-in.
    EncryptedTOTPDevice.objects.create(user=tier2_agent, name="phone", confirmed=False)
    WebAuthnCredential.objects.create(
        user=tier2_agent, name="laptop", credential_id=b"\x01" * 32, public_key=b"\x02" * 77, aaguid="", confirmed=False
    )
    from kb.models import ArticleFeedback, AutoAnswerRule, Tag, TriageModel
    from kb.tests.factories import article

    published = article("How to get a refund", "Ask within seven days.", tags=["refund"])
    ArticleFeedback.objects.create(article=published, helpful=True, session_key="s")
    AutoAnswerRule.objects.get_or_create(category=ticket.category or _first_category())
    Tag.objects.get_or_create(name="refund")
    TriageModel.objects.create(target="category", version=1, pipeline="test", payload=b"", train_size=1, test_size=1)
    from integrations.models import WebhookDelivery, WebhookSubscription
    from integrations.services.keys import integration_create
    from tickets.models import Macro

    Macro.objects.create(name="Thanks", reply="Thank you.")
    integration, _key = integration_create(name="Shop")
    subscription = WebhookSubscription.objects.create(integration=integration, url="https://shop.example.com/hooks")
    WebhookDelivery.objects.create(
        subscription=subscription, event=Event.objects.order_by("pk").first(), event_name="ticket.created"
    )
    accounts = Account(
        customer=customer_a,
        agent=tier2_agent,
        other_manager=UserFactory(email="manager2@example.com", roles=[Role.MANAGER]),
        administrator=admin_user,
    )
    AgentProfile.objects.get_or_create(user=accounts.administrator)
    return accounts


def _first_category():
    from tickets.models import Category

    return Category.objects.order_by("pk").first()


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def test_every_registered_model_has_a_decision():
    registered = {_label(model) for model in admin.site._registry}
    assert registered == set(MANAGER_MAY), "decide what managers may do with each admin page"


def _may(role: str, model: type[models.Model], verb: str, obj: models.Model | None, me: User) -> bool:
    label = _label(model)
    if verb == "nobody" or verb in NOBODY_MAY.get(label, set()):
        return False
    if role == "admin":
        return True
    allowed = verb in MANAGER_MAY[label]
    if allowed and label == "accounts.user" and verb in ("change", "delete") and obj is not None:
        # Managers never touch another staff account (an administrator's above all).
        allowed = not (obj.is_staff or obj.is_superuser) or obj.pk == me.pk
    return allowed


@dataclass
class Page:
    name: str
    url: str
    model: type[models.Model]
    obj: models.Model | None
    verb_get: str | None  # None: the page answers only POST
    verb_post: str | None  # None: the page answers only GET


def _pages(objects: dict[type[models.Model], list[models.Model]]) -> Iterator[Page]:
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            kind = pattern.name.removeprefix(info + "_") if pattern.name.startswith(info) else pattern.name
            takes_object = bool(pattern.pattern.regex.groupindex)
            targets = objects[model] if takes_object else [None]
            for obj in targets:
                kwargs = {key: str(obj.pk) for key in pattern.pattern.regex.groupindex} if obj is not None else {}
                url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
                if kind == "changelist":
                    yield Page(pattern.name, url, model, None, "view", "change")
                elif kind in ("add", "delete"):
                    yield Page(pattern.name, url, model, obj, kind, kind)
                elif kind == "change":
                    yield Page(pattern.name, url, model, obj, "view", "change")
                elif kind == "history":
                    yield Page(pattern.name, url, model, obj, "view", None)
                elif pattern.name in CUSTOM_PAGES:
                    verb = CUSTOM_PAGES[pattern.name]
                    yield Page(pattern.name, url, model, obj, None if "retrain" in pattern.name else verb, verb)
                else:
                    raise AssertionError(f"admin page {pattern.name} needs an entry in CUSTOM_PAGES")


def _objects(accounts: Account) -> dict[type[models.Model], list[models.Model]]:
    found = {}
    for model in admin.site._registry:
        if model is User:
            found[model] = [accounts.customer, accounts.agent, accounts.other_manager, accounts.administrator]
        else:
            first = model._default_manager.order_by("pk").first()
            assert first is not None, f"the fixture has no {_label(model)}"
            found[model] = [first]
    return found


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every table but sessions, to prove that a refused POST changed nothing."""
    skip = {Session}
    return {
        _label(model): list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model not in skip and model._meta.managed
    }


def _request_rolled_back(client: Client, method: str, url: str, data: dict | None = None, *, baseline=None):
    """The response, and whether the database differs from ``baseline`` afterwards (only
    compared when a baseline is given). The request's writes are rolled back."""
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        changed = baseline is not None and _snapshot() != baseline
        transaction.set_rollback(True)
    return response, changed


@pytest.mark.parametrize("role", NON_STAFF)
def test_people_without_staff_status_reach_no_admin_page(clients, everything, role):
    # given
    client = clients(role)
    failures = []
    # when
    for page in _pages(_objects(everything)):
        for method in ("get", "post"):
            response, _ = _request_rolled_back(client, method, page.url, {"_save": "Save"})
            # then: sent to sign in before any view code runs
            if response.status_code != 302 or not response["Location"].startswith(reverse("admin:login")):
                failures.append(f"{method.upper()} {page.url}: {response.status_code} {response.get('Location')}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", STAFF)
def test_staff_reach_exactly_the_admin_pages_of_their_role(clients, everything, manager, admin_user, role):
    # given
    client = clients(role)
    me = manager if role == "manager" else admin_user
    baseline = _snapshot()
    failures = []
    # when
    for page in _pages(_objects(everything)):
        if page.verb_get is not None:
            response, _ = _request_rolled_back(client, "get", page.url)
            want = _may(role, page.model, page.verb_get, page.obj, me) or (
                page.verb_get == "view" and _may(role, page.model, "change", page.obj, me)
            )
            # then
            if want and response.status_code != 200:
                failures.append(f"GET {page.url}: {response.status_code}, expected 200")
            if not want and response.status_code != 403:
                failures.append(f"GET {page.url}: {response.status_code}, expected 403")
        if page.verb_post is not None:
            want = _may(role, page.model, page.verb_post, page.obj, me)
            data = {"_save": "Save", "post": "yes"}
            check = None if want else baseline
            response, changed = _request_rolled_back(client, "post", page.url, data, baseline=check)
            if want and response.status_code == 403:
                failures.append(f"POST {page.url}: 403, expected to be allowed")
            # A changelist POST without an action or editable columns shows the list again.
            refused = response.status_code == 403 or (page.name.endswith("_changelist") and response.status_code == 200)
            if not want and (changed or not refused):
                failures.append(f"POST {page.url}: {response.status_code} (changed: {changed}), expected refused")
    assert not failures, "\n".join(failures)


def _actions() -> Iterator[tuple[type[models.Model], str, set[str]]]:
    """Every action of every model admin (Django's delete_selected included), with the
    verbs it needs."""
    for model, model_admin in admin.site._registry.items():
        for action in model_admin._get_base_actions():
            yield model, action.name, set(getattr(action.func, "allowed_permissions", ()))


@pytest.mark.parametrize("role", [*NON_STAFF, *STAFF])
def test_admin_actions_run_only_for_the_roles_that_may(clients, everything, manager, admin_user, role):
    # given
    client = clients(role)
    me = manager if role == "manager" else admin_user
    objects = _objects(everything)
    baseline = _snapshot()
    failures = []
    ran = 0
    for model, action, verbs in _actions():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for obj in objects[model]:
            # when
            want = role in STAFF and all(_may(role, model, verb, obj, me) for verb in verbs)
            data = {"action": action, "_selected_action": [str(obj.pk)], "index": "0", "post": "yes"}
            response, changed = _request_rolled_back(client, "post", url, data, baseline=None if want else baseline)
            # then
            ran += want
            if not want and changed:
                failures.append(f"{role} ran {action} on {_label(model)} {obj.pk}")
            if not want and role in NON_STAFF and response.status_code != 302:
                failures.append(f"{role} {action} on {_label(model)}: {response.status_code}")
    assert not failures, "\n".join(failures)
    if role in STAFF:
        assert ran, "no action was allowed: the fixture or the expectations are wrong"


def test_a_manager_cannot_grant_roles_staff_or_superuser_status(manager_client, customer_a):
    # given
    admin_group_id = str(Group.objects.get(name=Role.ADMIN).pk)
    url = reverse("admin:accounts_user_change", args=[customer_a.pk])
    data = {
        "email": customer_a.email,
        "name": "Renamed",
        "language": "en",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [admin_group_id],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    # when
    response = manager_client.post(url, data)
    # then: the name changed, nothing that grants power did
    assert response.status_code == 302, response.content.decode()[:2000]
    customer_a.refresh_from_db()
    assert customer_a.name == "Renamed"
    assert not customer_a.is_staff
    assert not customer_a.is_superuser
    assert customer_a.roles == {Role.CUSTOMER}


def test_a_manager_cannot_make_themselves_superuser(manager_client, manager):
    url = reverse("admin:accounts_user_change", args=[manager.pk])
    data = {
        "email": manager.email,
        "name": "Me",
        "language": "en",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    manager_client.post(url, data)
    manager.refresh_from_db()
    assert not manager.is_superuser


def test_a_manager_cannot_reset_the_administrators_password(manager_client, admin_user):
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert manager_client.get(url).status_code == 403
    response = manager_client.post(url, {"password1": "taken-over-9137", "password2": "taken-over-9137"})
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert not admin_user.check_password("taken-over-9137")


def test_an_administrator_grants_roles(admin_client_role, customer_a):
    url = reverse("admin:accounts_user_change", args=[customer_a.pk])
    data = {
        "email": customer_a.email,
        "name": customer_a.name,
        "language": "en",
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(Group.objects.get(name=Role.MANAGER).pk)],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    assert admin_client_role.post(url, data).status_code == 302
    customer_a.refresh_from_db()
    assert customer_a.is_staff
    assert Role.MANAGER in User.objects.get(pk=customer_a.pk).roles
