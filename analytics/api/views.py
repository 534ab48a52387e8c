"""Report snapshots as JSON, for BI tools and spreadsheets: the numbers the pages show."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request

from accounts.roles import VIEW_REPORTS
from tickets.api.serializers import ErrorOutputSerializer

from ..models import ReportSnapshot
from ..periods import period_of
from ..selectors import snapshots_for_api
from .serializers import SnapshotOutputSerializer, SnapshotQueryInputSerializer


class CanViewReports(permissions.BasePermission):
    """Managers and administrators (the permission to read the report pages)."""

    def has_permission(self, request: Request, view: object) -> bool:
        return bool(request.user and request.user.has_perm(VIEW_REPORTS))


@extend_schema_view(
    list=extend_schema(
        summary="List report snapshots",
        description="The computed metrics of every period of `granularity` from the one holding `start` to "
        "the one holding `end`, one row per value of `dimension` (`key`: the channel, category id, tier, agent "
        "id or course id; empty for overall). Managers only. Definitions: docs/metrics.md.",
        parameters=[SnapshotQueryInputSerializer],
        responses={
            200: SnapshotOutputSerializer(many=True),
            400: OpenApiResponse(description="Invalid query parameters: errors keyed by parameter name."),
            403: OpenApiResponse(ErrorOutputSerializer, description="Not signed in, or not a manager."),
        },
    )
)
class ReportSnapshotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SnapshotOutputSerializer
    permission_classes = [permissions.IsAuthenticated, CanViewReports]
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[ReportSnapshot]:
        query = SnapshotQueryInputSerializer(data=self.request.query_params)
        if not query.is_valid():
            raise serializers.ValidationError(query.errors)
        data = query.validated_data
        return snapshots_for_api(
            granularity=data["granularity"],
            first=period_of(data["granularity"], data["start"]).start,
            last=period_of(data["granularity"], data["end"]).start,
            dimension=data["dimension"],
        )
