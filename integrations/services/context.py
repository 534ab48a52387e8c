"""The customer context in: idempotent bulk upserts of customers, courses, orders,
enrollments and learning activity, keyed by the platform's ids.

The platform's ids are ``CustomerProfile.platform_user_id``, ``Course.code`` and
``Order.number``. Each call validates every item on its own (``integrations.items``),
resolves references in a few queries per batch, and writes with bulk inserts and updates
in one transaction. A bad item is reported with its index and never blocks the others;
the same batch sent twice changes nothing the second time. A customer first known by
e-mail (from a ticket) and later sent by the platform is the same customer: the platform's
id is attached to the existing account.
"""

import secrets
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import (
    Course,
    CustomerProfile,
    Enrollment,
    LearningActivity,
    Order,
    OrderStatus,
    Role,
    User,
)

from ..items import ITEMS, plain_validator
from . import context_pg as pg

# The most items one call may carry.
MAX_ITEMS = 1000
# Rows per INSERT/UPDATE statement.
WRITE_BATCH = 500


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, index: int, errors: dict[str, Any]) -> None:
        self.errors.append({"index": index, "errors": errors})

    @property
    def landed(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        errors = sorted(self.errors, key=lambda e: e["index"])
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "errors": errors}

    def add(self, other: "UpsertResult", *, offset: int = 0) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors += [{"index": e["index"] + offset, "errors": e["errors"]} for e in other.errors]


Item = tuple[int, dict[str, Any]]


def _validate(resource: str, items: Sequence[Any], result: UpsertResult) -> list[Item]:
    """Each item validated on its own. One serializer instance validates them all: making
    one per item (DRF deep-copies its fields each time) took 85 % of a batch's time. Items
    of plain values take the plain path (``plain_validator``), which gives DRF's answer."""
    serializer = ITEMS[resource]()
    plain = plain_validator(serializer)
    valid = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.error(index, {"non_field_errors": [_("Each item must be an object.")]})
            continue
        data = plain(item) if plain is not None else None
        if data is not None:
            valid.append((index, data))
            continue
        try:
            valid.append((index, dict(serializer.run_validation(item))))
        except serializers.ValidationError as exc:
            result.error(index, exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail})
    return valid


def _once(
    valid: list[Item], key: Callable[[dict[str, Any]], Hashable], field_name: str, result: UpsertResult
) -> list[Item]:
    """Each key once per batch: a later repetition is reported, not applied."""
    seen: set[Hashable] = set()
    kept = []
    for index, data in valid:
        value = key(data)
        if value in seen:
            result.error(index, {field_name: [_("This item appears more than once in the batch.")]})
        else:
            seen.add(value)
            kept.append((index, data))
    return kept


def _apply(
    model: type[models.Model],
    existing: dict[Hashable, Any],
    rows: Iterable[tuple[Hashable, dict[str, Any]]],
    make: Callable[[Hashable, dict[str, Any]], Any],
    result: UpsertResult | None,
) -> list[Any]:
    """Create the rows whose key is new, update those that differ, count each. Returns
    the rows created (with their ids)."""
    to_create, to_update, changed_fields = [], [], set()
    for key, values in rows:
        row = existing.get(key)
        if row is None:
            row = make(key, values)
            existing[key] = row
            to_create.append(row)
            if result is not None:
                result.created += 1
            continue
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        for name in changed:
            setattr(row, name, values[name])
        if changed:
            to_update.append(row)
            changed_fields.update(changed)
        if result is not None:
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=WRITE_BATCH)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=WRITE_BATCH)
    return to_create


def _customer_ids(external_ids: Iterable[str]) -> dict[str, int]:
    return dict(
        CustomerProfile.objects.filter(platform_user_id__in=set(external_ids)).values_list(
            "platform_user_id", "user_id"
        )
    )


def _course_ids(external_ids: Iterable[str]) -> dict[str, int]:
    return dict(Course.objects.filter(code__in=set(external_ids)).values_list("code", "id"))


def _references(valid: list[Item], result: UpsertResult) -> list[tuple[int, dict[str, Any], int, int]]:
    """Items with their customer and course resolved to our ids; unknown ones reported."""
    customers = _customer_ids(data["customer"] for _i, data in valid)
    courses = _course_ids(data["course"] for _i, data in valid)
    resolved = []
    for index, data in valid:
        errors = {}
        if data["customer"] not in customers:
            errors["customer"] = [_("No customer has this external id; send the customer first.")]
        if data["course"] not in courses:
            errors["course"] = [_("No course has this external id; send the course first.")]
        if errors:
            result.error(index, errors)
        else:
            resolved.append((index, data, customers[data["customer"]], courses[data["course"]]))
    return resolved


