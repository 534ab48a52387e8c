from django.urls import path

from .views import EventPollView, EventStreamView, PresenceView

app_name = "live"

urlpatterns = [
    path("stream/", EventStreamView.as_view(), name="stream"),
    path("events/", EventPollView.as_view(), name="events"),
    path("presence/", PresenceView.as_view(), name="presence"),
]
