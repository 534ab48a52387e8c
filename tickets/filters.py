"""The desk queue's filters, search, saved views and sort, as a django-filter FilterSet
that the desk and the API share."""

import time
from datetime import datetime, timedelta

import django_filters
from django.db import connection
from django.db.models import BooleanField, Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
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


# How the desk's text search finds its page (see ``text_search``): a sample of the newest
# rows tells a common word from a rare one.
PROBE_ROWS = 2000
COMMON_HITS = 20
# A rare word's matching tickets are collected through the indexes, up to this many; more
# than that, and walking the newest tickets finds the page sooner.
RARE_MATCHES = 5000
# Before that, a word that is not common is looked for among the newest tickets first: the
# messages written since the oldest of the newest WINDOWS[i] tickets (of the filtered
# queue) was created, through the text index and the messages' time index together, so
# that the work depends on the window, not on the table (see ``_windowed``).
WINDOWS = (5000, 20000)
# How long the index statistics that choose a phrase's rarest bigram are kept (seconds).
BIGRAM_STATS_SECONDS = 600
_bigram_stats: dict[str, tuple[float, dict[str, float]]] = {}


def _text_matching(model: type[Ticket] | type[TicketMessage], field: str, value: str) -> QuerySet:
    """Rows of ``model`` whose ``field`` holds ``value`` (any case). On PostgreSQL a GIN
    index finds the candidates, which the LIKE then checks: for ASCII text of three
    characters or more (English words, codes), the trigrams of subjects (migration 0007) and
    of the ASCII part of bodies (0023), whose trigrams are rare where an English word's
    bigrams are in most English messages; otherwise the character bigrams (0011 and 0018),
    which serve Chinese from two characters, where pg_trgm needs three. One character has
    no bigram and matches by the LIKE alone."""
    rows = model.objects.filter(**{f"{field}__icontains": value})
    if connection.vendor == "postgresql" and len(value) >= 3 and value.isascii():
        if field == "subject":
            return rows  # UPPER(subject) LIKE …: the trigram index of migration 0007
        pattern = f"%{connection.ops.prep_for_like_query(value.lower())}%"
        return rows.filter(RawSQL("ticket_ascii(body) LIKE %s", (pattern,), output_field=BooleanField()))
    if connection.vendor == "postgresql" and len(value) >= 2:
        if field == "subject":
            match = RawSQL("ticket_bigrams(subject) @> ticket_bigrams(%s)", (value,), output_field=BooleanField())
        else:
            match = RawSQL("ticket_bigrams(body) @> ticket_bigrams(%s)", (value,), output_field=BooleanField())
        rows = rows.filter(match)
    return rows


def _bigram_frequencies(index: str) -> dict[str, float]:
    """The most common bigrams of a bigram index and the share of rows holding each, as
    ANALYZE last saw them (pg_stats), kept for ``BIGRAM_STATS_SECONDS``."""
    now = time.monotonic()
    cached = _bigram_stats.get(index)
    if cached and now - cached[0] < BIGRAM_STATS_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND most_common_elems IS NOT NULL",
            [index],
        )
        row = cursor.fetchone()
    frequencies = dict(zip(row[0], row[1], strict=False)) if row else {}
    _bigram_stats[index] = (now, frequencies)
    return frequencies


