"""Ticket API routes, mounted under api/ in the "api" namespace: api:ticket-list,
api:ticket-detail, api:ticket-reply, api:ticket-rate, api:ticket-escalate,
api:ticket-deescalate, api:ticket-status, api:ticket-confirm."""

from rest_framework.routers import SimpleRouter

from .views import TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")

api_patterns: list = router.urls
