from django.urls import path

from .views import desk

# Mounted under desk/ by helpdesk/urls.py, in the "desk" namespace.
desk_patterns = [
    path("me/availability/", desk.AgentAvailabilityView.as_view(), name="agent-availability"),
    path("customers/<int:pk>/", desk.DeskCustomerDetailView.as_view(), name="customer-detail"),
]
