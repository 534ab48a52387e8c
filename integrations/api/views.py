"""The integration API (``/api/integration/v1/``): the platform's servers push their
customers, courses, orders, enrollments and learning, and read a customer back.
Authenticated by an integration's API key only; rate-limited per key."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.api.serializers import ErrorOutputSerializer

from ..items import ITEMS
from ..selectors import customer_get_by_external_id
from ..services.context import MAX_ITEMS, context_upsert
from .auth import IntegrationKeyAuthentication, IntegrationKeyThrottle, IsIntegration, WebhookSignatureAuthentication
from .serializers import PlatformCustomerOutputSerializer, UpsertOutputSerializer, WebhookInputSerializer, batch_input

ERRORS = {
    400: OpenApiResponse(ErrorOutputSerializer, description='The body is not {"items": [...]} of at most 1,000.'),
    401: OpenApiResponse(ErrorOutputSerializer, description="No API key, or a revoked one."),
    429: OpenApiResponse(ErrorOutputSerializer, description="Too many requests; see Retry-After (seconds)."),
}


class IntegrationAPIView(APIView):
    authentication_classes = [IntegrationKeyAuthentication]
    permission_classes = [IsIntegration]
    throttle_classes = [IntegrationKeyThrottle]
    parser_classes = [JSONParser]


def items_of(data: Any) -> list[Any]:
    """The ``items`` list of a request body, or a 400 that says what is wrong."""
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValidationError({"items": [_('Send a JSON object with a list of items: {"items": [...]}.')]})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": [_("At most %(max)d items per call.") % {"max": MAX_ITEMS}]})
    return items


def upsert_response(resource: str, items: list[Any]) -> Response:
    result = context_upsert(resource=resource, items=items)
    landed_none = items and result.landed == 0
    code = status.HTTP_422_UNPROCESSABLE_ENTITY if landed_none else status.HTTP_200_OK
    return Response(UpsertOutputSerializer(result.as_dict()).data, status=code)


def _upsert_view(resource: str) -> type[IntegrationAPIView]:
    @extend_schema(
        operation_id=f"integration_{resource.replace('-', '_')}_upsert",
        summary=f"Upsert {resource} in bulk",
        description=f"Creates or updates up to {MAX_ITEMS} {resource} items by the platform's ids. Idempotent: "
        "the same batch twice changes nothing. A bad item is reported by its index and never blocks the good "
        "ones; the answer is 422 only when no item landed.",
        request=batch_input(resource),
        responses={
            200: UpsertOutputSerializer,
            422: OpenApiResponse(UpsertOutputSerializer, description="No item landed: every one is in `errors`."),
            **ERRORS,
        },
        tags=["integration"],
    )
    def put(self: IntegrationAPIView, request: Request) -> Response:
        return upsert_response(resource, items_of(request.data))

    name = "".join(part.title() for part in resource.split("-"))
    return type(f"{name}UpsertView", (IntegrationAPIView,), {"put": put, "__module__": __name__})


UPSERT_VIEWS = {resource: _upsert_view(resource) for resource in ITEMS}


class CustomerDetailView(IntegrationAPIView):
    @extend_schema(
        operation_id="integration_customer_retrieve",
        summary="A customer as the desk sees them",
        description="Profile, orders and refunds, enrollments, learning per week and the latest tickets of the "
        "customer with this external id.",
        responses={
            200: PlatformCustomerOutputSerializer,
            404: OpenApiResponse(ErrorOutputSerializer, description="No customer has this external id."),
            **{k: v for k, v in ERRORS.items() if k != 400},
        },
        tags=["integration"],
    )
    def get(self, request: Request, external_id: str) -> Response:
        return Response(PlatformCustomerOutputSerializer(customer_get_by_external_id(external_id=external_id)).data)


class WebhookInView(IntegrationAPIView):
    authentication_classes = [WebhookSignatureAuthentication]

    @extend_schema(
        operation_id="integration_webhook_receive",
        summary="Receive a signed webhook from the platform",
        description="The same upsert as `PUT /<resource>/`, pushed by the platform when something changes: "
        '`{"resource": "orders", "items": [...]}`, signed with the integration\'s webhook secret.',
        request=WebhookInputSerializer,
        responses={
            200: UpsertOutputSerializer,
            422: OpenApiResponse(UpsertOutputSerializer, description="No item landed: every one is in `errors`."),
            400: ERRORS[400],
            401: OpenApiResponse(ErrorOutputSerializer, description="Missing, stale or wrong signature."),
        },
        tags=["integration"],
    )
    def post(self, request: Request) -> Response:
        resource = request.data.get("resource") if isinstance(request.data, dict) else None
        if resource not in ITEMS:
            raise ValidationError({"resource": [_("Name one of: %(names)s.") % {"names": ", ".join(ITEMS)}]})
        return upsert_response(resource, items_of(request.data))
