"""The context upserts written set-based on PostgreSQL: a batch is a handful of
statements over ``unnest`` of its columns, whatever its size, and no model objects are
made. ``context.py`` calls these when the database is PostgreSQL; elsewhere (SQLite in
the tests) it reads the rows first and writes them with ``bulk_create``/``bulk_update``.
Both give the same counts, errors and rows; the integration tests run on both.

Counting without reading first: ``INSERT ... ON CONFLICT DO UPDATE ... WHERE ROW(old)
IS DISTINCT FROM ROW(new) RETURNING (xmax = 0)`` writes only the rows that differ and
returns one row per row written, true for those it inserted; rows sent but not returned
were unchanged. An item that leaves out an optional field leaves the stored value as it
is: items are grouped by the fields they carry (their shape), one statement per shape.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from accounts.models import CustomerProfile, Role, User

# Our table and column names come from the models, never from a request.
_quote = connection.ops.quote_name


def jit_off() -> None:
    """No JIT compilation for the rest of the transaction. A batch's statements are
    estimated expensive (a thousand rows of ``unnest`` joined to large tables), so
    PostgreSQL compiles them, and compiling took 240 of the 250 ms of resolving 1,000
    customers, every batch; they run in about 10 ms without it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _unnest(fields: Sequence[models.Field]) -> str:
    """``unnest`` of one array parameter per field, each cast to the field's column type."""
    return ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)


def upsert(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    conflict: tuple[str, ...],
    on_insert: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    merge: dict[str, str] | None = None,
) -> tuple[int, int, int]:
    """Upsert ``rows`` (column name → value; at most one row per ``conflict`` key) and
    return (created, updated, unchanged).

    A row's columns besides ``conflict`` are the ones it sets; a new row takes every other
    column from ``on_insert(row)``, else from the field's default. ``merge`` gives, for a
    column, the SQL of its new value on update in terms of ``t`` (the stored row) and
    ``EXCLUDED`` (the row sent), e.g. ``COALESCE(t.completed_at, EXCLUDED.completed_at)``."""
    fields = _fields(model)
    defaults = {f.column: f.get_default() for f in fields}
    merge = merge or {}
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        shapes.setdefault(tuple(sorted(set(row) - set(conflict))), []).append(row)
    created = updated = unchanged = 0
    table = _quote(model._meta.db_table)
    columns = ", ".join(_quote(f.column) for f in fields)
    for shape, part in shapes.items():
        new = {name: merge.get(name, f"EXCLUDED.{_quote(name)}") for name in shape}
        sets = ", ".join(f"{_quote(name)} = {value}" for name, value in new.items())
        ours = ", ".join(f"t.{_quote(name)}" for name in shape)
        action = f"UPDATE SET {sets} WHERE ROW({ours}) IS DISTINCT FROM ROW({', '.join(new.values())})"
        sql = (
            f"INSERT INTO {table} AS t ({columns}) SELECT * FROM unnest({_unnest(fields)}) "  # noqa: S608 (names are ours)
            f"ON CONFLICT ({', '.join(map(_quote, conflict))}) DO {action if shape else 'NOTHING'} "
            "RETURNING (xmax = 0)"
        )
        full = [{**defaults, **(on_insert(row) if on_insert else {}), **row} for row in part]
        with connection.cursor() as cursor:
            cursor.execute(sql, [[row[f.column] for row in full] for f in fields])
            inserted = [flag for (flag,) in cursor.fetchall()]
        created += sum(inserted)
        updated += len(inserted) - sum(inserted)
        unchanged += len(part) - len(inserted)
    return created, updated, unchanged


