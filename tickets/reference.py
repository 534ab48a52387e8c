"""The ticket page's lists that managers edit now and then: canned responses, macros and
the active ticket categories. Read from the database once and kept in the cache under a
version that any save or delete of one of them bumps (at once and again at commit), so
the next page reads them afresh: three queries fewer on every ticket page. With Redis that
holds for every process at once; with per-process memory (the embedded default) another
process may show its copy for up to ``REFERENCE_CACHE_SECONDS``.
"""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from helpdesk.cache import CacheVersion

from .models import CannedResponse, Category, Macro

REFERENCE_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ReferenceLists:
    canned_responses: list[CannedResponse]
    macros: list[Macro]
    categories: list[Category]


VERSION = CacheVersion("tickets:reference:version")


def reference_changed(**kwargs: Any) -> None:
    """Signal receiver (``post_save``/``post_delete`` of the three models)."""
    VERSION.changed(**kwargs)


def reference_lists() -> ReferenceLists:
    """The active canned responses (by key and language), macros (by name, their id and name
    only) and ticket categories (in their order)."""
    key = f"tickets:reference:{VERSION.current()}"
    lists = cache.get(key)
    if lists is None:
        lists = ReferenceLists(
            canned_responses=list(CannedResponse.objects.filter(is_active=True).order_by("key", "language")),
            macros=list(Macro.objects.filter(is_active=True).only("pk", "name")),
            categories=list(Category.objects.filter(is_active=True)),
        )
        cache.set(key, lists, timeout=REFERENCE_CACHE_SECONDS)
    return lists
