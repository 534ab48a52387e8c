from django.urls import path

from .views import AgentHeartbeatView, EventPollView, EventStreamView, PresenceView

app_name = "live"

urlpatterns = [
    path("stream/", EventStreamView.as_view(), name="stream"),
    path("events/", EventPollView.as_view(), name="events"),
    path("presence/", PresenceView.as_view(), name="presence"),
    path("heartbeat/", AgentHeartbeatView.as_view(), name="heartbeat"),
]
