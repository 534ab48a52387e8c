"""Personal next steps (课程推荐): the courses a learner is most likely to want next.

Item-item collaborative filtering: courses are similar when the same customers own them
(paid orders and enrollments; a course the customer learned in counts twice as much as one
only bought), by cosine similarity over customers. A learner's score for a course is the
sum of its similarities to the courses they own; ties and learners who own nothing fall
back to popularity. Measured offline against "most popular" by hit rate at 5 on held-back
purchases of the demo (``bench/recommendations.py``, docs/benchmarks.md).

The model is built from the database once per process and rebuilt when an order or an
enrollment is added (one aggregate query per use checks that).
"""

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from .models import Course, Enrollment, Order, OrderStatus

OWNED_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)
LEARNED_WEIGHT = 2.0
RECOMMENDED = 5


@dataclass(frozen=True)
class CourseModel:
    course_ids: list[int]
    similarity: np.ndarray  # courses × courses, cosine, zero diagonal
    popularity: np.ndarray  # owners per course

    def recommend(self, owned: Iterable[int], limit: int = RECOMMENDED, *, item_item: bool = True) -> list[int]:
        """Course ids, best first, none of ``owned``. ``item_item=False``: most popular."""
        if not self.course_ids:  # nobody owns anything yet
            return []
        index = {course: n for n, course in enumerate(self.course_ids)}
        rows = [index[course] for course in set(owned) if course in index]
        # popularity breaks ties (and decides alone for a learner who owns nothing)
        scores = self.popularity / (self.popularity.max() + 1.0) * 1e-3
        if item_item and rows:
            scores = scores + self.similarity[rows].sum(axis=0)
        scores[rows] = -np.inf
        order = np.argsort(-scores, kind="stable")
        return [self.course_ids[n] for n in order[:limit] if np.isfinite(scores[n])]


def course_model_build(ownership: Iterable[tuple[int, int, float]]) -> CourseModel:
    """The model from (customer id, course id, weight) rows (a pair's weights add up)."""
    rows = list(ownership)
    course_ids = sorted({course for _customer, course, _weight in rows})
    customers = {customer: n for n, customer in enumerate(sorted({customer for customer, _c, _w in rows}))}
    index = {course: n for n, course in enumerate(course_ids)}
    matrix = np.zeros((len(customers), len(course_ids)), dtype=np.float32)
    for customer, course, weight in rows:
        matrix[customers[customer], index[course]] += weight
    co = matrix.T @ matrix
    norms = np.sqrt(np.diag(co))
    with np.errstate(divide="ignore", invalid="ignore"):
        similarity = np.nan_to_num(co / np.outer(norms, norms))
    np.fill_diagonal(similarity, 0.0)
    return CourseModel(course_ids=course_ids, similarity=similarity, popularity=(matrix > 0).sum(axis=0))


def ownership_rows() -> list[tuple[int, int, float]]:
    """(customer, course, weight) of every owned course: bought (1) and learned in (+1)."""
    # order_by(): the models' default ordering would join DISTINCT (and be read for every row).
    bought = (
        Order.objects.filter(status__in=OWNED_STATUSES).values_list("customer_id", "course_id").order_by().distinct()
    )
    learned = (
        Enrollment.objects.filter(minutes_learned__gt=0).values_list("customer_id", "course_id").order_by().distinct()
    )
    return [(customer, course, 1.0) for customer, course in bought] + [
        (customer, course, LEARNED_WEIGHT - 1.0) for customer, course in learned
    ]


_cached: tuple[tuple, float, CourseModel] | None = None
_checked_at = 0.0
_lock = threading.Lock()
# A model also older than this is rebuilt: what the cheap check below cannot see (an order
# refunded, a row erased) reaches the recommendations within this many seconds.
MODEL_MAX_AGE_SECONDS = 900
# The cheap check itself runs at most this often per process: a new order or learning
# reaches the model within this many seconds, and the ticket pages in between make no
# query for it (two per page before; a customer's own purchases are read afresh anyway).
MODEL_CHECK_SECONDS = 30


def course_model_forget() -> None:
    """Drop the process's model (tests: rolled-back rows may repeat the ids it was read at)."""
    global _cached, _checked_at
    _cached, _checked_at = None, 0.0


def course_model() -> CourseModel:
    """The process's course model, rebuilt when orders or learning changed. The check reads
    index ends only (the newest order, enrollment and activity): counting the tables took 80 ms
    of every ticket page at 176,000 orders and grew with them. It runs at most every
    ``MODEL_CHECK_SECONDS``."""
    global _cached, _checked_at
    now = time.monotonic()
    if _cached is not None and now - _checked_at < MODEL_CHECK_SECONDS:
        return _cached[2]
    state = tuple(Order.objects.aggregate(last=Max("pk")).values()) + tuple(
        Enrollment.objects.aggregate(last=Max("pk"), active=Max("last_active_at")).values()
    )
    _checked_at = now
    if _cached is None or _cached[0] != state or now - _cached[1] > MODEL_MAX_AGE_SECONDS:
        with _lock:
            _cached = (state, now, course_model_build(ownership_rows()))
    return _cached[2]


def courses_recommended(*, owned: Iterable[int], limit: int = RECOMMENDED) -> list[Course]:
    """The courses on sale a learner who owns ``owned`` (course ids) would most likely want
    next. Three queries."""
    active = Course.objects.filter(is_active=True).in_bulk()
    model = course_model()
    return [active[pk] for pk in model.recommend(owned, limit=len(model.course_ids)) if pk in active][:limit]
