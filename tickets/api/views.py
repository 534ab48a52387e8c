"""The ticket API for integrations (chat widget, app, social channels).

Reads start from the visibility selectors, so another customer's ticket is a 404; every
state change is an action calling the same service as the desk, and the services' domain
errors become 4xx in ``helpdesk.api_errors``.
"""

from typing import Any

import django_filters
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Order, User
from accounts.services import NotACustomerError, customer_get_or_create

from ..choices import Channel, Priority
from ..filters import TicketQueueFilter
from ..models import Ticket
from ..permissions import is_desk_user
from ..selectors import ticket_detail, ticket_get_visible, ticket_list_visible, ticket_queue
from ..services import (
    csat_record,
    ticket_customer_confirm,
    ticket_deescalate,
    ticket_escalate,
    ticket_open,
    ticket_reply,
    ticket_status_set,
)
from .pagination import TicketPagination
from .serializers import (
    CSATOutputSerializer,
    ErrorOutputSerializer,
    MessageOutputSerializer,
    TicketConfirmInputSerializer,
    TicketCreateInputSerializer,
    TicketDetailOutputSerializer,
    TicketEscalateInputSerializer,
    TicketOutputSerializer,
    TicketRateInputSerializer,
    TicketReplyInputSerializer,
    TicketStatusInputSerializer,
)


class IsDeskUser(permissions.BasePermission):
    """Agents and managers. The services still decide per ticket (tier-2 tickets take a
    tier-2 agent or a manager)."""

    def has_permission(self, request: Request, view: object) -> bool:
        return is_desk_user(request.user)


def _queue_parameters() -> list[OpenApiParameter]:
    """The desk queue's FilterSet as query parameters, so the schema follows the filters."""
    parameters = []
    for name, field in TicketQueueFilter.base_filters.items():
        keys = [key for key, _label in field.extra.get("choices") or []]
        kwargs: dict[str, Any] = {"description": field.label}
        if isinstance(field, django_filters.ModelChoiceFilter):  # a ChoiceFilter too: test it first
            kwargs["type"] = OpenApiTypes.INT
        elif isinstance(field, django_filters.MultipleChoiceFilter):
            kwargs.update(type=OpenApiTypes.STR, many=True, explode=True, enum=keys)
        elif isinstance(field, django_filters.TypedChoiceFilter):
            kwargs.update(type=OpenApiTypes.INT, enum=keys)
        elif isinstance(field, django_filters.ChoiceFilter):
            kwargs.update(type=OpenApiTypes.STR, enum=keys)
        else:
            kwargs["type"] = OpenApiTypes.STR
        parameters.append(OpenApiParameter(name, **kwargs))
    return parameters


ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="Invalid input: errors keyed by field name, or `detail` and `code`."
    ),
    403: OpenApiResponse(ErrorOutputSerializer, description="Not signed in, or not allowed to do this."),
    404: OpenApiResponse(ErrorOutputSerializer, description="No such ticket among those visible to you."),
}
CONFLICT = {409: OpenApiResponse(ErrorOutputSerializer, description="expected_version is stale.")}


