"""Customer metrics: churn and retention, cohort retention, repurchase and CLV.

They read paid orders (``paid`` or ``partially_refunded``; pending, cancelled and fully
refunded orders are not purchases). The only dimension that applies is the course (the
orders of that course); the other ticket dimensions do not describe customers.
``customers_by_course`` gives churn, repurchase and CLV of every course at once, in a
constant number of queries, with the same figures as the single-course functions.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, DecimalField, Exists, ExpressionWrapper, F, Min, OuterRef, Q, Sum, Window
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Order, OrderStatus

from .db import Period, group_key

# A customer is active at time t if they hold paid access covering t (a membership or a
# column whose ``access_expires_at`` is after t) or paid an order in the window before t.
# The window is the period's own length, at least this long, so that a day's churn is not
# "everyone who did not buy again today".
ACTIVE_WINDOW_MIN = timedelta(days=30)
COHORT_MONTHS = 12
# CLV reads a fixed trailing window ending with the period, whatever the period's length,
# so that a day, a week and a month ending together give the same CLV.
CLV_WINDOW = timedelta(days=365)
PURCHASE_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)


def paid_orders(course: int | None = None) -> Any:
    orders = Order.objects.filter(status__in=PURCHASE_STATUSES, paid_at__isnull=False)
    return orders if course is None else orders.filter(course_id=course)


def _active_at(moment: datetime, window: timedelta) -> Q:
    holds_access = Q(paid_at__lte=moment, access_expires_at__gt=moment)
    bought_recently = Q(paid_at__gte=moment - window, paid_at__lt=moment)
    return holds_access | bought_recently


def active_window(period: Period) -> timedelta:
    return max(period.length, ACTIVE_WINDOW_MIN)


def churn(*, period: Period, course: int | None = None) -> dict | None:
    """Customers active at the period's start who are no longer active at its end (they
    neither renewed, nor still hold access, nor bought during the period), over the
    customers active at the start; retention = 100 − churn."""
    window = active_window(period)
    orders = paid_orders(course)
    at_start = orders.filter(_active_at(period.start, window)).values("customer_id")
    active = orders.filter(_active_at(period.start, window)).aggregate(n=Count("customer_id", distinct=True))["n"]
    if not active:
        return None
    retained = orders.filter(_active_at(period.end, window), customer_id__in=at_start).aggregate(
        n=Count("customer_id", distinct=True)
    )["n"]
    return _churn_figures(active, retained)


def _churn_figures(active: int, retained: int) -> dict | None:
    if not active:
        return None
    churned = active - retained
    return {
        "active_at_start": active,
        "retained": retained,
        "churned": churned,
        "churn_rate": round(100.0 * churned / active, 1),
        "retention_rate": round(100.0 * retained / active, 1),
    }


def cohort_retention(*, end: datetime, months: int = COHORT_MONTHS, course: int | None = None) -> list[dict] | None:
    """Cohorts by month of first purchase, for the ``months`` months up to ``end``: each
    cohort's size and, for each month since, the share of the cohort who paid an order in
    that month (renewals included). Month 0 is 100% by construction."""
    # The last month is the one holding the period's last instant (``end`` is exclusive).
    local_end = timezone.localtime(end - timedelta(microseconds=1))
    first_month = _month_start(local_end, -(months - 1))
    first_label = f"{first_month:%Y-%m}"
    # Each purchase with the month of its customer's first purchase (a window over the
    # customer's orders: one pass, where a correlated subquery per order took 3× longer),
    # then distinct customers per (cohort, month). Django cannot group by a window
    # expression, so the grouping wraps the ORM's own SQL.
    purchases = (
        paid_orders(course)
        .filter(paid_at__lt=end)
        .annotate(
            cohort=TruncMonth(Window(Min("paid_at"), partition_by=[F("customer_id")])),
            month=TruncMonth("paid_at"),
        )
        .order_by()
        .values("customer_id", "cohort", "month")
    )
    sql, params = purchases.query.sql_with_params()
    counts: dict[str, dict[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT cohort, month, COUNT(DISTINCT customer_id) FROM ({sql}) AS purchases GROUP BY cohort, month",  # noqa: S608 - the ORM's SQL
            params,
        )
        for cohort_value, month_value, customers in cursor.fetchall():
            cohort, month = _month_label(cohort_value), _month_label(month_value)
            if cohort < first_label:
                continue
            offset = (int(month[:4]) - int(cohort[:4])) * 12 + int(month[5:]) - int(cohort[5:])
            counts.setdefault(cohort, {})[offset] = customers
    if not counts:
        return None
    table = []
    for label in sorted(counts):
        size = counts[label].get(0, 0)
        year, month = map(int, label.split("-"))
        span = (local_end.year - year) * 12 + local_end.month - month
        table.append(
            {
                "cohort": label,
                "size": size,
                "retention": [
                    round(100.0 * counts[label].get(offset, 0) / size, 1) if size else None
                    for offset in range(span + 1)
                ],
            }
        )
    return table


def _month_label(value: object) -> str:
    """``YYYY-MM`` of a truncated month as the database returns it outside the ORM: a
    local datetime (PostgreSQL) or its text (SQLite)."""
    return value.strftime("%Y-%m") if isinstance(value, datetime) else str(value)[:7]


def _month_start(moment: datetime, shift: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + shift
    return moment.replace(year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)


def repurchase(*, period: Period, course: int | None = None) -> dict | None:
    """Customers with two or more paid orders in the period over customers with one or more."""
    per_customer = (
        paid_orders(course).filter(period.lookup("paid_at")).order_by().values("customer_id").annotate(n=Count("pk"))
    )
    row = per_customer.aggregate(buyers=Count("customer_id"), repeat=Count("customer_id", filter=Q(n__gte=2)))
    return _repurchase_figures(row["buyers"], row["repeat"])


def _repurchase_figures(buyers: int, repeat: int) -> dict | None:
    if not buyers:
        return None
    return {"buyers": buyers, "repeat_buyers": repeat, "rate": round(100.0 * repeat / buyers, 1)}


def _net_amount() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("amount") - F("refunded_amount"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def clv_window(period: Period) -> Period:
    """The 12 months (``CLV_WINDOW``) ending with the period, or now for a period not over
    yet: never a window in the future."""
    end = min(period.end, timezone.now())
    return Period(start=end - CLV_WINDOW, end=end)


def clv(*, period: Period, course: int | None = None) -> dict | None:
    """Customer lifetime value over the trailing 12 months ending with the period (the same
    for a day, a week or a month ending together) = average order value × purchase
    frequency × lifespan: average order value = revenue net of refunds / paid orders;
    frequency = paid orders / paying customers, per year; lifespan = 1 / the year's churn
    rate, in years. No data when nothing was bought or nobody churned in those 12 months."""
    window = clv_window(period)
    row = (
        paid_orders(course)
        .filter(window.lookup("paid_at"))
        .aggregate(orders=Count("pk"), customers=Count("customer_id", distinct=True), revenue=Sum(_net_amount()))
    )
    return _clv_figures(row, churn(period=window, course=course) if row["orders"] else None)


def _clv_figures(row: dict[str, Any], lost: dict | None) -> dict | None:
    """CLV from a year's paid orders (``orders``, ``customers``, ``revenue``) and churn."""
    if not row["orders"]:
        return None
    order_value = Decimal(row["revenue"] or 0) / row["orders"]
    frequency = row["orders"] / row["customers"]
    lifespan = 100.0 / lost["churn_rate"] if lost and lost["churn_rate"] else None
    return {
        "window_days": CLV_WINDOW.days,
        "orders": row["orders"],
        "customers": row["customers"],
        "revenue": float(round(Decimal(row["revenue"] or 0), 2)),
        "average_order_value": float(round(order_value, 2)),
        "purchase_frequency": round(frequency, 3),
        "annual_churn_rate": lost["churn_rate"] if lost else None,
        "lifespan_years": None if lifespan is None else round(lifespan, 2),
        "clv": None if lifespan is None else round(float(order_value) * frequency * lifespan, 2),
    }


