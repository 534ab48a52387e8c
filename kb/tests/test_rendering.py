import pytest

from kb.rendering import markdown_render
from kb.tests.factories import article


def test_markdown_renders_formatting_and_tables():
    html = markdown_render("## 退款\n\n**7 天内**可退\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h2>退款</h2>" in html
    assert "<strong>7 天内</strong>" in html
    assert "<table>" in html


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert('x')</script>",
        "hello <img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_script_and_active_content_never_survive(markdown):
    html = markdown_render(markdown)
    assert "<script" not in html
    assert "onerror" not in html.replace("&lt;", "") or "<img" not in html
    assert 'href="javascript' not in html
    assert "<iframe" not in html


def test_script_in_markdown_never_reaches_the_article_page(db, anon_client):
    saved = article("Safe page", "Text <script>alert('pwned')</script> and [x](javascript:alert(1))")
    response = anon_client.get(f"/articles/{saved.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert 'href="javascript' not in content
    assert "&lt;script&gt;" in content


def test_a_kept_rendering_is_the_texts_own_and_long_texts_are_not_kept():
    from helpdesk import markdown

    markdown._markdown_render_kept.cache_clear()
    text = "line one\nline **two** <script>alert(1)</script>"
    with_breaks = markdown.markdown_render(text, breaks=True)
    joined = markdown.markdown_render(text)
    assert "<br>" in with_breaks
    assert "<br>" not in joined  # the two kinds are kept apart
    assert "<script>" not in with_breaks
    assert markdown.markdown_render(text, breaks=True) == with_breaks == markdown._markdown_render(text, True)
    assert markdown._markdown_render_kept.cache_info().hits == 1
    long = "word " * markdown.RENDERED_KEPT_MAX_LENGTH
    markdown.markdown_render(long)
    assert markdown._markdown_render_kept.cache_info().currsize == 2
