"""Reads on people: who may see which customer, and the customer context pages."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from .models import AgentProfile, Course, Enrollment, LearningActivity, Order, Role, User
from .recommendations import OWNED_STATUSES, courses_recommended
from .roles import ACCESS_DESK

CUSTOMER_SEARCH_LIMIT = 25
ACTIVITY_WEEKS = 8


def _require_desk(actor: User) -> None:
    if not actor.has_perm(ACCESS_DESK):
        raise PermissionDenied


def customer_search(*, actor: User, query: str) -> QuerySet[User]:
    """Customers whose email, name or platform ID matches ``query`` (desk only).

    An exact email match is cheap on the unique index; the contains match is for names.
    """
    _require_desk(actor)
    query = query.strip()
    if not query:
        return User.objects.none()
    condition = Q(email__iexact=query) | Q(name__icontains=query) | Q(customer_profile__platform_user_id=query)
    if "@" in query:
        condition |= Q(email__istartswith=query)
    return (
        User.objects.filter(condition, groups__name=Role.CUSTOMER)
        .select_related("customer_profile")
        .order_by("email")[:CUSTOMER_SEARCH_LIMIT]
    )


@dataclass(frozen=True)
class WeeklyLearning:
    week: date
    minutes: int
    sessions: int


@dataclass(frozen=True)
class CustomerContext:
    customer: User
    orders: list[Order]
    enrollments: list[Enrollment]
    weekly_learning: list[WeeklyLearning]
    total_paid: object
    total_refunded: object
    recommended: list[Course]  # personal next steps (accounts.recommendations)


def customer_context_get(*, actor: User, customer_id: int) -> CustomerContext:
    """What the customer bought and how they learn, for agents. A constant number of
    queries whatever the number of orders."""
    _require_desk(actor)
    try:
        customer = User.objects.select_related("customer_profile").get(pk=customer_id, groups__name=Role.CUSTOMER)
    except User.DoesNotExist as exc:
        raise Http404 from exc
    return customer_context_for(actor=actor, customer=customer)


def customer_context_for(*, actor: User, customer: User) -> CustomerContext:
    """The context of a customer already read (with ``customer_profile``), for agents."""
    _require_desk(actor)
    return customer_context_unchecked(customer=customer)


def customer_context_unchecked(*, customer: User) -> CustomerContext:
    """The customer context without asking who reads it: for callers that checked already
    (the platform's own integration reading its customer back)."""
    orders = list(customer.orders.select_related("course").order_by("-created_at"))
    enrollments = list(customer.enrollments.select_related("course").order_by("-last_active_at", "-enrolled_at"))
    since = timezone.localdate() - timedelta(weeks=ACTIVITY_WEEKS)
    weekly = (
        LearningActivity.objects.filter(enrollment__customer=customer, day__gte=since)
        .annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(minutes=Sum("minutes"), sessions=Sum("sessions"))
        .order_by("week")
    )
    paid = [o.amount for o in orders]
    return CustomerContext(
        customer=customer,
        orders=orders,
        enrollments=enrollments,
        weekly_learning=[WeeklyLearning(row["week"], row["minutes"], row["sessions"]) for row in weekly],
        # Summed from the orders already read; None (no data) when there are none.
        total_paid=sum(paid) if paid else None,
        total_refunded=sum(o.refunded_amount for o in orders) if orders else None,
        recommended=courses_recommended(
            owned={o.course_id for o in orders if o.status in OWNED_STATUSES} | {e.course_id for e in enrollments}
        ),
    )


def customer_purchases_own(*, actor: User) -> tuple[list[Order], list[Enrollment]]:
    """The signed-in customer's own orders and enrollments (help center)."""
    if not actor.is_authenticated:
        return [], []
    orders = list(Order.objects.filter(customer=actor).select_related("course").order_by("-created_at"))
    enrollments = list(Enrollment.objects.filter(customer=actor).select_related("course").order_by("-enrolled_at"))
    return orders, enrollments


def agent_profile_own(*, actor: User) -> AgentProfile | None:
    """The actor's agent profile with skills, or None for people who are not agents."""
    return AgentProfile.objects.filter(user=actor).prefetch_related(Prefetch("skills")).first()
