"""Queries compiled once per process and database connection, for the hot paths (a new
ticket: routing, the SLA policy, the customer by e-mail; its five INSERTs: ``rows_insert``).

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

import copy
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
    # A shallow copy of the compiler keeps what its first compilation found (the selected
    # columns, related objects, annotations) and serves this call's SQL. A copy per call:
    # threads may share a connection (Django's live test server does, on SQLite).
    bound_compiler = copy.copy(compiler)
    bound_compiler.as_sql = lambda *args, **kwargs: statement
    queryset = template._chain()
    queryset.query.get_compiler = lambda *args, **kwargs: bound_compiler
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


def rows_insert(objs: list[Model]) -> list[Model]:
    """INSERT new rows of one model (their primary keys not set) in one statement, as
    ``bulk_create(objs)`` does: each field's ``pre_save`` (defaults already on the object,
    ``auto_now_add``), the values prepared by the field, the returned primary key set on
    each object, which is then saved (``_state``). The statement is compiled once per
    model and number of rows; the values are prepared on every call. No signals are sent,
    as with ``bulk_create``. Objects with a value Django would have to compile (an
    expression) go through ``bulk_create`` itself."""
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[DEFAULT_DB_ALIAS]
    cache: dict[Hashable, Any] = connection.__dict__.setdefault("helpdesk_precompiled_inserts", {})
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    key = (model, len(objs))
    entry = cache.get(key)
    if entry is None:
        entry = cache[key] = _insert_compile(model, objs)
    if entry is _UNCACHEABLE or any(obj.pk is not None for obj in objs):
        return model._base_manager.bulk_create(objs)
    compiler, fields, sql, unnest, returning_fields, columns = entry
    rows = []
    for obj in objs:
        values = [compiler.pre_save_val(field, obj) for field in fields]
        if any(hasattr(value, "resolve_expression") for value in values):
            return model._base_manager.bulk_create(objs)
        rows.append([compiler.prepare_value(field, value) for field, value in zip(fields, values, strict=True)])
    params = [list(column) for column in zip(*rows, strict=True)] if unnest else [v for row in rows for v in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = connection.ops.fetch_returned_rows(cursor, compiler.returning_params)
    converters = compiler.get_converters(columns)
    if converters:
        returned = compiler.apply_converters(returned, converters)
    returned = list(returned)
    if len(returned) != len(objs):
        raise RuntimeError(f"{model.__name__}: {len(objs)} rows inserted, {len(returned)} returned")
    for obj, values in zip(objs, returned, strict=True):
        for field, value in zip(returning_fields, values, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
    return objs


def _insert_compile(model: type[Model], objs: list[Model]) -> Any:
    """The INSERT that ``bulk_create`` would send for these objects, and how its parameters
    are laid out (one per value, or PostgreSQL's UNNEST: one array per column)."""
    from django.db.models import AutoField
    from django.db.models.sql import InsertQuery

    connection = connections[DEFAULT_DB_ALIAS]
    features = connection.features
    if len(objs) > 1 and not features.can_return_rows_from_bulk_insert:
        return _UNCACHEABLE
    if len(objs) == 1 and not features.can_return_columns_from_insert:
        return _UNCACHEABLE
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.generated and not isinstance(f, AutoField)]
    returning_fields = list(opts.db_returning_fields)
    if opts.pk not in returning_fields:
        return _UNCACHEABLE
    # A copy of the objects: compiling runs pre_save (auto_now_add) on them.
    probes = [model(**{f.attname: getattr(obj, f.attname) for f in fields}) for obj in objs]
    query = InsertQuery(model)
    query.insert_values(fields, probes, raw=False)
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    compiler.returning_fields = returning_fields
    statements = compiler.as_sql()
    if len(statements) != 1:
        return _UNCACHEABLE
    sql, params = statements[0]
    if len(params) == len(fields) * len(objs) and not any(isinstance(p, list) for p in params):
        unnest = False
    elif len(objs) > 1 and len(params) == len(fields) and all(_column(p, len(objs)) for p in params):
        unnest = True
    else:
        return _UNCACHEABLE
    columns = [field.get_col(opts.db_table) for field in returning_fields]
    return compiler, fields, sql, unnest, returning_fields, columns


def _column(param: Any, rows: int) -> bool:
    return isinstance(param, list) and len(param) == rows
