"""The shapes of what a platform sends, one serializer per resource item. The REST API,
signed webhooks and CSV import all validate with these, so one rule holds for all three.
A field left out of an item leaves what we have unchanged."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import ISO_8601, serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings

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


# ---------------------------------------------------------------------------
# A plain path for the common case
# ---------------------------------------------------------------------------

# A checker takes a field's raw value and returns its validated value, or ``_UNSURE``
# when the value is not of the plain kind it knows (then DRF decides, errors included).
_UNSURE = object()
Checker = Callable[[Any], Any]


def _char_checker(
    field: serializers.CharField, kind: type[serializers.CharField] = serializers.CharField
) -> Checker | None:
    if type(field) is not kind or field.allow_null:
        return None
    lowest, highest, trim, blank = field.min_length or 1, field.max_length, field.trim_whitespace, field.allow_blank

    def check(value: Any) -> Any:
        # Without NUL and without lone surrogates (text that encodes to UTF-8): DRF's
        # null-character and surrogate validators cannot object.
        if type(value) is not str or "\x00" in value:
            return _UNSURE
        if not value.isascii():
            try:
                value.encode()
            except UnicodeEncodeError:
                return _UNSURE
        if trim:
            value = value.strip()
        if blank and not value:  # DRF: blank text, allowed, is "" and runs no validators
            return ""
        if len(value) < lowest or (highest is not None and len(value) > highest):
            return _UNSURE
        return value

    return check


def _integer_checker(field: serializers.IntegerField) -> Checker | None:
    if type(field) is not serializers.IntegerField or field.allow_null:
        return None
    lowest, highest = field.min_value, field.max_value

    def check(value: Any) -> Any:
        if type(value) is not int:
            return _UNSURE
        if (lowest is not None and value < lowest) or (highest is not None and value > highest):
            return _UNSURE
        return value

    return check


def _date_checker(field: serializers.DateField) -> Checker | None:
    formats = getattr(field, "input_formats", api_settings.DATE_INPUT_FORMATS)
    if type(field) is not serializers.DateField or field.allow_null or list(formats) != [ISO_8601]:
        return None

    def check(value: Any) -> Any:
        # YYYY-MM-DD: what DRF's ISO 8601 parsing (django.utils.dateparse.parse_date) reads
        # with date.fromisoformat too.
        if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
            return _UNSURE
        try:
            return date.fromisoformat(value)
        except ValueError:
            return _UNSURE

    return check


def _email_checker(field: serializers.EmailField) -> Checker | None:
    plain = _char_checker(field, serializers.EmailField)
    if plain is None:
        return None
    validators = field.validators

    def check(value: Any) -> Any:
        # The plain checks of any text, then the field's own validators (the e-mail
        # address's among them), as DRF runs them on the trimmed value.
        value = plain(value)
        if value is _UNSURE:
            return _UNSURE
        try:
            for validator in validators:
                validator(value)
        except (DjangoValidationError, serializers.ValidationError):
            return _UNSURE
        return value

    return check


def _choice_checker(field: serializers.ChoiceField) -> Checker | None:
    if type(field) is not serializers.ChoiceField or field.allow_blank or field.validators:
        return None
    choices = field.choice_strings_to_values

    def check(value: Any) -> Any:
        return choices[value] if type(value) is str and value in choices else _UNSURE

    return check


def _boolean_checker(field: serializers.BooleanField) -> Checker | None:
    if type(field) is not serializers.BooleanField or field.validators:
        return None
    return lambda value: value if type(value) is bool else _UNSURE


_DECIMAL = re.compile(r"[0-9]{1,20}(\.[0-9]{1,20})?", re.ASCII)


def _conversion_checker(pattern: re.Pattern[str] | None) -> Callable[[serializers.Field], Checker | None]:
    """A checker for a field whose plain values are text (matching ``pattern``, when
    given): DRF's own conversion and validators, without its per-field machinery around
    them (the empty-value checks and the look-up of the value, which cost more)."""

    def make(field: serializers.Field) -> Checker | None:
        if type(field) not in (serializers.DecimalField, serializers.DateTimeField):
            return None
        if getattr(field, "localize", False):
            return None
        convert, validate = field.to_internal_value, field.run_validators

        def check(value: Any) -> Any:
            if type(value) is not str or (pattern is not None and not pattern.fullmatch(value)):
                return _UNSURE
            try:
                value = convert(value)
                validate(value)
            except serializers.ValidationError:
                return _UNSURE
            return value

        return check

    return make


_CHECKERS: dict[type[serializers.Field], Callable[[Any], Checker | None]] = {
    serializers.CharField: _char_checker,
    serializers.EmailField: _email_checker,
    serializers.IntegerField: _integer_checker,
    serializers.DateField: _date_checker,
    serializers.ChoiceField: _choice_checker,
    serializers.BooleanField: _boolean_checker,
    serializers.DecimalField: _conversion_checker(_DECIMAL),
    serializers.DateTimeField: _conversion_checker(None),
}


def plain_validator(serializer: serializers.Serializer) -> Callable[[dict[str, Any]], dict[str, Any] | None] | None:
    """A validator for the items of ``serializer`` that gives DRF's answer in the common
    case at a fraction of its cost, or ``None`` if the serializer has fields or rules it
    does not know. It returns the validated data for an item whose every value is of the
    plain kind (ASCII text within its lengths, e-mail addresses that pass the field's
    validators, ints within bounds, ``YYYY-MM-DD`` dates, a choice's own text, JSON
    booleans, decimals written as digits, date-times as text that DRF converts itself,
    a null where the field allows it), and ``None`` for any other item, which the caller
    then gives to DRF: every error, and every unusual but valid value, still comes from
    DRF, so both paths answer alike."""
    if serializer.validators:
        return None
    # A serializer's own validate() (rules across fields) runs on the plain data too; when
    # it objects, the item goes to DRF, which gives the error.
    rules = None if type(serializer).validate is serializers.Serializer.validate else serializer.validate
    fields = []
    for name, field in serializer.fields.items():
        plain = not field.read_only and field.source == name and field.default is empty
        if not plain or hasattr(serializer, f"validate_{name}"):
            return None
        make = _CHECKERS.get(type(field))
        check = make(field) if make else None
        if check is None:
            return None
        fields.append((name, field.required, field.allow_null, check))

    def validate(item: dict[str, Any]) -> dict[str, Any] | None:
        data = {}
        for name, required, allow_null, check in fields:
            if name not in item:
                if required:
                    return None
                continue
            raw = item[name]
            if raw is None:
                if not allow_null:
                    return None
                data[name] = None  # what DRF gives a null it allows, without validators
                continue
            value = check(raw)
            if value is _UNSURE:
                return None
            data[name] = value
        if rules is not None:
            try:
                data = dict(rules(data))
            except serializers.ValidationError:
                return None
        return data

    return validate
