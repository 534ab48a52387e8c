"""Customer pages of tickets, mounted at the root in the "help" namespace."""

from django.urls import path

from .views import files
from .views import help as views

help_patterns = [
    path("tickets/", views.TicketListView.as_view(), name="ticket-list"),
    path("tickets/new/", views.TicketNewView.as_view(), name="ticket-new"),
    path("tickets/new/sent/", views.TicketSubmittedView.as_view(), name="ticket-submitted"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/reply/", views.TicketReplyView.as_view(), name="ticket-reply"),
    path("tickets/<int:pk>/confirm/", views.TicketConfirmView.as_view(), name="ticket-confirm"),
    path("tickets/<int:pk>/rating/", views.TicketRatingView.as_view(), name="ticket-rating"),
    path("tickets/rate/", views.CSATEmailRateStartView.as_view(), name="csat-email-start"),
    # Rating links of mails sent before the token moved into the fragment.
    path("tickets/rate/<str:token>/", views.CSATEmailRateView.as_view(), name="csat-email"),
    path("attachments/<int:pk>/", files.AttachmentDownloadView.as_view(), name="attachment"),
    path("refunds/new/", views.RefundNewView.as_view(), name="refund-new"),
    path("survey/", views.NPSView.as_view(), name="nps"),
    path("survey/banner/", views.NPSBannerView.as_view(), name="nps-banner"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationsMarkReadView.as_view(), name="notifications-read"),
]