# ---------------------------------------------------------------------------
# Customers
# ---------------------------------------------------------------------------


def _customers(valid: list[Item], result: UpsertResult) -> None:
    if connection.vendor == "postgresql":
        _customers_postgresql(valid, result)
        return
    external_ids = [data["external_id"] for _i, data in valid]
    emails = [data["email"].strip().lower() for _i, data in valid]
    profiles = {
        p.platform_user_id: p
        for p in CustomerProfile.objects.filter(platform_user_id__in=external_ids).select_related("user")
    }
    # The account holding each address in any case, the exact address first (as on
    # PostgreSQL, and as every channel finds a person: ``email__iexact``).
    users: dict[str, User] = {}
    holders = User.objects.annotate(email_upper=Upper("email")).filter(email_upper__in={e.upper() for e in emails})
    for holder in sorted(holders, key=lambda u: (u.email != u.email.lower(), u.pk)):
        users.setdefault(holder.email.lower(), holder)
    roles: dict[int, set[str]] = {}
    for user_id, name in User.groups.through.objects.filter(user_id__in=[u.pk for u in users.values()]).values_list(
        "user_id", "group__name"
    ):
        roles.setdefault(user_id, set()).add(name)
    profiles_of_users = {
        p.user_id: p for p in CustomerProfile.objects.filter(user_id__in=[u.pk for u in users.values()])
    }

    user_rows: list[tuple[Hashable, dict[str, Any]]] = []
    profile_rows: list[tuple[Hashable, dict[str, Any]]] = []
    existing_users: dict[Hashable, Any] = {}
    existing_profiles: dict[Hashable, Any] = {}
    plan = []  # (index, user key, is new)
    for index, data in valid:
        external_id, email = data["external_id"], data["email"].strip().lower()
        profile = profiles.get(external_id)
        holder = users.get(email)
        if profile is not None:
            user = profile.user
            if holder is not None and holder.pk != user.pk:
                result.error(index, {"email": [_("Another account has this email address.")]})
                continue
        elif holder is not None:
            if roles.get(holder.pk, set()) != {Role.CUSTOMER} or holder.is_staff:
                result.error(index, {"email": [_("This email address belongs to a staff account.")]})
                continue
            profile = profiles_of_users.get(holder.pk)
            if profile is not None and profile.platform_user_id not in ("", external_id):
                result.error(
                    index, {"email": [_("This email address belongs to a customer with another external id.")]}
                )
                continue
            user = holder
        else:
            user = None
        user_values = {"email": email, **{k: data[k] for k in ("name", "language") if k in data}}
        profile_values = {"platform_user_id": external_id}
        if "phone" in data:
            profile_values["phone"] = data["phone"]
        if "vip" in data:
            profile_values["is_vip"] = data["vip"]
        key = user.pk if user is not None else ("new", email)
        if user is not None:
            existing_users[key] = user
            if profile is not None:
                existing_profiles[key] = profile
        user_rows.append((key, user_values))
        profile_rows.append((key, profile_values))
        plan.append((index, key))

    # Count per item from both rows: created if the user is new, updated if either changed.
    counts = UpsertResult()
    before = {key: (_snapshot(existing_users.get(key)), _snapshot(existing_profiles.get(key))) for _i, key in plan}
    new_users = _apply(
        User,
        existing_users,
        user_rows,
        lambda key, values: User(password=_unusable_password(), **{"name": "", **values}),
        None,
    )
    if new_users:
        group = Group.objects.get(name=Role.CUSTOMER)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in new_users], batch_size=WRITE_BATCH
        )
    _apply(
        CustomerProfile,
        existing_profiles,
        [(key, values) for key, values in profile_rows],
        lambda key, values: CustomerProfile(user=existing_users[key], **values),
        None,
    )
    for _index, key in plan:
        if before[key][0] is None:
            counts.created += 1
        elif before[key] != (_snapshot(existing_users[key]), _snapshot(existing_profiles[key])):
            counts.updated += 1
        else:
            counts.unchanged += 1
    result.add(counts)


