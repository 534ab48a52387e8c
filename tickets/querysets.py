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

    def running(self) -> TicketQuerySet:
        """Active tickets whose SLA clock runs (pending ones wait on the customer)."""
        return self.active().exclude(status=Status.PENDING)

    @staticmethod
    def _due_by(limit: datetime) -> Q:
        return Q(first_responded_at__isnull=True, first_response_due_at__lte=limit) | Q(resolution_due_at__lte=limit)

    def overdue(self, *, at: datetime | None = None) -> TicketQuerySet:
        """Running tickets past a target now: first response or resolution (breached)."""
        return self.running().filter(self._due_by(at or timezone.now()))

    def breaching(self, *, within: timedelta, at: datetime | None = None) -> TicketQuerySet:
        """Running tickets that pass a target within ``within`` of ``at`` and have not
        passed one yet (those are ``overdue``)."""
        now = at or timezone.now()
        return self.running().filter(self._due_by(now + within)).exclude(self._due_by(now))

    def breached(self) -> TicketQuerySet:
        return self.filter(Q(first_response_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False))