def customers_by_course(*, period: Period) -> dict[str, dict[str, dict | None]]:
    """``{course key: {"churn": …, "repurchase": …, "clv": …}}`` for every course with paid
    orders that count in ``period`` (or in its CLV window): the figures ``churn``,
    ``repurchase`` and ``clv`` give for that course, in six queries whatever the number of
    courses."""
    active, retained = _churn_by_course(period)
    in_period = paid_orders().filter(period.lookup("paid_at")).order_by()
    # Buyers and repeat buyers per course: orders per (course, customer) first. Django cannot
    # aggregate an aggregate, so the second grouping wraps the ORM's own SQL.
    sql, params = in_period.values("course_id", "customer_id").annotate(n=Count("pk")).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT course_id, COUNT(*), SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) "  # noqa: S608 - the ORM's SQL
            f"FROM ({sql}) AS buyers GROUP BY course_id",
            params,
        )
        buyers = {course: (count, int(repeat)) for course, count, repeat in cursor.fetchall()}
    window = clv_window(period)
    year_active, year_retained = _churn_by_course(window)
    sales = {
        row.pop("course_id"): row
        for row in paid_orders()
        .filter(window.lookup("paid_at"))
        .order_by()
        .values("course_id")
        .annotate(orders=Count("pk"), customers=Count("customer_id", distinct=True), revenue=Sum(_net_amount()))
    }
    result = {}
    for course in active.keys() | buyers.keys():
        year_lost = _churn_figures(year_active.get(course, 0), year_retained.get(course, 0))
        result[group_key(course)] = {
            "churn": _churn_figures(active.get(course, 0), retained.get(course, 0)),
            "repurchase": _repurchase_figures(*buyers.get(course, (0, 0))),
            "clv": _clv_figures(sales[course], year_lost) if course in sales else None,
        }
    return result


def _churn_by_course(period: Period) -> tuple[dict[int, int], dict[int, int]]:
    """Per course: the customers active at the period's start, and those of them still
    active at its end (two queries)."""
    window = active_window(period)
    orders = paid_orders()
    at_start = orders.filter(_active_at(period.start, window))
    same_buyer_at_start = at_start.filter(course_id=OuterRef("course_id"), customer_id=OuterRef("customer_id"))
    retained = _per_course(orders.filter(_active_at(period.end, window), Exists(same_buyer_at_start)))
    return _per_course(at_start), retained


def _per_course(orders: Any) -> dict[int, int]:
    """Distinct customers of each course among ``orders``."""
    return dict(
        orders.order_by()
        .values("course_id")
        .annotate(n=Count("customer_id", distinct=True))
        .values_list("course_id", "n")
    )
