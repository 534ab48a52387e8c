"""Markdown for every surface (knowledge-base articles, agents' replies): rendered by
markdown-it-py, then sanitized by nh3 (ammonia).

Raw HTML in the Markdown is escaped by the parser (``html: False``) and whatever the
renderer produces goes through nh3's allow-list, so a ``<script>`` or a ``javascript:``
link never reaches a page.
"""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
# Replies keep their line breaks: people type them as they would a mail.
_MARKDOWN_BREAKS = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}


# Rendered texts kept per process: a reply's HTML depends on its text alone, and the same
# ticket's replies are rendered again on each of its pages (~0.4 ms each). Long texts
# (articles keep their HTML in the database) are not kept.
RENDERED_KEPT = 2048
RENDERED_KEPT_MAX_LENGTH = 8000


def markdown_render(text: str, *, breaks: bool = False) -> str:
    """Markdown → sanitized HTML, safe to mark safe in a template. ``breaks``: a single
    line break stays a line break (replies), instead of joining the lines (articles)."""
    text = text or ""
    if len(text) <= RENDERED_KEPT_MAX_LENGTH:
        return _markdown_render_kept(text, breaks)
    return _markdown_render(text, breaks)


def _markdown_render(text: str, breaks: bool) -> str:
    return nh3.clean(
        (_MARKDOWN_BREAKS if breaks else _MARKDOWN).render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


_markdown_render_kept = lru_cache(maxsize=RENDERED_KEPT)(_markdown_render)


def html_to_text(html: str) -> str:
    """The text of rendered HTML, for snippets and the search index."""
    return nh3.clean(html or "", tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