@extend_schema_view(
    list=extend_schema(
        summary="List tickets",
        description="Customers get their own tickets; desk users get every ticket, filtered with the desk "
        "queue's parameters (ignored for customers).",
        parameters=_queue_parameters(),
        responses={
            200: TicketOutputSerializer(many=True),
            **ERRORS,
            404: OpenApiResponse(ErrorOutputSerializer, description="No such page."),
        },
    ),
)
class TicketViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TicketOutputSerializer
    pagination_class = TicketPagination
    parser_classes = [JSONParser]
    # The queue selector applies the FilterSet itself (with the acting user).
    filter_backends: list = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Ticket]:
        actor = self.request.user
        if self.action == "list" and is_desk_user(actor):
            queue = ticket_queue(actor=actor, data=self.request.query_params, rows=self._rows_read())
            if not queue.is_valid():
                raise serializers.ValidationError(queue.errors)
            tickets = queue.qs
            if (self.request.query_params.get("q") or "").strip():
                # The page count counts a text search's rows another way (TicketPagination).
                tickets.counted_by = ticket_queue(actor=actor, data=self.request.query_params, counting=True).qs
            return tickets
        return ticket_list_visible(actor=actor).select_related("customer", "category").order_by("-created_at", "-pk")

    def _rows_read(self) -> int | None:
        """How many of the list's first rows the requested page reads (a numbered page)."""
        page = self.request.query_params.get(self.paginator.page_query_param) or "1"
        if not (page.isascii() and page.isdecimal()) or int(page) < 1:
            return None
        return int(page) * self.paginator.get_page_size(self.request)

    def get_object(self) -> Ticket:
        return ticket_get_visible(actor=self.request.user, pk=int(self.kwargs["pk"]))

    @staticmethod
    def _valid(serializer_class: type[serializers.Serializer], request: Request, **context: Any) -> dict[str, Any]:
        serializer = serializer_class(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _detail(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        detail = ticket_detail(actor=self.request.user, pk=pk)
        output = TicketDetailOutputSerializer(detail.ticket, context={"messages": detail.messages})
        return Response(output.data, status=status_code)

    @extend_schema(
        summary="Open a ticket",
        description="Customers open their own tickets. Desk users open one for the customer named by "
        "`customer_email` (created when unknown) and may set the priority.",
        request=TicketCreateInputSerializer,
        responses={201: TicketDetailOutputSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        desk = is_desk_user(request.user)
        data = self._valid(TicketCreateInputSerializer, request, desk=desk)
        with transaction.atomic():
            customer = _customer_for(data["customer_email"], data.get("customer_name", "")) if desk else request.user
            order = None
            if data.get("order") is not None:
                order = Order.objects.filter(pk=data["order"], customer=customer).first()
                if order is None:
                    raise serializers.ValidationError({"order": [_("Choose one of the customer's own orders.")]})
            ticket = ticket_open(
                customer=customer,
                subject=data["subject"],
                body=data["body"],
                channel=Channel.API,
                category=data.get("category"),
                priority=data.get("priority", Priority.NORMAL),
                order=order,
                logged_by=request.user if desk else None,
            )
        # The new ticket as the service left it, with its one (public) message: building the
        # answer from the desk page's whole context took half the time of a create.
        output = TicketDetailOutputSerializer(ticket, context={"messages": [ticket.first_message]})
        return Response(output.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="A ticket with its messages",
        description="Customers never get internal notes; desk users do.",
        responses={200: TicketDetailOutputSerializer, **ERRORS},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(int(pk))

    @extend_schema(
        summary="Reply, or add an internal note",
        description="`internal` and `status` are for desk users only.",
        request=TicketReplyInputSerializer,
        responses={201: MessageOutputSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = self._valid(TicketReplyInputSerializer, request)
        message = ticket_reply(
            ticket=ticket,
            author=request.user,
            body=data["body"],
            internal=data["internal"],
            status=data.get("status"),
            channel=Channel.API,
            expected_version=data.get("expected_version"),
        )
        return Response(MessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rate a resolved ticket (its customer, once)",
        request=TicketRateInputSerializer,
        responses={201: CSATOutputSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = self._valid(TicketRateInputSerializer, request)
        response = csat_record(ticket=ticket, customer=request.user, rating=data["rating"], comment=data["comment"])
        return Response(CSATOutputSerializer(response).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send a tier-1 ticket to tier 2",
        request=TicketEscalateInputSerializer,
        responses={200: TicketOutputSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated, IsDeskUser])
    def escalate(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = self._valid(TicketEscalateInputSerializer, request)
        ticket = ticket_escalate(
            ticket=ticket, actor=request.user, reason=data["reason"], expected_version=data.get("expected_version")
        )
        return Response(TicketOutputSerializer(ticket).data)

    @extend_schema(
        summary="Hand a tier-2 ticket back to tier 1",
        request=TicketEscalateInputSerializer,
        responses={200: TicketOutputSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated, IsDeskUser])
    def deescalate(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = self._valid(TicketEscalateInputSerializer, request)
        ticket = ticket_deescalate(
            ticket=ticket, actor=request.user, reason=data["reason"], expected_version=data.get("expected_version")
        )
        return Response(TicketOutputSerializer(ticket).data)

    @extend_schema(
        summary="Change the status",
        description="Resolving a complaint needs a `resolution`.",
        request=TicketStatusInputSerializer,
        responses={200: TicketOutputSerializer, **ERRORS, **CONFLICT},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="status",
        url_name="status",
        permission_classes=[permissions.IsAuthenticated, IsDeskUser],
    )
    def status_set(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = self._valid(TicketStatusInputSerializer, request)
        ticket = ticket_status_set(
            ticket=ticket,
            actor=request.user,
            status=data["status"],
            reason=data["reason"],
            resolution=data.get("resolution"),
            expected_version=data.get("expected_version"),
        )
        return Response(TicketOutputSerializer(ticket).data)

    @extend_schema(
        summary="The customer says whether the problem is solved",
        description="Solved resolves an active ticket and closes a resolved one; not solved reopens a "
        "resolved ticket or brings a pending one back to the queue.",
        request=TicketConfirmInputSerializer,
        responses={200: TicketOutputSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        data = self._valid(TicketConfirmInputSerializer, request)
        ticket = ticket_customer_confirm(ticket=ticket, customer=request.user, solved=data["solved"])
        return Response(TicketOutputSerializer(ticket).data)


def _customer_for(email: str, name: str) -> User:
    """The customer with this email, created when unknown. Staff accounts are refused."""
    try:
        return customer_get_or_create(email=email, name=name)
    except NotACustomerError as exc:
        raise serializers.ValidationError(
            {"customer_email": [_("This email belongs to a staff account, not a customer.")]}
        ) from exc
