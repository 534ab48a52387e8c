"""Reusable, chainable ticket filters. No permission logic here (see selectors)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import ACTIVE_STATUSES, Status


class TicketQuerySet(models.QuerySet):
    def active(self) -> TicketQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES, merged_into__isnull=True)

    def for_tier(self, tier: int) -> TicketQuerySet:
        return self.filter(tier=tier)

    def breaching(self, *, within: timedelta = timedelta(0), at: datetime | None = None) -> TicketQuerySet:
        """Active tickets whose running SLA clock passes a target within ``within`` of ``at``
        (already breached ones included). Paused (pending) tickets are left out."""
        limit = (at or timezone.now()) + within
        running = self.active().exclude(status=Status.PENDING)
        return running.filter(
            Q(first_responded_at__isnull=True, first_response_due_at__lte=limit) | Q(resolution_due_at__lte=limit)
        )

    def breached(self) -> TicketQuerySet:
        return self.filter(Q(first_response_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False))
