"""People and what they bought: the customer context every other app reads.

- ``User``: one login (email) per person, one ``name`` field, roles as groups.
- ``AgentProfile``: tier, availability and routing state of an agent. Skills are ticket
  categories; the relation is declared on ``tickets.Category`` (``agent.skills``) so that
  accounts depends on no other app.
- ``CustomerProfile``: VIP flag and platform identity of a customer.
- ``Course``: anything sold — course, column, membership, live session.
- ``Order``: a purchase, with refunds recorded on it.
- ``Enrollment``: a customer's access to a course and their learning totals.
- ``LearningActivity``: learning per enrollment per day (minutes, sessions).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are auth groups of the same name; a person may hold several."""

    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)

    def agents(self) -> "models.QuerySet[User]":
        """Users holding the agent role. Agents are a handful among a platform's customers:
        the query starts from the agent profiles and checks the role with EXISTS, because a
        join on the role group makes PostgreSQL scan every user (it cannot know at planning
        time that the agent group is the small one)."""
        from django.contrib.auth.models import Group

        in_agent_group = Group.objects.filter(name=Role.AGENT, user=models.OuterRef("pk"))
        return self.filter(agent_profile__isnull=False).filter(models.Exists(in_agent_group))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("preferred language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    is_staff = models.BooleanField(_("staff status"), default=False, help_text=_("Can sign in to the admin site."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        # Every channel finds a person by e-mail in any case (email__iexact: UPPER(email)):
        # without this index each new ticket read 100,000 users' rows (40 ms at 1,000,000 tickets).
        indexes = [models.Index(Upper("email"), name="user_email_upper_idx")]
        permissions = [
            ("access_desk", _("Can work in the agent desk")),
            ("view_reports", _("Can read the report pages")),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email

    @property
    def roles(self) -> frozenset[str]:
        """The role names this user holds. Superusers hold every role."""
        if not self.is_authenticated:
            return frozenset()
        if not hasattr(self, "_roles_cache"):
            names = {group.name for group in self.groups.all()}
            self._roles_cache = frozenset(r for r in Role.values if r in names or self.is_superuser)
        return self._roles_cache

    def has_role(self, role: str) -> bool:
        return role in self.roles


class AgentTier(models.IntegerChoices):
    TIER_1 = 1, _("Tier 1")
    TIER_2 = 2, _("Tier 2")


class Presence(models.TextChoices):
    """An agent's presence, from their desk pages' heartbeats (see ``AgentProfile.presence``)."""

    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


def presence_online_q(*, now: datetime) -> Q:
    """AgentProfile rows whose agent is online at ``now``: available, a desk page heard from
    within ``HELPDESK_PRESENCE_OFFLINE_MINUTES`` and input within
    ``HELPDESK_PRESENCE_AWAY_MINUTES``. The condition routing filters live chats on."""
    return Q(
        is_available=True,
        last_seen_at__gte=now - timedelta(minutes=settings.HELPDESK_PRESENCE_OFFLINE_MINUTES),
        last_active_at__gte=now - timedelta(minutes=settings.HELPDESK_PRESENCE_AWAY_MINUTES),
    )


class AgentProfile(models.Model):
    """An agent's tier and routing state.

    A tier-2 agent may also act on tier-1 tickets; ``takes_tier1`` says whether routing
    also sends them new tier-1 tickets (a one-person company's owner: tier 2, takes tier 1,
    and manager at once).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile", verbose_name=_("user")
    )
    tier = models.PositiveSmallIntegerField(_("tier"), choices=AgentTier.choices, default=AgentTier.TIER_1)
    takes_tier1 = models.BooleanField(
        _("also takes tier-1 tickets"),
        default=False,
        help_text=_("For tier-2 agents in small teams: routing also assigns them new tier-1 tickets."),
    )
    is_available = models.BooleanField(_("available"), default=True)
    availability_changed_at = models.DateTimeField(_("availability changed at"), default=timezone.now)
    last_assigned_at = models.DateTimeField(_("last assigned at"), null=True, blank=True)
    chat_capacity = models.PositiveSmallIntegerField(
        _("concurrent chats"),
        default=3,
        help_text=_("Routing gives this agent a new live chat only while they have fewer open chats than this."),
    )
    # Presence, reported by the desk pages (throttled to one write a minute, see
    # accounts.services.agent_presence_record): the last heartbeat of an open desk page, and
    # the last keyboard or pointer input on one.
    last_seen_at = models.DateTimeField(_("last heartbeat from the desk"), null=True, blank=True)
    last_active_at = models.DateTimeField(_("last input on the desk"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        ordering = ["tier", "user__email"]
        indexes = [models.Index(fields=["tier", "is_available"], name="agent_tier_available_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_tier_display()})"

    def presence(self, *, now: datetime) -> str:
        """Offline when no desk page has reported within ``HELPDESK_PRESENCE_OFFLINE_MINUTES``;
        away when the agent set themselves away (not available) or has not touched a desk
        page within ``HELPDESK_PRESENCE_AWAY_MINUTES``; online otherwise."""
        offline_after = timedelta(minutes=settings.HELPDESK_PRESENCE_OFFLINE_MINUTES)
        if self.last_seen_at is None or now - self.last_seen_at > offline_after:
            return Presence.OFFLINE
        away_after = timedelta(minutes=settings.HELPDESK_PRESENCE_AWAY_MINUTES)
        if not self.is_available or self.last_active_at is None or now - self.last_active_at > away_after:
            return Presence.AWAY
        return Presence.ONLINE

    def works_tier(self, tier: int) -> bool:
        """Whether this agent may act on tickets of ``tier``."""
        return self.tier >= tier


class CustomerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="customer_profile",
        verbose_name=_("user"),
    )
    platform_user_id = models.CharField(
        _("platform user ID"),
        max_length=64,
        blank=True,
        help_text=_("The customer's ID on the learning platform (app, mini program, website)."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_vip = models.BooleanField(_("VIP"), default=False)
    note = models.TextField(_("note for agents"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["platform_user_id"], name="customer_platform_id_idx"),
            models.Index(fields=["created_at"], name="customer_created_idx"),
        ]
        constraints = [
            # The platform's id names one customer (integrations upsert by it).
            models.UniqueConstraint(
                fields=["platform_user_id"], condition=~Q(platform_user_id=""), name="customer_platform_id_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class CourseKind(models.TextChoices):
    COURSE = "course", _("Course")
    COLUMN = "column", _("Column")
    MEMBERSHIP = "membership", _("Membership")
    LIVE = "live", _("Live session")


class Course(models.Model):
    """Anything a customer can buy: a course, a column (subscription series), a
    membership (time-limited access to a catalogue) or a live session."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CourseKind.choices, default=CourseKind.COURSE)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    lesson_count = models.PositiveIntegerField(_("lessons"), default=0)
    access_days = models.PositiveIntegerField(
        _("access days"), null=True, blank=True, help_text=_("Days of access per purchase; empty means lifetime.")
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="course_price_non_negative")]

    def __str__(self) -> str:
        return self.title


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class SalesChannel(models.TextChoices):
    APP = "app", _("App")
    WEB = "web", _("Website")
    MINI_PROGRAM = "mini_program", _("Mini program")


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="orders", verbose_name=_("course"))
    amount = models.DecimalField(_("amount paid"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PAID)
    channel = models.CharField(
        _("sales channel"), max_length=16, choices=SalesChannel.choices, default=SalesChannel.APP
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    access_expires_at = models.DateTimeField(
        _("access expires at"), null=True, blank=True, help_text=_("For memberships and columns; empty means lifetime.")
    )
    refunded_amount = models.DecimalField(_("refunded amount"), max_digits=10, decimal_places=2, default=Decimal("0"))
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_non_negative"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="order_refund_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="order_customer_created_idx"),
            models.Index(fields=["paid_at"], name="order_paid_at_idx"),
            models.Index(fields=["course", "paid_at"], name="order_course_paid_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.refunded_amount


class Enrollment(models.Model):
    """A customer's access to a course, with their learning totals kept current."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("customer")
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("course"))
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollments", verbose_name=_("order")
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    minutes_learned = models.PositiveIntegerField(_("minutes learned"), default=0)
    sessions_count = models.PositiveIntegerField(_("learning sessions"), default=0)
    last_active_at = models.DateTimeField(_("last active at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "course"], name="enrollment_unique_customer_course"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="enrollment_progress_max_100"),
        ]
        indexes = [models.Index(fields=["last_active_at"], name="enrollment_last_active_idx")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.course}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class LearningActivity(models.Model):
    """Learning of one enrollment on one day."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="activities", verbose_name=_("enrollment")
    )
    day = models.DateField(_("day"))
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    sessions = models.PositiveIntegerField(_("sessions"), default=0)

    class Meta:
        verbose_name = _("learning activity")
        verbose_name_plural = _("learning activities")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["enrollment", "day"], name="activity_unique_enrollment_day")]
        indexes = [models.Index(fields=["day"], name="activity_day_idx")]

    def __str__(self) -> str:
        return f"{self.enrollment} · {self.day}"


class ApiTokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    """A key for the REST API, held by a person (or the integration acting as them). Only
    the key's SHA-256 is stored: the key is shown once, when it is made
    (``accounts.services.api_token_create``). It expires, and its scope limits it to
    reading, or allows writing too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key starts with"), max_length=12, db_index=True)
    digest = models.CharField(_("key digest (SHA-256)"), max_length=64, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=ApiTokenScope.choices, default=ApiTokenScope.READ)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_valid_at(self, moment) -> bool:  # noqa: ANN001 -- a datetime
        return self.revoked_at is None and self.expires_at > moment
