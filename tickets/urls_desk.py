"""Desk pages of tickets, mounted under desk/ in the "desk" namespace."""

from django.urls import path

from .views import desk

desk_patterns = [
    path("", desk.DeskHomeView.as_view(), name="home"),
    path("tickets/", desk.TicketQueueView.as_view(), name="queue"),
    path("tickets/bulk/", desk.TicketBulkView.as_view(), name="ticket-bulk"),
    path("tickets/phone/", desk.PhoneTicketView.as_view(), name="ticket-phone"),
    path("tickets/<int:pk>/", desk.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/reply/", desk.TicketReplyView.as_view(), name="ticket-reply"),
    path("tickets/<int:pk>/fields/", desk.TicketFieldsView.as_view(), name="ticket-fields"),
    path("tickets/<int:pk>/status/", desk.TicketStatusView.as_view(), name="ticket-status"),
    path("tickets/<int:pk>/escalate/", desk.TicketEscalateView.as_view(), name="ticket-escalate"),
    path("tickets/<int:pk>/deescalate/", desk.TicketDeescalateView.as_view(), name="ticket-deescalate"),
    path("tickets/<int:pk>/merge/", desk.TicketMergeView.as_view(), name="ticket-merge"),
    path("tickets/<int:pk>/refund/", desk.RefundDecisionView.as_view(), name="ticket-refund"),
    path("tickets/<int:pk>/canned/", desk.CannedRenderView.as_view(), name="ticket-canned"),
    path("tickets/<int:pk>/preview/", desk.ReplyPreviewView.as_view(), name="ticket-preview"),
    path("tickets/<int:pk>/macro/", desk.TicketMacroView.as_view(), name="ticket-macro"),
]