def _rarest_bigram(value: str, index: str) -> str:
    """The bigram of ``value`` (as ``ticket_bigrams`` cuts it) in the fewest rows of the
    bigram ``index``: one not among its most common ones, else the least common of them.
    GIN intersects all of a phrase's bigrams by itself, but PostgreSQL then estimates the
    match at one row and reads every candidate on the heap before it looks at the time
    window; with one bigram it estimates the match well and intersects it with the window
    in the indexes (a BitmapAnd), so that only the window's candidates are read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ticket_bigrams(%s)", [value])
        bigrams = [b for b in cursor.fetchone()[0] if b]
    frequencies = _bigram_frequencies(index)
    return min(bigrams, key=lambda bigram: (frequencies.get(bigram, 0.0), bigrams.index(bigram)))


def _window_messages(value: str, since: datetime) -> QuerySet:
    """The ticket ids of the messages written at or after ``since`` that hold ``value``."""
    rows = TicketMessage.objects.filter(created_at__gte=since, body__icontains=value)
    if connection.vendor == "postgresql" and len(value) >= 3 and value.isascii():
        pattern = f"%{connection.ops.prep_for_like_query(value.lower())}%"
        rows = rows.filter(RawSQL("ticket_ascii(body) LIKE %s", (pattern,), output_field=BooleanField()))
    elif connection.vendor == "postgresql" and len(value) >= 2:
        bigram = _rarest_bigram(value, "message_body_bigram_idx")
        rows = rows.filter(RawSQL("ticket_bigrams(body) @> ARRAY[%s]::text[]", (bigram,), output_field=BooleanField()))
    return rows.order_by().values_list("ticket_id", flat=True).distinct()


def _window_subjects(queryset: QuerySet[Ticket], value: str, since: datetime) -> QuerySet:
    """The ids of the tickets of ``queryset`` created at or after ``since`` whose subject
    holds ``value``: through the subject's trigram index (ASCII of three characters or
    more: UPPER(subject) LIKE) or its rarest bigram, with the time index."""
    rows = queryset.filter(created_at__gte=since, subject__icontains=value)
    if connection.vendor == "postgresql" and len(value) >= 2 and not (len(value) >= 3 and value.isascii()):
        bigram = _rarest_bigram(value, "ticket_subject_bigram_idx")
        rows = rows.filter(
            RawSQL("ticket_bigrams(subject) @> ARRAY[%s]::text[]", (bigram,), output_field=BooleanField())
        )
    return rows.order_by().values_list("pk", flat=True)


def _windowed(queryset: QuerySet[Ticket], value: str, customers: list[int], needed: int) -> QuerySet[Ticket] | None:
    """The first ``needed`` matches of the queue, found among its newest tickets, or None
    when a window of ``WINDOWS`` tickets does not hold them (a rare word).

    A window is the tickets created at or after a moment: their subjects, customers and
    messages, the messages found by their time (a message is never older than its ticket,
    except the ones a merge moved into a ticket, which are checked by their ticket). If
    the window holds ``needed`` matches, they are the first ``needed`` of the whole queue,
    since every ticket outside it is older than all of them."""
    if not WINDOWS or needed > WINDOWS[-1]:
        return None  # a page deep in the results: no window holds it
    for size in WINDOWS:
        since = queryset.order_by("-created_at").values_list("created_at", flat=True)[size - 1 : size].first()
        if since is None:
            return None  # the whole queue is smaller than the window
        ids = set(_window_messages(value, since))
        merged = set(
            Ticket.objects.filter(merged_into__isnull=False, merged_into__created_at__gte=since).values_list(
                "merged_into_id", flat=True
            )
        )
        if merged:
            ids.update(
                TicketMessage.objects.filter(ticket_id__in=merged, body__icontains=value)
                .order_by()
                .values_list("ticket_id", flat=True)
            )
        ids.update(_window_subjects(queryset, value, since))
        window = queryset.filter(created_at__gte=since).filter(Q(_listed(ids)) | Q(customer_id__in=customers))
        first = list(window.values_list("pk", flat=True)[:needed])
        if len(first) == needed:
            return queryset.filter(_listed(set(first)))
    return None


def _listed(ids: set[int]) -> Q | RawSQL:
    if connection.vendor == "postgresql":
        # One array parameter rather than thousands of IN parameters.
        return RawSQL('"tickets_ticket"."id" = ANY(%s)', (sorted(ids),), output_field=BooleanField())
    return Q(pk__in=sorted(ids))


def _probe_hits(value: str) -> int:
    """How many of the newest ``PROBE_ROWS`` messages and subjects hold ``value``, counted
    up to ``COMMON_HITS`` (a common word: in 1 % of them or more), read by the primary
    keys' order (a few milliseconds at any size)."""
    hits = 0
    for model, field in ((TicketMessage, "body"), (Ticket, "subject")):
        oldest = model.objects.order_by("-pk").values_list("pk", flat=True)[PROBE_ROWS - 1 : PROBE_ROWS].first()
        recent = model.objects.filter(pk__gte=oldest) if oldest is not None else model.objects.all()
        hits += recent.filter(**{f"{field}__icontains": value}).order_by()[:COMMON_HITS].count()
        if hits >= COMMON_HITS:
            break
    return hits


def _rare_matches(value: str) -> set[int] | None:
    """The ids of the tickets whose subject or a message holds ``value``, read through the
    indexes; None when there are more than ``RARE_MATCHES``."""
    ids: set[int] = set()
    for rows in (
        # No ORDER BY (the models' default one): the LIMIT stops the reading early.
        _text_matching(Ticket, "subject", value).order_by().values_list("pk", flat=True),
        _text_matching(TicketMessage, "body", value).order_by().values_list("ticket_id", flat=True),
    ):
        found = list(rows[: RARE_MATCHES + 1])
        if len(found) > RARE_MATCHES:
            return None
        ids.update(found)
    return ids if len(ids) <= RARE_MATCHES else None


