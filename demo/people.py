"""Demo people and purchases for ``manage.py seed_demo``: deterministic and idempotent.

Every customer ``i`` is generated from its own random stream (``seed`` and ``i``), so a
run with more customers adds the missing ones and leaves the existing ones as they
were. Rows are written with ``bulk_create`` in chunks of ``CHUNK`` customers, each chunk
in one transaction, so a million rows take a minute rather than an hour and memory stays
flat. Dates are relative to the day of the run.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import (
    AgentProfile,
    AgentTier,
    Course,
    CourseKind,
    CustomerProfile,
    Enrollment,
    LearningActivity,
    Order,
    OrderStatus,
    Role,
    SalesChannel,
    User,
)
from accounts.services import user_roles_set

# Customers written per transaction: about 15 rows each, so ~75,000 rows per chunk.
CHUNK = 5000
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed by `make run`; demo data only
ACTIVITY_DAYS = 56
# Engaged learners who stopped learning two to four weeks ago: the learners at risk.
FADING_SHARE = 0.12

# (email, name, language, roles, tier, takes tier 1, skills)
STAFF = [
    ("admin@example.com", "系统管理员 Admin", "en", [Role.ADMIN], None, False, []),
    ("manager@example.com", "周敏", "zh-hans", [Role.MANAGER], None, False, []),
    ("owner@example.com", "陈思远 (Owner)", "zh-hans", [Role.AGENT, Role.MANAGER], AgentTier.TIER_2, True, []),
    (
        "agent1@example.com",
        "李娜",
        "zh-hans",
        [Role.AGENT],
        AgentTier.TIER_1,
        False,
        ["account-login", "payment", "course-access", "membership"],
    ),
    (
        "agent2@example.com",
        "Emily Chen",
        "en",
        [Role.AGENT],
        AgentTier.TIER_1,
        False,
        ["course-content", "certificate-invoice", "course-access", "other"],
    ),
    (
        "agent3@example.com",
        "赵磊",
        "zh-hans",
        [Role.AGENT],
        AgentTier.TIER_1,
        False,
        ["payment", "refund", "membership", "other"],
    ),
    (
        "senior@example.com",
        "王强",
        "zh-hans",
        [Role.AGENT],
        AgentTier.TIER_2,
        False,
        ["refund", "complaint", "payment", "certificate-invoice"],
    ),
    (
        "senior2@example.com",
        "Daniel Wright",
        "en",
        [Role.AGENT],
        AgentTier.TIER_2,
        False,
        ["complaint", "course-content", "refund"],
    ),
]

# Two customers with known logins; the rest are customer{i} below.
NAMED_CUSTOMERS = [
    ("customer@example.com", "张伟", "zh-hans"),
    ("customer2@example.com", "Olivia Brown", "en"),
]

# (code, title, kind, language, price, lessons, access days)
COURSES = [
    ("python-data", "Python 数据分析实战", CourseKind.COURSE, "zh-hans", "299.00", 48, None),
    ("pm-bootcamp", "产品经理入门 21 天训练营", CourseKind.COURSE, "zh-hans", "199.00", 21, None),
    ("econ-30", "经济学 30 讲", CourseKind.COLUMN, "zh-hans", "99.00", 30, None),
    ("daily-book", "每天听本书 · 年度会员", CourseKind.MEMBERSHIP, "zh-hans", "365.00", 0, 365),
    ("vip-month", "学习会员 · 月卡", CourseKind.MEMBERSHIP, "zh-hans", "39.00", 0, 31),
    ("ielts-7", "雅思 7 分冲刺班", CourseKind.COURSE, "zh-hans", "1299.00", 60, 180),
    ("photo-basic", "手机摄影从入门到精通", CourseKind.COURSE, "zh-hans", "129.00", 24, None),
    ("finance-live", "理财规划直播课（周六晚）", CourseKind.LIVE, "zh-hans", "49.00", 1, None),
    ("writing-col", "职场写作专栏", CourseKind.COLUMN, "zh-hans", "159.00", 40, None),
    ("kids-math", "少儿思维数学 · 春季班", CourseKind.COURSE, "zh-hans", "899.00", 32, 120),
    ("ml-intro", "Machine Learning Foundations", CourseKind.COURSE, "en", "399.00", 36, None),
    ("speak-en", "Everyday English Speaking", CourseKind.COURSE, "en", "199.00", 30, None),
    ("pro-annual", "Pro Membership · Annual", CourseKind.MEMBERSHIP, "en", "699.00", 0, 365),
    ("design-live", "Live Workshop: UX Design Critique", CourseKind.LIVE, "en", "79.00", 1, None),
    ("startup-col", "The Startup Column", CourseKind.COLUMN, "en", "129.00", 52, None),
]

ZH_SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
]
ZH_GIVEN = [
    ("芳", "fang"),
    ("伟", "wei"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("磊", "lei"),
    ("洋", "yang"),
    ("艳", "yan"),
    ("勇", "yong"),
    ("军", "jun"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("子涵", "zihan"),
    ("雨桐", "yutong"),
    ("浩然", "haoran"),
    ("思琪", "siqi"),
    ("欣怡", "xinyi"),
    ("宇航", "yuhang"),
]
EN_FIRST = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "James",
    "Sophia",
    "Lucas",
    "Mia",
    "Ethan",
    "Grace",
    "Daniel",
    "Chloe",
    "Henry",
    "Zoe",
    "Jack",
    "Lily",
    "Ryan",
    "Hannah",
    "Leo",
]
EN_LAST = [
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Lee",
    "Martin",
    "Clark",
    "Walker",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Hill",
]


@dataclass
class SeedReport:
    staff_created: int = 0
    courses_created: int = 0
    customers_created: int = 0
    orders_created: int = 0
    enrollments_created: int = 0
    activities_created: int = 0


def _customer_identity(i: int, rnd: random.Random) -> tuple[str, str, str]:
    """(email, name, language) of demo customer ``i``; named customers come first."""
    if i < len(NAMED_CUSTOMERS):
        return NAMED_CUSTOMERS[i]
    if rnd.random() < 0.72:
        surname, surname_py = rnd.choice(ZH_SURNAMES)
        given, given_py = rnd.choice(ZH_GIVEN)
        return f"{given_py}.{surname_py}{i}@example.cn", surname + given, "zh-hans"
    first, last = rnd.choice(EN_FIRST), rnd.choice(EN_LAST)
    return f"{first.lower()}.{last.lower()}{i}@example.com", f"{first} {last}", "en"


def demo_staff_seed(*, password_hash: str) -> int:
    """Create the demo staff that do not exist yet; returns how many were created."""
    from tickets.models import Category

    created = 0
    for email, name, language, roles, tier, takes_tier1, skills in STAFF:
        user, was_created = User.objects.get_or_create(
            email=email, defaults={"name": name, "language": language, "password": password_hash}
        )
        if not was_created:
            continue
        created += 1
        user_roles_set(user=user, roles=roles)
        if tier is not None:
            AgentProfile.objects.filter(user=user).update(tier=tier, takes_tier1=takes_tier1)
            user.agent_profile.skills.set(Category.objects.filter(slug__in=skills))
    return created


def demo_courses_seed(*, now: datetime) -> tuple[list[Course], int]:
    created = 0
    courses = []
    for position, (code, title, kind, language, price, lessons, access_days) in enumerate(COURSES):
        course, was_created = Course.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "kind": kind,
                "language": language,
                "price": Decimal(price),
                "lesson_count": lessons,
                "access_days": access_days,
                "created_at": now - timedelta(days=900 - position * 20),
            },
        )
        created += was_created
        courses.append(course)
    return courses, created


def _missing_indices(count: int, rnd_for: Callable[[int], random.Random]) -> Iterator[list[tuple[int, str]]]:
    """Chunks of (index, email) of demo customers that do not exist yet."""
    for start in range(0, count, CHUNK):
        wanted = [(i, _customer_identity(i, rnd_for(i))[0]) for i in range(start, min(count, start + CHUNK))]
        existing = set(User.objects.filter(email__in=[email for _, email in wanted]).values_list("email", flat=True))
        missing = [(i, email) for i, email in wanted if email not in existing]
        if missing:
            yield missing


def demo_customers_seed(
    *,
    count: int,
    seed: int,
    now: datetime,
    courses: list[Course],
    password_hash: str,
    report: SeedReport,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Create demo customers ``0..count-1`` that are missing, with their purchases and learning."""
    customer_group = Group.objects.get(name=Role.CUSTOMER)
    by_language = {
        "zh-hans": [c for c in courses if c.language == "zh-hans"],
        "en": [c for c in courses if c.language == "en"],
    }

    def rnd_for(i: int) -> random.Random:
        return random.Random(seed * 1_000_003 + i)

    for chunk in _missing_indices(count, rnd_for):
        with transaction.atomic():
            _customers_chunk_create(chunk, rnd_for, now, by_language, courses, customer_group, password_hash, report)
        if progress:
            progress(f"customers: {report.customers_created}")