def _customers_postgresql(valid: list[Item], result: UpsertResult) -> None:
    """The same decisions as ``_customers``, from one statement that resolves the batch
    (``context_pg.customers_resolve``), then one statement per table written."""
    pairs = [(data["external_id"], data["email"].strip().lower()) for _i, data in valid]
    new_users, user_updates, new_profiles, profile_updates = [], [], [], []
    existing: list[int] = []  # the user of each item that landed on an existing account
    for (index, data), (external_id, email), found in zip(valid, pairs, pg.customers_resolve(pairs), strict=True):
        profile_user, holder, holder_is_customer, holder_platform_id = found
        if profile_user is not None:
            user_id: int | None = profile_user
            if holder is not None and holder != profile_user:
                result.error(index, {"email": [_("Another account has this email address.")]})
                continue
        elif holder is not None:
            if not holder_is_customer:
                result.error(index, {"email": [_("This email address belongs to a staff account.")]})
                continue
            if holder_platform_id not in (None, "", external_id):
                result.error(
                    index, {"email": [_("This email address belongs to a customer with another external id.")]}
                )
                continue
            user_id = holder
        else:
            user_id = None
        sent = {"phone": data.get("phone"), "is_vip": data.get("vip")}
        given = {k: v for k, v in sent.items() if v is not None}
        if user_id is None:
            new_users.append(
                {
                    "password": _unusable_password(),
                    "email": email,
                    **{k: data[k] for k in ("name", "language") if k in data},
                }
            )
            new_profiles.append({"email": email, "platform_user_id": external_id, **given})
            continue
        existing.append(user_id)
        user_updates.append({"id": user_id, "email": email, "name": data.get("name"), "language": data.get("language")})
        if profile_user is None and holder_platform_id is None:  # an account without a profile yet
            new_profiles.append({"user_id": user_id, "platform_user_id": external_id, **given})
        else:
            profile_updates.append({"user_id": user_id, "platform_user_id": external_id, **sent})
    changed = set(pg.update(User, "id", user_updates))
    changed.update(pg.update(CustomerProfile, "user_id", profile_updates, touch="updated_at"))
    ids = dict(pg.insert(User, new_users, returning=("email", "id")))
    if ids:
        group = Group.objects.get(name=Role.CUSTOMER)
        pg.insert(User.groups.through, [{"user_id": i, "group_id": group.pk} for i in ids.values()], returning=("id",))
    for row in new_profiles:
        if "email" in row:
            row["user_id"] = ids[row.pop("email")]
    now = timezone.now()
    made = pg.insert(
        CustomerProfile, [{"created_at": now, "updated_at": now, **row} for row in new_profiles], returning=("user_id",)
    )
    changed.update(user_id for (user_id,) in made)
    result.created += len(new_users)
    for user_id in existing:
        if user_id in changed:
            result.updated += 1
        else:
            result.unchanged += 1


