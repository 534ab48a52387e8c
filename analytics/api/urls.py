"""Report API routes, mounted under api/ in the "api" namespace: api:report-snapshot-list."""

from rest_framework.routers import SimpleRouter

from .views import ReportSnapshotViewSet

router = SimpleRouter()
router.register("reports/snapshots", ReportSnapshotViewSet, basename="report-snapshot")

api_patterns: list = router.urls
