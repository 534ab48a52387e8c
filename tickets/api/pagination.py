"""Pages of the ticket list."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class CountedByPaginator(Paginator):
    """Counts ``object_list.counted_by`` when the list has one: the same rows in the form
    that counts them fastest (a text search walks the newest tickets for a page, which
    counting every match that way would make 5× slower)."""

    @cached_property
    def count(self) -> int:
        return getattr(self.object_list, "counted_by", self.object_list).count()


class TicketPagination(PageNumberPagination):
    django_paginator_class = CountedByPaginator
