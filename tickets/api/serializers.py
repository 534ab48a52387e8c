"""Shapes of the ticket API: Input serializers validate what a client sends (no side
effects, no ``create``/``update``); Output serializers render what the selectors return."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import AgentTier

from ..choices import Channel, Priority, Status
from ..models import Category, MessageKind

# Ids are BigAutoField; anything larger cannot name a row, so it is refused as input.
MAX_ID = 2**63 - 1
# Versions are PositiveIntegerField.
MAX_VERSION = 2**31 - 1


def _expected_version() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        help_text=_("The ticket version the client last read; a newer one on the server answers 409."),
    )


# ---------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------


class TicketCreateInputSerializer(serializers.Serializer):
    """Customers open their own tickets. Desk users open one for a customer named by
    ``customer_email`` (created when unknown) and may set the priority."""

    # The view passes context={"desk": bool}: the role decides which fields are allowed.

    subject = serializers.CharField(max_length=200)
    body = serializers.CharField()
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("Slug of an active category."),
    )
    order = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text=_("Id of one of the customer's orders."),
    )
    priority = serializers.ChoiceField(
        choices=Priority.choices, required=False, help_text=_("Desk users only; customers cannot set it.")
    )
    customer_email = serializers.EmailField(
        max_length=254, required=False, help_text=_("Desk users only, and required for them.")
    )
    customer_name = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text=_("Desk users only: the name of a customer created by this request."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        if self.context.get("desk"):
            if not attrs.get("customer_email"):
                errors["customer_email"] = _("Say for which customer the ticket is opened.")
        else:
            for field in ("priority", "customer_email", "customer_name"):
                if field in attrs:
                    errors[field] = _("Only agents can set this field.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TicketReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField()
    internal = serializers.BooleanField(
        default=False, help_text=_("An internal note, never shown to the customer. Desk users only.")
    )
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text=_("Status to set with the reply. Desk users only.")
    )
    expected_version = _expected_version()


class TicketRateInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TicketEscalateInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    expected_version = _expected_version()


class TicketStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    resolution = serializers.CharField(
        required=False, allow_blank=True, help_text=_("How the request was settled; required to resolve a complaint.")
    )
    expected_version = _expected_version()


class TicketConfirmInputSerializer(serializers.Serializer):
    solved = serializers.BooleanField(
        help_text=_("True: the customer's problem is solved; false: it is not (the ticket goes back to the queue).")
    )


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


class CustomerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    body = serializers.CharField()
    author_name = serializers.SerializerMethodField()
    from_customer = serializers.BooleanField()
    is_automatic = serializers.BooleanField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    attachments = AttachmentOutputSerializer(many=True)
    created_at = serializers.DateTimeField()

    def get_author_name(self, message: Any) -> str:
        """Empty for messages the system sent."""
        return str(message.author) if message.author_id else ""


class TicketOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text=_("What customers quote, for example HD-12."))
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    tier = serializers.ChoiceField(choices=AgentTier.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    category = serializers.CharField(source="category.slug", allow_null=True, help_text=_("Category slug."))
    customer = CustomerOutputSerializer()
    version = serializers.IntegerField(help_text=_("Send it back as expected_version to detect concurrent edits."))
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TicketDetailOutputSerializer(TicketOutputSerializer):
    """A ticket with its messages; internal notes for desk users only."""

    # The messages come from the ticket_detail selector, passed as context={"messages": [...]}:
    # the selector alone decides who sees internal notes.

    resolution = serializers.CharField()
    messages = serializers.SerializerMethodField()

    @extend_schema_field(MessageOutputSerializer(many=True))
    def get_messages(self, ticket: Any) -> Any:
        return MessageOutputSerializer(self.context["messages"], many=True).data


class CSATOutputSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class ErrorOutputSerializer(serializers.Serializer):
    """An error: a readable ``detail`` and a stable ``code``."""

    detail = serializers.CharField()
    code = serializers.CharField()
