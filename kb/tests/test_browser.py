"""Browser test of the help center: a customer searches in Chinese, opens an article,
marks it helpful, then starts a ticket and sees suggestions. Screenshots go to
docs/screenshots/kb-*.png."""

import pytest

from accounts.tests.factories import CustomerFactory
from helpdesk.tests.test_browser import SCREENSHOTS, _sign_in, browser  # noqa: F401 - the shared fixture
from kb.models import ArticleFeedback, ArticleVisit, VisitSource
from kb.tests.factories import KBCategoryFactory, article
from tickets.models import Category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def help_center(db):
    access, _ = Category.objects.get_or_create(
        slug="course-access", defaults={"name_en": "Course access & playback", "name_zh_hans": "课程访问与播放"}
    )
    learning = KBCategoryFactory(slug="learning", name_en="Learning", name_zh_hans="课程学习")
    playback = KBCategoryFactory(
        slug="playback", name_en="Access & playback", name_zh_hans="访问与播放", parent=learning, ticket_category=access
    )
    video = article(
        "视频无法播放、一直加载或黑屏怎么办",
        "请按顺序尝试：\n\n1. **检查网络**：切换 Wi-Fi / 4G。\n"
        "2. **清除缓存**：我的 → 设置 → 清除缓存。\n3. 更新 App。",
        category=playback,
        language="zh-hans",
    )
    article("离线下载的视频为什么过期了", "离线下载的视频有效期为 30 天。", category=playback, language="zh-hans")
    customer = CustomerFactory(email="zhang.wei@example.cn", name="张伟", language="zh-hans")
    return {"customer": customer.email, "video": video}


def test_customer_searches_in_chinese_rates_an_article_and_gets_suggestions(browser, live_server, help_center):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _sign_in(page, live_server, help_center["customer"])
    page.click("form.language-switch button[value=zh-hans]")
    page.wait_for_load_state("networkidle")

    # searches in Chinese from the help home
    page.fill("[data-testid=kb-search-input]", "视频播放")
    page.press("[data-testid=kb-search-input]", "Enter")
    page.wait_for_load_state("networkidle")
    results = page.locator("[data-testid=kb-results]")
    assert "视频无法播放" in results.inner_text()
    assert results.locator("mark").count() > 0
    page.screenshot(path=str(SCREENSHOTS / "kb-search-zh.png"), full_page=True)

    # opens the article and marks it helpful (htmx, no reload)
    results.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert "清除缓存" in page.locator("[data-testid=kb-article]").inner_text()
    page.click("[data-testid=kb-helpful-yes]")
    page.locator("[data-testid=kb-feedback] [role=status]").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "kb-article-helpful.png"), full_page=True)
    assert ArticleFeedback.objects.get().helpful is True

    # starts a ticket: suggestions appear while typing the subject
    page.goto(f"{live_server.url}/tickets/new/")
    page.locator("input[name=subject]").press_sequentially("视频一直黑屏", delay=50)
    suggestion = page.locator("[data-testid=kb-suggestions] a").first
    suggestion.wait_for()
    assert "视频无法播放" in suggestion.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "kb-ticket-suggestions.png"), full_page=True)
    with page.context.expect_page() as opened:
        suggestion.click()
    opened.value.wait_for_load_state("networkidle")
    assert ArticleVisit.objects.filter(source=VisitSource.SUGGESTION, ticket__isnull=True).count() == 1
    page.close()
