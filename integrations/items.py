"""The shapes of what a platform sends, one serializer per resource item. The REST API,
signed webhooks and CSV import all validate with these, so one rule holds for all three.
A field left out of an item leaves what we have unchanged."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import CourseKind, OrderStatus


def _external_id(max_length: int = 64, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, trim_whitespace=True, **kwargs)


def _amount(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, **kwargs)


ORDER_STATUSES = [OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED, OrderStatus.CANCELLED]
ORDER_STATUS_CHOICES = [(s.value, s.label) for s in ORDER_STATUSES]


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class CustomerItem(serializers.Serializer):
    external_id = _external_id(help_text=_("The customer's id on the platform."))
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False)
    vip = serializers.BooleanField(required=False)


class CourseItem(serializers.Serializer):
    external_id = _external_id(help_text=_("The course's id on the platform."))
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=CourseKind.choices, required=False)
    price = _amount(required=False)
    currency = serializers.CharField(min_length=3, max_length=3, required=False)


class OrderItem(serializers.Serializer):
    external_id = _external_id(max_length=32, help_text=_("The order number on the platform."))
    customer = _external_id(help_text=_("The customer's external id."))
    course = _external_id(help_text=_("The course's external id."))
    amount = _amount()
    currency = serializers.CharField(min_length=3, max_length=3, required=False)
    paid_at = serializers.DateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ORDER_STATUS_CHOICES, required=False)
    refunded_amount = _amount(required=False)
    refunded_at = serializers.DateTimeField(required=False, allow_null=True)
    access_expires_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("refunded_amount", 0) > attrs["amount"]:
            raise serializers.ValidationError({"refunded_amount": [_("It cannot be more than the amount.")]})
        return attrs


class EnrollmentItem(serializers.Serializer):
    customer = _external_id(help_text=_("The customer's external id."))
    course = _external_id(help_text=_("The course's external id."))
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)
    minutes = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    sessions = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    last_active_at = serializers.DateTimeField(required=False, allow_null=True)


class LearningActivityItem(serializers.Serializer):
    customer = _external_id(help_text=_("The customer's external id."))
    course = _external_id(help_text=_("The course's external id."))
    date = serializers.DateField()
    minutes = serializers.IntegerField(min_value=0, max_value=24 * 60)
    sessions = serializers.IntegerField(min_value=0, max_value=10_000, required=False)


ITEMS: dict[str, type[serializers.Serializer]] = {
    "customers": CustomerItem,
    "courses": CourseItem,
    "orders": OrderItem,
    "enrollments": EnrollmentItem,
    "learning-activity": LearningActivityItem,
}
