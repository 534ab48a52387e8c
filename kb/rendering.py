"""Article bodies: Markdown rendered and sanitized by the project's one renderer
(``helpdesk.markdown``), which the desk's replies share."""

from helpdesk.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, html_to_text, markdown_render

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "html_to_text", "markdown_render"]
