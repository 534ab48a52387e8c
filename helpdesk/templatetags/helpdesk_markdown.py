from django import template
from django.utils.safestring import SafeString, mark_safe

from ..markdown import markdown_render

register = template.Library()


@register.filter
def reply_markdown(text: str) -> SafeString:
    """A reply written in Markdown, as sanitized HTML with its line breaks kept."""
    return mark_safe(markdown_render(text, breaks=True))  # noqa: S308  # sanitized by nh3
