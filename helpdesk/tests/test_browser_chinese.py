"""Every page in Chinese: a browser opens each page of every surface (help center, desk,
reports, admin) as a Chinese-speaking person and fails on any text of the page that is a
string of our catalogue left in English (the catalogue translates it, the page did not)."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import AgentTier, Role
from accounts.tests.factories import CourseFactory, CustomerFactory, EnrollmentFactory, OrderFactory, agent
from kb.tests.factories import KBCategoryFactory, article
from tickets.models import Category, NPSResponse
from tickets.services import notify, refund_request_open, ticket_escalate, ticket_reply

from .catalogue import catalogue_entries
from .test_browser import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Shown as they are on purpose: the language switch names each language in itself.
ON_PURPOSE = {"English"}
# Columns that show English on purpose: a category's English name, beside its Chinese one.
ON_PURPOSE_CELLS = ".field-name_en"

# Every text node and the texts people read in attributes, without scripts and styles.
PAGE_TEXTS = """(ON_PURPOSE_CELLS) => {
  const texts = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (["SCRIPT", "STYLE", "NOSCRIPT"].includes(node.parentElement.tagName)) continue;
    if (node.parentElement.closest(ON_PURPOSE_CELLS)) continue;
    const text = node.textContent.trim();
    if (text) texts.add(text);
  }
  for (const el of document.querySelectorAll("[placeholder], [title], [aria-label], input[type=submit]")) {
    for (const name of ["placeholder", "title", "aria-label", "value"]) {
      const value = el.getAttribute(name);
      if (value && (name !== "value" || el.type === "submit")) texts.add(value.trim());
    }
  }
  texts.add(document.title.trim());
  return [...texts];
}"""


def _english_strings() -> set[str]:
    """The catalogue's English strings whose Chinese differs (a page showing one failed to
    translate it); strings with placeholders can never appear whole."""
    return {
        str(entry["msgid"]).strip()
        for entry in catalogue_entries()
        if entry["msgstr"] != entry["msgid"]
        and "%(" not in str(entry["msgid"])
        and any(c.isalpha() for c in str(entry["msgid"]))
    } - ON_PURPOSE


@pytest.fixture
def chinese_world(db) -> dict[str, object]:
    for slug, en, zh in [
        ("refund", "Refund", "退款"),
        ("payment", "Payment", "支付"),
        ("complaint", "Complaint", "投诉"),
    ]:
        Category.objects.get_or_create(slug=slug, defaults={"name_en": en, "name_zh_hans": zh})
    customer = CustomerFactory(email="zhang.wei@example.cn", name="张伟", language="zh-hans")
    order = OrderFactory(
        customer=customer, course=CourseFactory(code="py", title="Python 数据分析实战"), amount=Decimal("299.00")
    )
    EnrollmentFactory(order=order, progress=40)
    staff = agent("owner@example.cn", tier=AgentTier.TIER_2, extra_roles=(Role.MANAGER, Role.ADMIN))
    staff.name, staff.language, staff.is_staff, staff.is_superuser = "周敏", "zh-hans", True, True
    staff.save()
    agent("li.na@example.cn", tier=AgentTier.TIER_1)
    refund = refund_request_open(customer=customer, order=order, amount=Decimal("99.00"), reason="课程内容与介绍不符")
    ticket = refund.ticket
    ticket_reply(ticket=ticket, author=staff, body="您好，我们正在审核您的退款申请。")
    ticket_reply(ticket=ticket, author=staff, body="已学习 2 节。", internal=True)
    complaint = ticket_escalate(
        ticket=__import__("tickets.tests.factories", fromlist=["open_ticket"]).open_ticket(
            customer, subject="老师答疑太慢"
        ),
        actor=staff,
        reason="客户多次投诉",
    )
    NPSResponse.objects.create(customer=customer)
    notify(recipient=customer, type="tickets.ticket.replied", ticket=ticket)
    category = KBCategoryFactory(slug="refunds", name_en="Refunds", name_zh_hans="退款")
    faq = article("退款规则", "购买后 7 天内可申请退款。", category=category, language="zh-hans")
    return {"customer": customer, "staff": staff, "ticket": ticket, "complaint": complaint, "article": faq}


def _customer_pages(world) -> list[str]:
    ticket = world["ticket"]
    return [
        reverse("help:home"),
        reverse("help:search") + "?q=退款",
        reverse("help:category-detail", kwargs={"slug": "refunds"}),
        reverse("help:article-detail", kwargs={"pk": world["article"].pk}),
        reverse("help:ticket-list"),
        reverse("help:ticket-new"),
        reverse("help:ticket-detail", kwargs={"pk": ticket.pk}),
        reverse("help:refund-new"),
        reverse("help:nps"),
        reverse("help:notifications"),
    ]


def _staff_pages(world) -> list[str]:
    ticket, complaint = world["ticket"], world["complaint"]
    pages = [
        reverse("desk:home"),
        reverse("desk:queue"),
        reverse("desk:queue") + "?view=breached",
        reverse("desk:ticket-detail", kwargs={"pk": ticket.pk}),
        reverse("desk:ticket-detail", kwargs={"pk": complaint.pk}),
        reverse("desk:ticket-phone"),
        reverse("desk:customer-detail", kwargs={"pk": world["customer"].pk}),
        reverse("desk:kb-search") + "?q=退款",
        *(
            reverse(f"reports:{name}")
            for name in (
                "home",
                "satisfaction",
                "times",
                "volume",
                "escalations",
                "deflection",
                "agents",
                "customers",
                "learners",
            )
        ),
        reverse("admin:index"),
    ]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    return pages


def _leaks(page, url: str, english: set[str]) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-hans", url
    return sorted(text for text in page.evaluate(PAGE_TEXTS, ON_PURPOSE_CELLS) if text in english)


def test_every_page_in_chinese_has_no_catalogue_string_left_in_english(browser, live_server, chinese_world):
    english = _english_strings()
    found = {}
    for email, pages in [
        ("zhang.wei@example.cn", _customer_pages(chinese_world)),
        ("owner@example.cn", _staff_pages(chinese_world)),
    ]:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = context.new_page()
        _sign_in(page, live_server, email)
        for path in pages:
            leaks = _leaks(page, f"{live_server.url}{path}", english)
            if leaks:
                found[path] = leaks
        context.close()
    assert found == {}