def _unusable_password() -> str:
    """What ``make_password(None)`` stores, from one random call instead of forty (a
    tenth of a customers batch went into ``get_random_string``)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _snapshot(row: models.Model | None) -> tuple[Any, ...] | None:
    if row is None:
        return None
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields)


# ---------------------------------------------------------------------------
# Courses, orders, enrollments, learning
# ---------------------------------------------------------------------------


def _courses(valid: list[Item], result: UpsertResult) -> None:
    if connection.vendor == "postgresql":
        rows = [{"code": d["external_id"], **{k: v for k, v in d.items() if k != "external_id"}} for _i, d in valid]
        _count(result, pg.upsert(Course, rows, conflict=("code",), on_insert=lambda row: {"price": 0}))
        return
    existing = {c.code: c for c in Course.objects.filter(code__in=[d["external_id"] for _i, d in valid])}
    rows = [(data["external_id"], {k: v for k, v in data.items() if k != "external_id"}) for _i, data in valid]
    _apply(Course, existing, rows, lambda code, values: Course(code=code, **{"price": 0, **values}), result)


def _orders(valid: list[Item], result: UpsertResult) -> None:
    resolved = _references(valid, result)
    existing = {o.number: o for o in Order.objects.filter(number__in=[d["external_id"] for _i, d, _c, _k in resolved])}
    rows = []
    for _index, data, customer_id, course_id in resolved:
        values = {k: v for k, v in data.items() if k not in ("external_id", "customer", "course")}
        values.update(customer_id=customer_id, course_id=course_id)
        rows.append((data["external_id"], values))
    if connection.vendor == "postgresql":
        now = timezone.now()
        _count(
            result,
            pg.upsert(
                Order,
                [{"number": number, **values} for number, values in rows],
                conflict=("number",),
                on_insert=lambda row: {"created_at": row.get("paid_at") or now},
            ),
        )
        return

    def make(number: Hashable, values: dict[str, Any]) -> Order:
        created = values.get("paid_at") or timezone.now()
        return Order(number=number, created_at=created, **{"status": OrderStatus.PAID, **values})

    _apply(Order, existing, rows, make, result)


def _enrollments_for(pairs: set[tuple[int, int]]) -> dict[Hashable, Enrollment]:
    customers = {c for c, _k in pairs}
    courses = {k for _c, k in pairs}
    found = Enrollment.objects.filter(customer_id__in=customers, course_id__in=courses)
    return {(e.customer_id, e.course_id): e for e in found if (e.customer_id, e.course_id) in pairs}


def _enrollments(valid: list[Item], result: UpsertResult) -> None:
    resolved = _references(valid, result)
    names = {"progress": "progress", "minutes": "minutes_learned", "sessions": "sessions_count"}
    if connection.vendor == "postgresql":
        _enrollments_postgresql(resolved, names, result)
        return
    existing = _enrollments_for({(c, k) for _i, _d, c, k in resolved})
    rows = []
    for _index, data, customer_id, course_id in resolved:
        values = {names[k]: v for k, v in data.items() if k in names}
        if "last_active_at" in data:
            values["last_active_at"] = data["last_active_at"]
        current = existing.get((customer_id, course_id))
        if values.get("progress") == 100 and (current is None or current.completed_at is None):
            values["completed_at"] = data.get("last_active_at") or timezone.now()
        rows.append(((customer_id, course_id), values))

    def make(key: Hashable, values: dict[str, Any]) -> Enrollment:
        customer_id, course_id = key  # type: ignore[misc]
        return Enrollment(customer_id=customer_id, course_id=course_id, **values)

    _apply(Enrollment, existing, rows, make, result)


def _enrollments_postgresql(
    resolved: list[tuple[int, dict[str, Any], int, int]], names: dict[str, str], result: UpsertResult
) -> None:
    """An enrollment reaching 100 % is completed at its last activity (else now), once:
    a completion already stored is kept (``COALESCE``), as on the read-then-write path."""
    now = timezone.now()
    rows = []
    for _index, data, customer_id, course_id in resolved:
        row = {"customer_id": customer_id, "course_id": course_id}
        row.update({names[k]: v for k, v in data.items() if k in names})
        if "last_active_at" in data:
            row["last_active_at"] = data["last_active_at"]
        completed = (data.get("last_active_at") or now) if data.get("progress") == 100 else None
        rows.append({**row, "completed_at": completed})
    merge = {"completed_at": "COALESCE(t.completed_at, EXCLUDED.completed_at)"}
    _count(result, pg.upsert(Enrollment, rows, conflict=("customer_id", "course_id"), merge=merge))


def _count(result: UpsertResult, counts: tuple[int, int, int]) -> None:
    result.created += counts[0]
    result.updated += counts[1]
    result.unchanged += counts[2]


def _learning(valid: list[Item], result: UpsertResult) -> None:
    resolved = _references(valid, result)
    pairs = {(c, k) for _i, _d, c, k in resolved}
    found = Enrollment.objects.filter(
        customer_id__in={c for c, _k in pairs}, course_id__in={k for _c, k in pairs}
    ).values_list("customer_id", "course_id", "pk")
    enrollment_ids = {(c, k): pk for c, k, pk in found if (c, k) in pairs}
    first_day: dict[tuple[int, int], date] = {}
    for _index, data, customer_id, course_id in resolved:
        pair = (customer_id, course_id)
        first_day[pair] = min(first_day.get(pair, data["date"]), data["date"])
    missing = sorted(pairs - set(enrollment_ids))
    made = Enrollment.objects.bulk_create(
        [Enrollment(customer_id=c, course_id=k, enrolled_at=_start_of(first_day[(c, k)])) for c, k in missing],
        batch_size=WRITE_BATCH,
    )
    enrollment_ids.update({(e.customer_id, e.course_id): e.pk for e in made})
    rows: list[tuple[tuple[int, date], dict[str, int]]] = []
    seen: set[tuple[int, date]] = set()
    for index, data, customer_id, course_id in resolved:
        key = (enrollment_ids[(customer_id, course_id)], data["date"])
        if key in seen:
            result.error(index, {"date": [_("This item appears more than once in the batch.")]})
            continue
        seen.add(key)
        values = {"minutes": data["minutes"]}
        if "sessions" in data:
            values["sessions"] = data["sessions"]
        rows.append((key, values))
    if connection.vendor == "postgresql":
        _learning_upsert_postgresql(rows, result)
        return
    # Elsewhere (SQLite in the tests) the rows are read first, then written apart.
    days = {day for (_e, day), _values in rows}
    existing: dict[Hashable, Any] = {
        (a.enrollment_id, a.day): a
        for a in LearningActivity.objects.filter(enrollment_id__in={e for (e, _d), _v in rows}, day__in=days)
    }
    _apply(
        LearningActivity,
        existing,
        rows,
        lambda key, values: LearningActivity(enrollment_id=key[0], day=key[1], **values),  # type: ignore[index]
        result,
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def _learning_upsert_postgresql(rows: list[tuple[tuple[int, date], dict[str, int]]], result: UpsertResult) -> None:
    """One ``INSERT ... ON CONFLICT DO UPDATE`` per shape of item (with or without
    ``sessions``) that writes only the rows that differ and says which it inserted, so
    created, updated and unchanged are counted without reading the rows first. The same
    (enrollment, day) is never twice in ``rows``."""
    table = LearningActivity._meta.db_table
    for columns in (("minutes", "sessions"), ("minutes",)):
        part = [(key, values) for key, values in rows if tuple(values) == columns]
        if not part:
            continue
        sent = ", ".join(f"{name} = EXCLUDED.{name}" for name in columns)
        ours = ", ".join(f"t.{name}" for name in columns)
        theirs = ", ".join(f"EXCLUDED.{name}" for name in columns)
        sessions = "%s::integer[]" if "sessions" in columns else "array_fill(0, ARRAY[%s])"
        sql = (
            f"INSERT INTO {table} AS t (enrollment_id, day, minutes, sessions) "  # noqa: S608 (names are ours)
            f"SELECT * FROM unnest(%s::bigint[], %s::date[], %s::integer[], {sessions}) "
            f"ON CONFLICT (enrollment_id, day) DO UPDATE SET {sent} "
            f"WHERE ROW({ours}) IS DISTINCT FROM ROW({theirs}) "
            "RETURNING (xmax = 0)"
        )
        params: list[Any] = [
            [key[0] for key, _v in part],
            [key[1] for key, _v in part],
            [values["minutes"] for _k, values in part],
            [values["sessions"] for _k, values in part] if "sessions" in columns else len(part),
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = [row[0] for row in cursor.fetchall()]
        result.created += sum(inserted)
        result.updated += len(inserted) - sum(inserted)
        result.unchanged += len(part) - len(inserted)


HANDLERS: dict[str, Callable[[list[Item], UpsertResult], None]] = {
    "customers": _customers,
    "courses": _courses,
    "orders": _orders,
    "enrollments": _enrollments,
    "learning-activity": _learning,
}
KEYS: dict[str, tuple[str, Callable[[dict[str, Any]], Hashable]]] = {
    "customers": ("external_id", lambda d: d["external_id"]),
    "courses": ("external_id", lambda d: d["external_id"]),
    "orders": ("external_id", lambda d: d["external_id"]),
    "enrollments": ("course", lambda d: (d["customer"], d["course"])),
    "learning-activity": ("date", lambda d: (d["customer"], d["course"], d["date"])),
}


def context_upsert(*, resource: str, items: Sequence[Any]) -> UpsertResult:
    """Upsert one batch (at most ``MAX_ITEMS``) of ``resource`` items. Idempotent."""
    if resource not in HANDLERS:
        raise ValueError(f"Unknown resource {resource!r}")
    if len(items) > MAX_ITEMS:
        raise ValueError(f"At most {MAX_ITEMS} items per call")
    result = UpsertResult()
    valid = _validate(resource, items, result)
    field_name, key = KEYS[resource]
    valid = _once(valid, key, field_name, result)
    if resource == "customers":
        valid = _once(valid, lambda d: d["email"].strip().lower(), "email", result)
    if valid:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                pg.jit_off()
            HANDLERS[resource](valid, result)
    return result
