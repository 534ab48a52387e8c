"""Live business figures for the reports home, computed in the database.

The KPI report pages read snapshots that Celery computes on a schedule; this overview
is a handful of indexed aggregates, cheap enough to run per request.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Enrollment, Order, OrderStatus, Role, User

OVERVIEW_DAYS = 30
ACTIVE_LEARNER_DAYS = 7


@dataclass(frozen=True)
class BusinessOverview:
    since: datetime
    customers: int
    new_customers: int
    paid_orders: int
    revenue: Decimal | None
    refunded: Decimal | None
    active_learners: int


def business_overview(*, now: datetime | None = None) -> BusinessOverview:
    now = now or timezone.now()
    since = now - timedelta(days=OVERVIEW_DAYS)
    people = User.objects.filter(groups__name=Role.CUSTOMER).aggregate(
        customers=Count("pk"), new=Count("pk", filter=Q(date_joined__gte=since))
    )
    paid = ~Q(status__in=[OrderStatus.PENDING, OrderStatus.CANCELLED])
    orders = Order.objects.filter(paid, paid_at__gte=since).aggregate(count=Count("pk"), revenue=Sum("amount"))
    refunded = Order.objects.filter(refunded_at__gte=since).aggregate(total=Sum("refunded_amount"))["total"]
    active = (
        Enrollment.objects.filter(last_active_at__gte=now - timedelta(days=ACTIVE_LEARNER_DAYS))
        .values("customer")
        .distinct()
        .count()
    )
    return BusinessOverview(
        since=since,
        customers=people["customers"],
        new_customers=people["new"],
        paid_orders=orders["count"],
        revenue=orders["revenue"],
        refunded=refunded,
        active_learners=active,
    )
