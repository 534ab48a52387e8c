"""The permission matrix: every role against every route of every surface."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["anon", "customer_a", "customer_b", "tier1", "tier2", "manager", "admin"]

# (url name, kwargs key, {role: expected status}); "login" means a redirect to sign in.
ANY = dict.fromkeys(ROLES, 200)
DESK = {"anon": "login", "customer_a": 403, "customer_b": 403, "tier1": 200, "tier2": 200, "manager": 200, "admin": 200}
REPORTS = {
    "anon": "login",
    "customer_a": 403,
    "customer_b": 403,
    "tier1": 403,
    "tier2": 403,
    "manager": 200,
    "admin": 200,
}
ADMIN = {
    "anon": "admin-login",
    "customer_a": "admin-login",
    "customer_b": "admin-login",
    "tier1": "admin-login",
    "tier2": "admin-login",
    "manager": 200,
    "admin": 200,
}
API = {"anon": 403, **{role: 200 for role in ROLES if role != "anon"}}
SIGNED_IN = {"anon": "login", **{role: 200 for role in ROLES if role != "anon"}}
# A customer's own ticket on the help center: the owner only; everyone else 404.
OWN_A = {"anon": "login", "customer_a": 200, **{role: 404 for role in ROLES if role not in ("anon", "customer_a")}}
# A customer's attachment: the owner and desk users; other customers 404.
ATTACHMENT_A = {
    "anon": "login",
    "customer_a": 200,
    "customer_b": 404,
    "tier1": 200,
    "tier2": 200,
    "manager": 200,
    "admin": 200,
}
# Administrators only (integrations hold keys to the customer data): managers get 403.
ADMIN_ONLY = {**ADMIN, "manager": 403}
# The integration API takes an integration's API key, never a person's session.
INTEGRATION_API = dict.fromkeys(ROLES, 401)
SIGNED_IN_LINK = {**ANY, "customer_a": 302}  # the link's own account is signed in already
# Report refresh (POST only) asked with GET: 405 once past the access check.
REPORTS_POST = {**REPORTS, "manager": 405, "admin": 405}
REPORTS_API = {**dict.fromkeys(ROLES, 403), "manager": 200, "admin": 200}
# POST-only desk actions asked with GET: 405 once past the access check.
DESK_POST = {**DESK, **dict.fromkeys(("tier1", "tier2", "manager", "admin"), 405)}
PASSKEY_POST = {"anon": 403, **{role: 405 for role in ROLES if role != "anon"}}

MATRIX = [
    ("help:home", None, ANY),
    ("landing", None, {"anon": "login", **{role: 302 for role in ROLES if role != "anon"}}),
    ("desk:home", None, DESK),
    ("desk:customer-detail", "customer_a", DESK),
    ("reports:home", None, REPORTS),
    *[
        (f"reports:{page}", None, REPORTS)
        for page in ("satisfaction", "times", "volume", "escalations", "deflection", "agents", "customers", "learners")
    ],
    ("reports:refresh", None, REPORTS_POST),
    ("reports:staffing", None, REPORTS),
    ("reports:subscriptions", None, REPORTS),
    ("api:report-snapshot-list", None, REPORTS_API),
    ("admin:index", None, ADMIN),
    ("admin:accounts_agentprofile_changelist", None, ADMIN),
    ("admin:helpdesk_workerheartbeat_changelist", None, ADMIN),
    ("admin:accounts_user_changelist", None, ADMIN),
    ("admin:tickets_mailbox_changelist", None, ADMIN),
    ("admin:tickets_mailmessage_changelist", None, ADMIN),
    ("admin:auth_group_changelist", None, {**ADMIN, "manager": 403}),  # roles: administrators only
    ("admin:tickets_macro_changelist", None, ADMIN),
    ("admin:tickets_macro_add", None, ADMIN),
    ("desk:queue", None, DESK),
    ("desk:ticket-phone", None, DESK),
    ("desk:ticket-detail", "ticket_a", DESK),
    ("desk:ticket-canned", "ticket_a", DESK),
    *[
        (f"desk:ticket-{action}", "ticket_a", DESK_POST)
        for action in ("reply", "fields", "status", "escalate", "deescalate", "merge", "refund", "preview", "macro")
    ],
    ("desk:ticket-bulk", None, DESK_POST),
    ("help:ticket-new", None, ANY),
    ("help:ticket-list", None, SIGNED_IN),
    ("help:ticket-detail", "ticket_a", OWN_A),
    ("help:attachment", "attachment_a", ATTACHMENT_A),
    ("help:refund-new", None, SIGNED_IN),
    ("help:nps", None, SIGNED_IN),
    ("help:notifications", None, SIGNED_IN),
    # The one-click rating link of a "resolved" mail: its signed token is the credential.
    ("help:csat-email", "csat_link_a", ANY),
    ("help:csat-email-start", None, ANY),
    # Personal data: one's own (GET page and download; erasure is POST only), and an agent's
    # export or an administrator's erasure of a customer's (POST only).
    ("help:my-data", None, SIGNED_IN),
    ("help:my-data-export", None, SIGNED_IN),
    ("help:my-data-erase", None, {"anon": "login", **{role: 405 for role in ROLES if role != "anon"}}),
    ("desk:customer-data-export", "customer_a", DESK_POST),
    ("desk:customer-data-erase", "customer_a", {"anon": "login", **{role: 405 for role in ROLES if role != "anon"}}),
    # The second factor's pages: any signed-in person (staff are sent there).
    ("second-factor-verify", None, SIGNED_IN),
    ("second-factor-setup", None, SIGNED_IN),
    # Passkeys are for staff; their JSON endpoints answer POST only (GET: 405 once past the
    # checks: 403 without an account, or for a customer where registering is concerned).
    ("passkeys", None, DESK),
    ("otp_webauthn:credential-registration-begin", None, {**PASSKEY_POST, "customer_a": 403, "customer_b": 403}),
    ("otp_webauthn:credential-registration-complete", None, {**PASSKEY_POST, "customer_a": 403, "customer_b": 403}),
    ("otp_webauthn:credential-authentication-begin", None, PASSKEY_POST),
    ("otp_webauthn:credential-authentication-complete", None, PASSKEY_POST),
    ("otp_webauthn:js-i18n-catalog", None, ANY),
    ("api:ticket-list", None, API),
    (
        "api:ticket-detail",
        "ticket_a",
        {"anon": 403, "customer_a": 200, "customer_b": 404, "tier1": 200, "tier2": 200, "manager": 200, "admin": 200},
    ),
    ("api:me", None, API),
    # Getting back in: open to everyone; setting a password takes an account.
    ("signin-link-request", None, ANY),
    ("signin-link", "signin_link_a", SIGNED_IN_LINK),
    ("signup", None, ANY),
    ("password_reset", None, ANY),
    ("password_reset_done", None, ANY),
    ("password_change", None, SIGNED_IN),
    # The platform connection.
    *[(f"api:integration-{r}", None, INTEGRATION_API) for r in ("customers", "courses", "orders", "enrollments")],
    ("api:integration-learning-activity", None, INTEGRATION_API),
    ("api:integration-customer-detail", "external_id_a", INTEGRATION_API),
    ("admin:integrations_integration_changelist", None, ADMIN_ONLY),
    ("admin:integrations_webhooksubscription_changelist", None, ADMIN_ONLY),
    ("admin:integrations_webhookdelivery_changelist", None, ADMIN_ONLY),
    ("admin:helpdesk_event_changelist", None, ADMIN_ONLY),
    ("api:schema", None, API),
    ("api:docs", None, API),
]


@pytest.fixture
def signin_link_a(customer_a):
    from accounts.signin_links import signin_link_token

    return {"token": signin_link_token(user=customer_a)}


@pytest.fixture
def external_id_a(customer_a):
    customer_a.customer_profile.platform_user_id = "u-a"
    customer_a.customer_profile.save()
    return {"external_id": "u-a"}


@pytest.fixture
def ticket_a(customer_a):
    from tickets.tests.factories import open_ticket

    return open_ticket(customer_a)


@pytest.fixture
def attachment_a(customer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tickets.tests.factories import open_ticket

    ticket = open_ticket(customer_a, attachments=[SimpleUploadedFile("screen.png", b"png", "image/png")])
    return ticket.messages.get().attachments.get()


@pytest.fixture
def csat_link_a(customer_a, tier1_agent):
    from tickets.email.outbound import csat_token
    from tickets.services import ticket_status_set
    from tickets.tests.factories import open_ticket

    ticket = ticket_status_set(ticket=open_ticket(customer_a), actor=tier1_agent, status="resolved")
    return {"token": csat_token(ticket=ticket, rating=5)}


@pytest.mark.parametrize(("url_name", "arg", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(clients, request, role, url_name, arg, expected):
    # given
    client = clients(role)
    value = request.getfixturevalue(arg) if arg else None
    kwargs = value if isinstance(value, dict) else ({"pk": value.pk} if value is not None else {})
    url = reverse(url_name, kwargs=kwargs)
    # when
    response = client.get(url)
    # then
    want = expected[role]
    if want == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif want == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == want


def test_desk_customer_page_of_a_non_customer_is_not_found(tier1_client, manager):
    response = tier1_client.get(reverse("desk:customer-detail", kwargs={"pk": manager.pk}))
    assert response.status_code == 404


def test_availability_is_post_only_and_desk_only(customer_a_client, tier1_client):
    url = reverse("desk:agent-availability")
    assert customer_a_client.post(url, {"available": "on"}).status_code == 403
    assert tier1_client.get(url).status_code == 405


def test_landing_sends_each_role_to_its_surface(customer_a_client, tier1_client, manager_client):
    assert customer_a_client.get(reverse("landing"))["Location"] == reverse("help:home")
    assert tier1_client.get(reverse("landing"))["Location"] == reverse("desk:home")
    assert manager_client.get(reverse("landing"))["Location"] == reverse("reports:home")
