"""Tickets are made through ``ticket_open`` so that every test object has what a real one
has: first message, SLA due times, event trail, routing."""

from accounts.models import User
from accounts.tests.factories import CustomerFactory
from tickets.models import Category, Ticket
from tickets.services import ticket_open


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def open_ticket(customer: User | None = None, **kwargs: object) -> Ticket:
    kwargs.setdefault("subject", "视频无法播放")
    kwargs.setdefault("body", "第三节课的视频一直在加载，换了网络也不行。")
    return ticket_open(customer=customer or CustomerFactory(), **kwargs)
