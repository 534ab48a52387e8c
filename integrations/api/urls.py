"""Mounted under api/integration/v1/ in the "api" namespace: api:integration-customers,
api:integration-courses, …, api:integration-customer-detail."""

from django.urls import path

from .views import UPSERT_VIEWS, CustomerDetailView, WebhookInView

api_patterns = [
    *[path(f"{resource}/", view.as_view(), name=f"integration-{resource}") for resource, view in UPSERT_VIEWS.items()],
    path("webhooks/", WebhookInView.as_view(), name="integration-webhooks"),
    path("customers/<str:external_id>/", CustomerDetailView.as_view(), name="integration-customer-detail"),
]
