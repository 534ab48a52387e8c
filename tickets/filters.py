"""The desk queue's filters, search, saved views and sort, as a django-filter FilterSet
that the desk and the API share."""

from datetime import timedelta

import django_filters
from django.db import connection
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import AgentTier, Role, User

from .choices import Channel, Priority, Status
from .models import Category, Ticket, TicketMessage

SLA_CHOICES = [
    ("breaching_1h", _("Breaching within 1 hour")),
    ("overdue", _("Past due now")),
    ("breached", _("Breach recorded")),
    ("paused", _("Clock paused")),
]
VIEW_CHOICES = [
    ("mine", _("Mine")),
    ("unassigned", _("Unassigned")),
    ("tier2", _("Tier 2")),
    ("breached", _("SLA breached")),
    ("breaching", _("Breaching within 1 h")),
    ("all", _("All open")),
]
SORT_FIELDS = {
    "created": "created_at",
    "updated": "updated_at",
    "priority": "priority_rank",
    "due": "first_response_due_at",
    "resolution_due": "resolution_due_at",
}
# A search matches the tickets of at most this many customers by name or email.
CUSTOMER_MATCHES = 200
# Ticket ids are 64-bit; a longer number in a search matches nothing rather than failing.
MAX_PK = 2**63 - 1
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


def _bodies_matching(value: str) -> QuerySet[TicketMessage]:
    """The tickets (``ticket_id``) with a message whose body holds ``value``. On PostgreSQL
    the GIN index of the bodies' character bigrams (migration 0011) finds the candidates,
    which the LIKE then checks; one character has no bigram and matches by the LIKE alone."""
    messages = TicketMessage.objects.filter(body__icontains=value)
    if connection.vendor == "postgresql" and len(value) >= 2:
        messages = messages.filter(
            RawSQL("ticket_bigrams(body) @> ticket_bigrams(%s)", (value,), output_field=BooleanField())
        )
    return messages.values("ticket_id")


def _agents() -> QuerySet[User]:
    return User.objects.agents().order_by("name", "email")


class TicketQueueFilter(django_filters.FilterSet):
    view = django_filters.ChoiceFilter(
        label=pgettext_lazy("saved view of the queue", "View"),
        choices=VIEW_CHOICES,
        method="filter_view",
        empty_label=None,
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    # distinct=False: a filter on the ticket's own column never duplicates a row, and
    # SELECT DISTINCT made PostgreSQL sort the whole match (7 → 38 ms at 1,000,000 tickets).
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices, distinct=False)
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=AgentTier.choices)
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), distinct=False
    )
    priority = django_filters.MultipleChoiceFilter(label=_("Priority"), choices=Priority.choices, distinct=False)
    channel = django_filters.MultipleChoiceFilter(label=_("Channel"), choices=Channel.choices, distinct=False)
    assignee = django_filters.ModelChoiceFilter(label=_("Assignee"), queryset=_agents(), null_label=_("Unassigned"))
    sla = django_filters.ChoiceFilter(label=_("SLA"), choices=SLA_CHOICES, method="filter_sla")
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[(k, k) for k in (*SORT_FIELDS, *(f"-{k}" for k in SORT_FIELDS))],
        method="filter_sort",
    )

    class Meta:
        model = Ticket
        fields = ["view", "q", "status", "tier", "category", "priority", "channel", "assignee", "sla", "sort"]

    def __init__(self, *args: object, actor: User | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.filters["assignee"].queryset = _agents()

    def filter_view(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        if value == "all":
            return queryset.active()
        if value == "mine":
            return queryset.active().filter(assignee=self.actor)
        if value == "unassigned":
            return queryset.active().filter(assignee__isnull=True)
        if value == "tier2":
            return queryset.active().for_tier(AgentTier.TIER_2)
        if value == "breached":
            return queryset.overdue()
        if value == "breaching":
            return queryset.breaching(within=timedelta(hours=1))
        return queryset

    def filter_search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        """A reference (HD-123, or its number alone) finds that ticket; an email finds the
        customer's tickets; anything else matches the subject, the customer's name or the
        body of any message (replies and notes)."""
        value = value.strip()
        if not value:
            return queryset
        pk = Ticket.pk_from_reference(value)
        if pk is None and value.isascii() and value.isdecimal():
            pk = int(value)
        if pk is not None:
            return queryset.filter(pk=pk) if pk <= MAX_PK else queryset.none()
        # Customers are found first, in the (much smaller) people table, so that the ticket
        # query uses its customer index instead of joining every row.
        if "@" in value:
            customers = User.objects.filter(email__startswith=value.lower())  # emails are stored lower-case
            return queryset.filter(customer_id__in=list(customers.values_list("pk", flat=True)[:CUSTOMER_MATCHES]))
        named = list(
            User.objects.filter(name__icontains=value, groups__name=Role.CUSTOMER).values_list("pk", flat=True)[
                :CUSTOMER_MATCHES
            ]
        )
        return queryset.filter(
            Q(subject__icontains=value) | Q(customer_id__in=named) | Q(pk__in=_bodies_matching(value))
        )

    def filter_sla(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        if value == "breaching_1h":
            return queryset.breaching(within=timedelta(hours=1))
        if value == "overdue":
            return queryset.overdue()
        if value == "breached":
            return queryset.breached()
        if value == "paused":
            return queryset.filter(status=Status.PENDING)
        return queryset

    def filter_sort(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        descending = value.startswith("-")
        field = SORT_FIELDS[value.lstrip("-")]
        if field == "priority_rank":
            queryset = queryset.annotate(
                priority_rank=Case(
                    *[When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()],
                    output_field=IntegerField(),
                )
            )
        order = f"-{field}" if descending else field
        return queryset.order_by(order, "-pk")
