"""How the platform's servers authenticate: ``Authorization: Bearer <api key>``, only on
the integration API (the rest of the API never accepts these keys), with a rate limit per
key from the integration's settings."""

import hmac
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from ..models import ApiKey, Integration
from ..services.keys import api_key_authenticate
from ..webhooks import signature


class IntegrationPrincipal(AnonymousUser):
    """Who ``request.user`` is on the integration API: a platform, no person."""

    def __init__(self, integration: Integration) -> None:
        self.integration = integration

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return str(self.integration)


class IntegrationKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[IntegrationPrincipal, ApiKey] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send one API key: Authorization: Bearer <key>."))
        api_key = api_key_authenticate(header[1].decode("latin-1"))
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid or has been revoked."))
        return IntegrationPrincipal(api_key.integration), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class WebhookSignatureAuthentication(authentication.BaseAuthentication):
    """Signed webhooks from the platform: ``X-Helpdesk-Timestamp`` (Unix seconds, within
    HELPDESK_WEBHOOK_TOLERANCE_SECONDS of our clock) and ``X-Helpdesk-Signature: v1=<hex>``,
    the HMAC-SHA256 of ``"<timestamp>.<raw body>"`` with the integration's webhook secret,
    the same scheme as our webhooks out."""

    def authenticate(self, request: Request) -> tuple[IntegrationPrincipal, Integration] | None:
        timestamp = request.headers.get("X-Helpdesk-Timestamp", "")
        sent = request.headers.get("X-Helpdesk-Signature", "")
        if not timestamp or not sent:
            raise exceptions.AuthenticationFailed(_("Sign the request: X-Helpdesk-Timestamp and X-Helpdesk-Signature."))
        try:
            age = abs(time.time() - int(timestamp))
        except ValueError as exc:
            raise exceptions.AuthenticationFailed(_("X-Helpdesk-Timestamp must be Unix seconds.")) from exc
        if age > settings.HELPDESK_WEBHOOK_TOLERANCE_SECONDS:
            raise exceptions.AuthenticationFailed(
                _("The timestamp is outside the replay window; sign the request anew.")
            )
        body = request._request.body
        for integration in Integration.objects.filter(is_active=True):
            expected = signature(secret=integration.webhook_secret, timestamp=timestamp, body=body)
            if hmac.compare_digest(expected, sent):
                return IntegrationPrincipal(integration), integration
        raise exceptions.AuthenticationFailed(_("The signature does not match."))

    def authenticate_header(self, request: Request) -> str:
        return "Signature"


class IsIntegration(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiKey | Integration)


class IntegrationKeyThrottle(throttling.SimpleRateThrottle):
    """Requests per minute per API key (``Integration.rate_limit_per_minute``); over it,
    429 with Retry-After. Counts live in the cache: without the cache nothing is limited."""

    scope = "integration"

    def __init__(self) -> None:  # the rate is per integration, read in allow_request
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, ApiKey):
            return True  # signed webhooks are bounded by the platform's own sending
        self.rate = f"{request.auth.integration.rate_limit_per_minute}/min"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        return f"integrations:throttle:{request.auth.pk}"


class WebhookSignatureScheme(OpenApiAuthenticationExtension):
    target_class = WebhookSignatureAuthentication
    name = "webhookSignature"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Helpdesk-Signature",
            "description": "v1=<hex HMAC-SHA256 of '<X-Helpdesk-Timestamp>.<body>' with the webhook secret>",
        }


class IntegrationKeyScheme(OpenApiAuthenticationExtension):
    target_class = IntegrationKeyAuthentication
    name = "integrationKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "An integration's API key (hk_…)."}
