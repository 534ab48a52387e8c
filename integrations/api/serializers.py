"""Request and answer shapes of the integration API (for the schema and the answers)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tickets.choices import Status

from ..items import ITEMS
from ..services.context import MAX_ITEMS


def batch_input(resource: str) -> type[serializers.Serializer]:
    """``{"items": [...]}`` of one resource, as the schema shows it. Items are validated
    one by one by the service, so that a bad item never blocks the good ones."""
    item = ITEMS[resource]
    name = "".join(part.title() for part in resource.split("-"))
    return type(
        f"{name}BatchInputSerializer",
        (serializers.Serializer,),
        {"items": serializers.ListField(child=item(), max_length=MAX_ITEMS), "__module__": __name__},
    )


class ItemErrorOutputSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the item in `items`, from 0.")
    errors = serializers.DictField(help_text="Messages by field name.")


class UpsertOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = ItemErrorOutputSerializer(many=True)


class OrderOutputSerializer(serializers.Serializer):
    external_id = serializers.CharField(source="number")
    course = serializers.CharField(source="course.code")
    course_title = serializers.CharField(source="course.title")
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    status = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)
    refunded_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    refunded_at = serializers.DateTimeField(allow_null=True)
    access_expires_at = serializers.DateTimeField(allow_null=True)


class EnrollmentOutputSerializer(serializers.Serializer):
    course = serializers.CharField(source="course.code")
    course_title = serializers.CharField(source="course.title")
    progress = serializers.IntegerField()
    minutes = serializers.IntegerField(source="minutes_learned")
    sessions = serializers.IntegerField(source="sessions_count")
    last_active_at = serializers.DateTimeField(allow_null=True)


class WeekOutputSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="Monday of the week.")
    minutes = serializers.IntegerField()
    sessions = serializers.IntegerField()


class TicketSummaryOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    created_at = serializers.DateTimeField()


class PlatformCustomerOutputSerializer(serializers.Serializer):
    external_id = serializers.CharField(source="context.customer.customer_profile.platform_user_id")
    email = serializers.EmailField(source="context.customer.email")
    name = serializers.CharField(source="context.customer.name")
    phone = serializers.CharField(source="context.customer.customer_profile.phone")
    language = serializers.CharField(source="context.customer.language")
    vip = serializers.BooleanField(source="context.customer.customer_profile.is_vip")
    total_paid = serializers.DecimalField(max_digits=12, decimal_places=2, source="context.total_paid", allow_null=True)
    total_refunded = serializers.DecimalField(
        max_digits=12, decimal_places=2, source="context.total_refunded", allow_null=True
    )
    orders = OrderOutputSerializer(many=True, source="context.orders")
    enrollments = EnrollmentOutputSerializer(many=True, source="context.enrollments")
    weekly_learning = serializers.SerializerMethodField(help_text="The last 8 weeks with learning.")
    tickets = TicketSummaryOutputSerializer(many=True, help_text="The latest 10 tickets.")

    @extend_schema_field(WeekOutputSerializer(many=True))
    def get_weekly_learning(self, obj: Any) -> Any:
        return WeekOutputSerializer(obj.context.weekly_learning, many=True).data


class WebhookInputSerializer(serializers.Serializer):
    resource = serializers.ChoiceField(choices=list(ITEMS))
    items = serializers.ListField(child=serializers.DictField(), max_length=MAX_ITEMS)
