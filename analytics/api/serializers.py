from django.utils import timezone
from rest_framework import serializers

from ..forms import default_first
from ..models import Dimension, Granularity, ReportSnapshot

MAX_API_DAYS = 3 * 366


class SnapshotQueryInputSerializer(serializers.Serializer):
    granularity = serializers.ChoiceField(choices=Granularity.choices, default=Granularity.DAY)
    start = serializers.DateField(
        required=False, help_text="First date (YYYY-MM-DD); default: 14 days, 12 weeks or 12 months before `end`."
    )
    end = serializers.DateField(required=False, help_text="Last date (YYYY-MM-DD), inclusive; default: today.")
    dimension = serializers.ChoiceField(choices=Dimension.choices, default=Dimension.OVERALL)

    def validate(self, attrs: dict) -> dict:
        attrs.setdefault("end", timezone.localdate())
        attrs.setdefault("start", default_first(attrs["granularity"], attrs["end"]))
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "The end date must not be before the start date."})
        if (attrs["end"] - attrs["start"]).days > MAX_API_DAYS:
            raise serializers.ValidationError({"end": f"At most {MAX_API_DAYS} days at once."})
        return attrs


class SnapshotOutputSerializer(serializers.ModelSerializer):
    data = serializers.JSONField(
        help_text="The metrics of the period, as defined in docs/metrics.md; null means no data."
    )

    class Meta:
        model = ReportSnapshot
        fields = ["granularity", "start", "end", "dimension", "key", "data", "computed_at"]
        read_only_fields = fields
