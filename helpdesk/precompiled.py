"""Queries compiled once per process and database connection, for the hot paths (a new
ticket: routing, the SLA policy, the customer by e-mail).

Django builds and compiles a queryset's SQL anew on every evaluation: for a new ticket's
routing query (a subquery, a join, an ordering) that was a larger share of the request's
CPU than PostgreSQL's work on it (docs/benchmarks.md, "Session 4 of issue 11").
``precompiled_list(key, build, *values)`` builds and compiles ``build(*slots)`` the first
time a key is seen, and afterwards runs the same SQL with the values put in their slots,
through Django's own result iterator (select_related, annotations, converters all as
usual).

What may go in a key: everything the SQL depends on except the slot values (a tier, a
category id, a priority). As a safety net, a query whose parameters are not plain
constants, or which compiles differently when built twice (it reads the clock), is not
cached. A slot value is a string the query passes to the database
unchanged; when the compiled parameters do not hold each slot's marker as it was given
(a backend that escapes it, as SQLite does for ``iexact``), the query is not cached and
runs the ordinary way every time.
"""

from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# The markers contain LIKE's special characters on purpose: a backend that escapes the
# value (and so would need it escaped on every call) changes the marker, which then is not
# found, and the query is left uncached.
_SLOT = "\x00precompiled_%{}%\x00"
_UNCACHEABLE = object()
# Constant parameters a compiled statement may keep. Anything else (a datetime: "now" on
# PostgreSQL) says that the SQL depends on more than its key, and it is not cached.
_CONSTANT = (str, int, float, bool, type(None))


def precompiled_list(key: Hashable, build: Callable[..., QuerySet], *values: str) -> list[Model]:
    """The rows of ``build(*values)`` as a list, the SQL built and compiled once per key.

    ``build`` is called with a marker string in place of each value the first time (and
    with the values themselves when the query cannot be cached); its queryset must be
    complete (ordering, limits): nothing is chained on it afterwards. Queries of the
    default database only."""
    connection = connections[DEFAULT_DB_ALIAS]
    cache: dict[Hashable, Any] = connection.__dict__.setdefault("helpdesk_precompiled", {})
    entry = cache.get(key)
    if entry is None:
        entry = cache[key] = _compile(build, len(values))
    if entry is _UNCACHEABLE:
        return list(build(*values))
    template, compiler, sql, params, positions = entry
    bound = list(params)
    for position, value in zip(positions, values, strict=True):
        bound[position] = value
    statement = (sql, tuple(bound))
    # The compiler keeps what its first compilation found (the selected columns, related
    # objects, annotations) and serves only its SQL text from here. It belongs to this
    # thread's connection, as the cache does.
    compiler.as_sql = lambda *args, **kwargs: statement
    queryset = template._chain()
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return list(queryset)


def _compile(build: Callable[..., QuerySet], count: int) -> Any:
    slots = [_SLOT.format(index) for index in range(count)]
    template = build(*slots)
    if template.db != DEFAULT_DB_ALIAS:
        return _UNCACHEABLE
    compiler = template.query.get_compiler(using=template.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # nothing to ask the database: left to Django each time
        return _UNCACHEABLE
    positions = [[i for i, param in enumerate(params) if param == slot] for slot in slots]
    if any(len(found) != 1 for found in positions):
        return _UNCACHEABLE
    if not all(isinstance(param, _CONSTANT) for param in params):
        return _UNCACHEABLE
    # Built a second time, the same query must give the same statement: one that reads
    # the clock or a counter does not (SQLite's backend turns datetimes into strings).
    again = build(*slots)
    try:
        if again.query.get_compiler(using=again.db).as_sql() != (sql, params):
            return _UNCACHEABLE
    except EmptyResultSet:
        return _UNCACHEABLE
    return template, compiler, sql, tuple(params), [found[0] for found in positions]