def text_search(
    queryset: QuerySet[Ticket],
    value: str,
    customers: list[int],
    *,
    counting: bool = False,
    needed: int | None = None,
) -> QuerySet[Ticket]:
    """The tickets of ``queryset`` whose subject or any message (replies and notes) holds
    ``value``, or whose customer is one of ``customers``, newest first as the queue reads.

    The rows are the same whichever way; only the plan differs. A common word (the newest
    rows sampled first) is found by walking the newest tickets and checking each one's
    messages, which stops as soon as the page is full; a rare word by collecting its
    few tickets through the bigram indexes and sorting them. PostgreSQL's own choice goes
    wrong both ways: it cannot estimate a substring's frequency, and a GIN bitmap scan
    reads every posting of the word's bigrams before returning a row (0.4–2 s for a common
    word at 1,000,000 tickets). ``counting``: the same rows for counting them all, where a
    hash of every matching message is the faster way (the API's page count).

    ``needed``: how many of the first rows (in the queue's default order, newest first) the
    caller reads, when it knows; then a word neither common nor rare (more than
    ``RARE_MATCHES`` tickets) is looked for among the newest tickets (``_windowed``)
    before walking them one by one: a phrase in 0.6 % of tickets (6,000 at 1,000,000)
    fills a page from the newest 5,000 tickets."""
    common = _probe_hits(value) >= COMMON_HITS
    ids = None if common else _rare_matches(value)
    if ids is None and not common and not counting and needed is not None:
        # Too many matches to collect, too few to be common: among the newest tickets first.
        found = _windowed(queryset, value, customers, needed)
        if found is not None:
            return found
    if ids is None and counting:
        in_messages = Q(pk__in=_text_matching(TicketMessage, "body", value).values("ticket_id"))
        return queryset.filter(Q(subject__icontains=value) | Q(customer_id__in=customers) | in_messages)
    if ids is None:
        # A scalar subquery (its first matching message), not EXISTS: PostgreSQL may turn an
        # EXISTS into a hash of every matching message, read by a scan of them all (1.1 s at
        # 100,000 tickets), where checking the few messages of each ticket walked is what
        # stops early.
        first_message = (
            TicketMessage.objects.filter(ticket_id=OuterRef("pk"), body__icontains=value).order_by().values("pk")[:1]
        )
        return queryset.alias(first_message=Subquery(first_message)).filter(
            Q(subject__icontains=value) | Q(customer_id__in=customers) | Q(first_message__isnull=False)
        )
    if needed is None or needed > RARE_MATCHES:
        return queryset.filter(Q(_listed(ids)) | Q(customer_id__in=customers))
    # The first rows' ids, then those rows: ordering up to 5,000 listed tickets reads their
    # times from an index (migration 0025, an index-only scan: 3 ms for 1,228 tickets at
    # 400,000) where reading the rows themselves took 45 ms. The customers' newest tickets
    # join the list through their own index.
    ids.update(queryset.filter(customer_id__in=customers).values_list("pk", flat=True)[:needed])
    first = queryset.filter(_listed(ids)).values_list("pk", flat=True)[:needed]
    return queryset.filter(_listed(set(first)))


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

    def __init__(
        self,
        *args: object,
        actor: User | None = None,
        counting: bool = False,
        rows: int | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.counting = counting
        self.rows = rows
        self.filters["assignee"].queryset = _agents()

    def filter_queryset(self, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        """The search after the other filters (and before the sort): a search that reads
        only the first rows needs the queue those filters leave."""
        names = [name for name in self.form.cleaned_data if name not in ("q", "sort")]
        for name in (*names, "q", "sort"):
            if name in self.form.cleaned_data:
                queryset = self.filters[name].filter(queryset, self.form.cleaned_data[name])
        return queryset

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
        people = User.objects.filter(name__icontains=value, groups__name=Role.CUSTOMER)
        if connection.vendor == "postgresql" and len(value) >= 2:
            # Names of two Chinese characters too (migration 0019's index; the trigram one
            # needs three): scanning 100,000 names took 40-250 ms.
            people = people.filter(
                RawSQL(
                    "ticket_bigrams(accounts_user.name) @> ticket_bigrams(%s)",
                    (value,),
                    output_field=BooleanField(),
                )
            )
        named = list(people.values_list("pk", flat=True)[:CUSTOMER_MATCHES])
        # Only the first rows in the default order can be read from the newest tickets.
        needed = None if self.form.cleaned_data.get("sort") else self.rows
        return text_search(queryset, value, named, counting=self.counting, needed=needed)

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
