"""Consistent object graphs: an order's enrollment belongs to the order's customer."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

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
    User,
)
from accounts.services import user_roles_set

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name", locale="zh_CN")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            self.save()
            if extracted:
                user_roles_set(user=self, roles=extracted)


class CustomerFactory(UserFactory):
    name = factory.Faker("name", locale="en_US")
    language = "en"

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            self.save()
            user_roles_set(user=self, roles=extracted or [Role.CUSTOMER])


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Faker("catch_phrase")
    kind = CourseKind.COURSE
    language = "zh-hans"
    price = Decimal("199.00")
    lesson_count = 20


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"T{n:010d}")
    customer = factory.SubFactory(CustomerFactory)
    course = factory.SubFactory(CourseFactory)
    amount = factory.LazyAttribute(lambda o: o.course.price)
    status = OrderStatus.PAID
    paid_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    created_at = factory.LazyAttribute(lambda o: (o.paid_at or timezone.now()) - timedelta(minutes=5))


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    order = factory.SubFactory(OrderFactory)
    customer = factory.SelfAttribute("order.customer")
    course = factory.SelfAttribute("order.course")
    enrolled_at = factory.SelfAttribute("order.paid_at")
    progress = 35
    minutes_learned = 120
    sessions_count = 6
    last_active_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class LearningActivityFactory(DjangoModelFactory):
    class Meta:
        model = LearningActivity

    enrollment = factory.SubFactory(EnrollmentFactory)
    day = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    minutes = 30
    sessions = 1


def agent(email: str, *, tier: int = AgentTier.TIER_1, extra_roles: tuple[str, ...] = ()) -> User:
    user = UserFactory(email=email, roles=[Role.AGENT, *extra_roles])
    AgentProfile.objects.filter(user=user).update(tier=tier)
    return User.objects.get(pk=user.pk)


__all__ = [
    "PASSWORD",
    "CourseFactory",
    "CustomerFactory",
    "CustomerProfile",
    "EnrollmentFactory",
    "LearningActivityFactory",
    "OrderFactory",
    "UserFactory",
    "agent",
]