def insert(model: type[models.Model], rows: Sequence[dict[str, Any]], *, returning: tuple[str, ...]) -> list[tuple]:
    """Insert ``rows`` (column name → value; other columns take the field's default) in
    one statement; returns the ``returning`` columns of each row inserted, in no order."""
    if not rows:
        return []
    fields = _fields(model)
    defaults = {f.column: f.get_default() for f in fields}
    sql = (
        f"INSERT INTO {_quote(model._meta.db_table)} ({', '.join(_quote(f.column) for f in fields)}) "  # noqa: S608
        f"SELECT * FROM unnest({_unnest(fields)}) RETURNING {', '.join(map(_quote, returning))}"
    )
    full = [{**defaults, **row} for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(sql, [[row[f.column] for row in full] for f in fields])
        return [tuple(row) for row in cursor.fetchall()]


def update(model: type[models.Model], key: str, rows: Sequence[dict[str, Any]], *, touch: str = "") -> list[Any]:
    """Update existing rows by ``key`` in one statement. Every row carries the same
    columns; a value of ``None`` leaves the stored value (for columns that are never set
    to NULL). Only rows that differ are written; returns the ``key`` of each. ``touch``
    names a column set to now on each row written (an ``updated_at``)."""
    if not rows:
        return []
    by_column = {f.column: f for f in model._meta.concrete_fields}
    names = [name for name in rows[0] if name != key]
    fields = [by_column[key], *(by_column[name] for name in names)]
    new = {name: f"COALESCE(v.{_quote(name)}, t.{_quote(name)})" for name in names}
    sets = [f"{_quote(name)} = {value}" for name, value in new.items()]
    params: list[Any] = []
    if touch:  # its parameter comes first: SET is before FROM in the statement
        sets.append(f"{_quote(touch)} = %s")
        params.append(timezone.now())
    params += [[row[f.column] for row in rows] for f in fields]
    table = _quote(model._meta.db_table)
    sql = (
        f"UPDATE {table} AS t SET {', '.join(sets)} "  # noqa: S608 (names are ours)
        f"FROM unnest({_unnest(fields)}) AS v({', '.join(_quote(f.column) for f in fields)}) "
        f"WHERE t.{_quote(key)} = v.{_quote(key)} "
        f"AND ROW({', '.join(f't.{_quote(name)}' for name in names)}) IS DISTINCT FROM ROW({', '.join(new.values())}) "
        f"RETURNING t.{_quote(key)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [value for (value,) in cursor.fetchall()]


def customers_resolve(pairs: Sequence[tuple[str, str]]) -> list[tuple[int | None, int | None, bool, str | None]]:
    """For each (external id, lower-case e-mail), in order: the user of the profile with
    that external id, the account holding that address in any case (the exact address
    first), whether that account is a customer only (the customer group and no other,
    not staff), and the external id of that account's profile (``None`` without one).
    One statement for the whole batch."""
    user, profile = _quote(User._meta.db_table), _quote(CustomerProfile._meta.db_table)
    through = User.groups.through
    groups = _quote(through._meta.db_table)
    group_table = _quote(User.groups.field.related_model._meta.db_table)
    sql = f"""
        SELECT p.user_id, h.id,
               h.id IS NOT NULL AND NOT h.is_staff
               AND ARRAY(SELECT g.name FROM {groups} AS ug JOIN {group_table} AS g ON g.id = ug.group_id
                         WHERE ug.user_id = h.id) = ARRAY[%s]::varchar[],
               hp.platform_user_id
        FROM unnest(%s::varchar[], %s::varchar[]) WITH ORDINALITY AS i(external_id, email, n)
        LEFT JOIN {profile} AS p ON p.platform_user_id = i.external_id
        LEFT JOIN LATERAL (
            SELECT u.id, u.is_staff FROM {user} AS u WHERE UPPER(u.email) = UPPER(i.email)
            ORDER BY u.email = i.email DESC, u.id LIMIT 1
        ) AS h ON TRUE
        LEFT JOIN {profile} AS hp ON hp.user_id = h.id
        ORDER BY i.n
    """  # noqa: S608 (names are ours)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Role.CUSTOMER, [e for e, _m in pairs], [m for _e, m in pairs]])
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]