def _customers_chunk_create(chunk, rnd_for, now, by_language, courses, customer_group, password_hash, report):  # noqa: C901, PLR0913, PLR0915
    today = now.date()
    users, plans = [], []
    for i, _email in chunk:
        rnd = rnd_for(i)
        email, name, language = _customer_identity(i, rnd)
        joined = now - timedelta(days=rnd.uniform(1, 730), seconds=rnd.randint(0, 86399))
        users.append(User(email=email, name=name, language=language, password=password_hash, date_joined=joined))
        plans.append((i, rnd, language, joined))
    User.objects.bulk_create(users, batch_size=1000)

    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=customer_group.pk) for u in users], batch_size=2000
    )
    CustomerProfile.objects.bulk_create(
        [
            CustomerProfile(
                user_id=u.pk,
                platform_user_id=f"U{10_000_000 + i}",
                phone=f"1{rnd.choice('3589')}{rnd.randint(0, 999_999_999):09d}" if lang == "zh-hans" else "",
                is_vip=rnd.random() < 0.03,
                created_at=joined,
            )
            for u, (i, rnd, lang, joined) in zip(users, plans, strict=True)
        ],
        batch_size=2000,
    )

    orders: list[Order] = []
    enrollment_plans: list[tuple[Order, random.Random, str]] = []
    for user, (i, rnd, language, joined) in zip(users, plans, strict=True):
        named = i < len(NAMED_CUSTOMERS)
        if rnd.random() < 0.12 and not named:
            continue  # signed up, never bought
        pool = by_language[language] if rnd.random() < 0.85 else courses
        bought = rnd.sample(pool, k=min(len(pool), rnd.choice([1, 1, 1, 2, 2, 3, 4])))
        if named:
            # The README's logins show what they bought and learn: two paid orders at least.
            bought = [*bought, *(c for c in pool if c not in bought)][: max(2, len(bought))]
        engagement = rnd.choices(["engaged", "casual", "dormant"], weights=[3, 4, 3])[0]
        days_since_joined = max(1.0, (now - joined).total_seconds() / 86400)
        for k, course in enumerate(bought):
            paid_at = joined + timedelta(days=rnd.uniform(0, days_since_joined * 0.9), minutes=rnd.randint(1, 90))
            amount = (course.price * Decimal(rnd.choice(["1", "1", "1", "0.9", "0.8"]))).quantize(Decimal("0.01"))
            roll = 1.0 if named else rnd.random()
            status, refunded, refunded_at = OrderStatus.PAID, Decimal("0"), None
            if roll < 0.02:
                status = OrderStatus.PENDING
            elif roll < 0.03:
                status = OrderStatus.CANCELLED
            elif roll < 0.07:
                status, refunded = OrderStatus.REFUNDED, amount
            elif roll < 0.09:
                status = OrderStatus.PARTIALLY_REFUNDED
                refunded = (amount * Decimal(rnd.choice(["0.3", "0.5"]))).quantize(Decimal("0.01"))
            if refunded:
                refunded_at = min(now, paid_at + timedelta(days=rnd.uniform(1, 14)))
            is_paid = status not in (OrderStatus.PENDING, OrderStatus.CANCELLED)
            order = Order(
                number=f"D{i:08d}{k:02d}",
                customer_id=user.pk,
                course=course,
                amount=amount,
                status=status,
                channel=rnd.choice(SalesChannel.values),
                created_at=paid_at - timedelta(minutes=rnd.randint(1, 30)),
                paid_at=paid_at if is_paid else None,
                access_expires_at=paid_at + timedelta(days=course.access_days)
                if course.access_days and is_paid
                else None,
                refunded_amount=refunded,
                refunded_at=refunded_at,
            )
            orders.append(order)
            if status in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED) and course.kind != CourseKind.MEMBERSHIP:
                enrollment_plans.append((order, rnd, engagement))
    Order.objects.bulk_create(orders, batch_size=2000)
    report.orders_created += len(orders)

    enrollments: list[Enrollment] = []
    activities: list[LearningActivity] = []
    for order, rnd, engagement in enrollment_plans:
        progress = {"engaged": rnd.randint(40, 100), "casual": rnd.randint(5, 70), "dormant": rnd.randint(0, 15)}[
            engagement
        ]
        recent = engagement != "dormant" and rnd.random() < (0.8 if engagement == "engaged" else 0.45)
        if not recent:
            last_active = order.paid_at + timedelta(days=rnd.uniform(0, 20))
        elif engagement == "engaged" and rnd.random() < FADING_SHARE:
            last_active = now - timedelta(days=rnd.uniform(16, 30))  # stopped learning a while ago
        else:
            last_active = now - timedelta(days=rnd.uniform(0, 4))
        last_active = min(last_active, now)
        enrollment = Enrollment(
            customer_id=order.customer_id,
            course=order.course,
            order=order,
            enrolled_at=order.paid_at,
            progress=progress,
            completed_at=last_active if progress == 100 else None,
            minutes_learned=progress * order.course.lesson_count // 4 + rnd.randint(0, 30),
            sessions_count=max(1, progress * order.course.lesson_count // 60),
            last_active_at=last_active if progress or recent else None,
        )
        enrollments.append(enrollment)
        if recent:
            activities.extend(_recent_activity(enrollment, rnd, engagement, today))
    Enrollment.objects.bulk_create(enrollments, batch_size=2000)
    report.enrollments_created += len(enrollments)
    LearningActivity.objects.bulk_create(activities, batch_size=5000)
    report.activities_created += len(activities)
    report.customers_created += len(users)


def _recent_activity(
    enrollment: Enrollment, rnd: random.Random, engagement: str, today: date
) -> list[LearningActivity]:
    """Daily rows of the last ``ACTIVITY_DAYS`` days ending on the last active day, a habit
    of a few days a week (engaged) or about one (casual); the enrollment's totals grow by
    what the rows add, so they never fall below them."""
    last_day = enrollment.last_active_at.date()
    span = (last_day - max(enrollment.enrolled_at.date(), today - timedelta(days=ACTIVITY_DAYS))).days
    if span < 0:
        return []
    share = 0.4 if engagement == "engaged" else 0.15
    days = {0} | {offset for offset in range(span + 1) if rnd.random() < share}
    rows = []
    for offset in sorted(days):
        minutes, sessions = rnd.randint(5, 75), rnd.randint(1, 3)
        rows.append(
            LearningActivity(
                enrollment=enrollment, day=last_day - timedelta(days=offset), minutes=minutes, sessions=sessions
            )
        )
        enrollment.minutes_learned += minutes
        enrollment.sessions_count += sessions
    return rows


def demo_walkthrough_orders_seed(*, now: datetime) -> int:
    """One order per named customer bought two days ago and never asked about, so that the
    README's logins can walk through a refund whatever the demo tickets did with their other
    orders. Runs after the tickets; idempotent (one order number per customer)."""
    created = 0
    for index, (email, _name, language) in enumerate(NAMED_CUSTOMERS):
        customer = User.objects.filter(email=email).first()
        if customer is None:
            continue
        number = f"W{index + 1:08d}"
        if Order.objects.filter(number=number).exists():
            continue
        enrolled = Enrollment.objects.filter(customer=customer).values("course_id")
        course = (
            Course.objects.filter(language=language)
            .exclude(kind=CourseKind.MEMBERSHIP)
            .exclude(pk__in=enrolled)
            .order_by("code")
            .first()
        )
        if course is None:
            continue
        paid_at = now - timedelta(days=2)
        order = Order.objects.create(
            number=number,
            customer=customer,
            course=course,
            amount=course.price,
            status=OrderStatus.PAID,
            channel=SalesChannel.values[0],
            created_at=paid_at - timedelta(minutes=5),
            paid_at=paid_at,
        )
        Enrollment.objects.create(customer=customer, course=course, order=order, enrolled_at=paid_at, progress=5)
        created += 1
    return created


def demo_people_seed(*, customers: int, seed: int, progress: Callable[[str], None] | None = None) -> SeedReport:
    """Staff, courses, and ``customers`` demo customers with orders and learning."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    report = SeedReport()
    password_hash = make_password(DEMO_PASSWORD, salt="demodemo")
    report.staff_created = demo_staff_seed(password_hash=password_hash)
    courses, report.courses_created = demo_courses_seed(now=now)
    demo_customers_seed(
        count=customers,
        seed=seed,
        now=now,
        courses=courses,
        password_hash=password_hash,
        report=report,
        progress=progress,
    )
    return report
