"""What the help-center home keeps between requests: its lists, and the whole page as an
anonymous visitor sees it.

Both are cached under a key that carries a version of the knowledge base's content; saving
or deleting an article, a knowledge-base category or a ticket category (the home's topics
while there is no knowledge-base category) bumps it, at once and again at commit, so the
next request reads and renders afresh. With Redis (production) that holds for every
process at once; with per-process memory (the embedded default) another process may show
its copy for up to ``HOME_CACHE_SECONDS``, which also bounds how old the "popular" order
(view counts, counted without saving the article) can be.

The anonymous page holds no personal data: it is only stored and served for a visitor who
is not signed in, on the plain home address (no query string), with no message waiting.
Its two per-request values, the CSRF token and the Content-Security-Policy nonce, are
rendered as markers and put in for each request (``home_page_fill``).
"""

from typing import Any

from django.http import HttpRequest
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token

from helpdesk.cache import CacheVersion

HOME_CACHE_SECONDS = 60
# Plain ASCII: autoescaping leaves them as they are.
CSRF_MARKER = "kb-home-csrf-token-0b7d3f"
NONCE_MARKER = "kb-home-csp-nonce-5e21c8"


CONTENT_VERSION = CacheVersion("kb:content:version")


def content_version() -> int:
    return CONTENT_VERSION.current()


def content_changed(**kwargs: Any) -> None:
    """Signal receiver (``post_save``/``post_delete`` of articles and categories): what the
    home shows may have changed (at once and again at commit)."""
    CONTENT_VERSION.changed(**kwargs)


def home_lists_key(*, language: str, internal: bool) -> str:
    return f"kb:home:lists:{content_version()}:{language}:{int(internal)}"


def home_page_key(*, language: str) -> str:
    return f"kb:home:page:{content_version()}:{language}"


def home_page_context() -> dict[str, str]:
    """Context that renders the per-request values as markers (a view's context outranks
    the context processors')."""
    return {"csrf_token": CSRF_MARKER, "csp_nonce": NONCE_MARKER}


def home_page_fill(request: HttpRequest, text: str) -> str:
    """The cached page with this request's CSRF token and CSP nonce (reading the nonce has
    the middleware put it in the Content-Security-Policy header)."""
    return text.replace(CSRF_MARKER, get_token(request)).replace(NONCE_MARKER, str(get_nonce(request)))
