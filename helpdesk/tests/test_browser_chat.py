"""Browser test of live chat on the server `make run` starts (uvicorn, ASGI, the embedded
default): a learner on a plain HTML page of "the platform" (another origin, served by the
test) opens the widget, the bot answers from the knowledge base, "talk to a person" hands
over to an agent in the desk's chat console, the agent's reply reaches the widget within
one second without a reload, the learner's reply reaches the console, and the learner rates
the chat at the end. Once in Chinese (signed in by the platform's JWT) and once in English
(an anonymous visitor)."""

import http.server
import threading
from functools import partial
from types import SimpleNamespace

import pytest

from accounts.tests.factories import PASSWORD
from integrations.tests.test_sso import token
from live.tests.site import LiveSite, _free_port

from .test_browser import SCREENSHOTS

pytestmark = pytest.mark.browser
# How long a page may take to show what the other side did (a condition waited on, not a speed).
WAIT_MS = 20_000

SETUP = """
from kb.tests.factories import article
from tickets.models import BusinessHours
from integrations.services.keys import integration_create
from accounts.models import AgentProfile
# One agent free, so routing's choice is the console's agent.
AgentProfile.objects.filter(user__email="agent2@example.com").update(is_available=False)
article(
    "视频无法播放怎么办",
    "请先清除 App 缓存，再重新打开课程视频。如果仍然无法播放，请切换网络后重试。",
    language="zh-hans",
)
article(
    "The video does not play",
    "Clear the app cache, then open the lesson video again. Still stuck? Switch networks and retry.",
    language="en",
)
# The chat is answered by people around the clock here, whatever time the test runs.
BusinessHours.objects.create(name="Chat always", weekly={str(d): [["00:00", "24:00"]] for d in range(7)})
integration, _key = integration_create(name="Course platform")
print(integration.jwt_secret)
"""

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Course platform</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>Lesson 3</h1><p>The platform's own page.</p>
<script src="{site}/chat/widget.js" data-lang="{lang}" {jwt} async></script>
</body></html>"""


class _Platform:
    """The platform's web server: one static page with the widget's script tag, on its own
    origin (``localhost``, while the help desk is ``127.0.0.1``: another site)."""

    def __init__(self, root) -> None:
        self.root = root
        self.port = _free_port()
        self.origin = f"http://localhost:{self.port}"
        handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
        handler.log_message = lambda *args: None
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, name: str, html: str) -> str:
        (self.root / name).write_text(html, encoding="utf-8")
        return f"{self.origin}/{name}"

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def chat_site(tmp_path_factory):
    platform = _Platform(tmp_path_factory.mktemp("platform"))
    site = LiveSite(tmp_path_factory.mktemp("browser-chat"))
    site.env["HELPDESK_CHAT_ALLOWED_ORIGINS"] = platform.origin
    site.env["HELPDESK_CHAT_BUSINESS_HOURS"] = "Chat always"
    site.start(worker=False)
    secret = site.shell(SETUP).strip().splitlines()[-1]
    yield site, platform, secret
    site.stop()
    platform.stop()


def _platform_jwt(secret: str) -> str:
    """A signed-in learner's token, as the platform mints it (the SSO tests' helper)."""
    return token(SimpleNamespace(jwt_secret=secret), sub="learner-42", email="learner@example.com", name="Learner")


def _agent_console(browser, site, locale: str):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale=locale)
    page = context.new_page()
    page.goto(f"{site.url}/accounts/login/")
    page.fill("input[name=username]", "agent1@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("load")
    page.goto(f"{site.url}/desk/chat/")
    return page


CASES = {
    "zh": {
        "lang": "zh-CN",
        "locale": "zh-CN",
        "question": "视频无法播放怎么办",
        "article": "视频无法播放怎么办",
        "launcher": "在线客服",
        "hand_over": "转人工",
        "end": "结束会话",
        "rate": "提交评价",
        "thanks": "感谢您的评价",
        "agent_reply": "您好，请清除缓存后重试。",
        "customer_reply": "好的，已经可以播放了，谢谢！",
    },
    "en": {
        "lang": "en",
        "locale": "en-US",
        "question": "The video does not play",
        "article": "The video does not play",
        "launcher": "Chat with us",
        "hand_over": "Talk to a person",
        "end": "End the chat",
        "rate": "Send the rating",
        "thanks": "Thank you for your rating",
        "agent_reply": "Hello, please clear the cache and try again.",
        "customer_reply": "It plays now, thank you!",
    },
}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_learner_chats_from_the_platform_page_with_the_bot_then_an_agent(browser, chat_site, language):
    site, platform, secret = chat_site
    case = CASES[language]
    # given the platform's page with the widget's script tag (in Chinese: a signed-in
    # learner, whose JWT the tag carries; in English: an anonymous visitor)
    attribute = f'data-jwt="{_platform_jwt(secret)}"' if language == "zh" else ""
    url = platform.page(f"lesson-{language}.html", PAGE.format(lang=case["lang"], site=site.url, jwt=attribute))
    learner_context = browser.new_context(viewport={"width": 375, "height": 740}, locale=case["locale"])
    learner = learner_context.new_page()
    learner.goto(url)
    # and an agent in the chat console
    agent = _agent_console(browser, site, case["locale"])

    # when the learner opens the widget and asks
    learner.get_by_role("button", name=case["launcher"]).click()
    frame = learner.frame_locator("iframe[data-helpdesk-chat=frame]")
    if language == "en":
        frame.locator("#start-name").fill("Visitor Vera")
        frame.locator("#start-email").fill("vera@example.com")
    else:
        frame.locator("#signed-in").wait_for(state="visible", timeout=WAIT_MS)
        assert frame.locator("#visitor").is_hidden()
    frame.locator("#start-message").fill(case["question"])
    frame.locator("#start button[type=submit]").click()
    # then the bot answers with the knowledge base's article
    frame.locator("li.msg.bot", has_text=case["article"]).wait_for(timeout=60000)
    learner.screenshot(path=str(SCREENSHOTS / f"chat-widget-bot-{language}.png"))

    # when the learner asks for a person
    frame.get_by_role("button", name=case["hand_over"]).click()
    frame.locator("#hand-over").wait_for(state="hidden", timeout=WAIT_MS)
    # then the chat appears in the agent's console without a reload
    agent.locator("[data-testid=chat-list] li a").first.wait_for(timeout=WAIT_MS)
    agent.locator("[data-testid=chat-list] li a").first.click()
    agent.locator("[data-testid=chat-log] li.customer", has_text=case["question"]).wait_for(timeout=WAIT_MS)

    # when the agent replies, it appears in the widget without a reload (pushed: the widget
    # polls only without a stream). How fast is bench/realtime.py's to measure, on a quiet
    # machine (p95 80 ms); here a generous wait, so that a loaded machine does not fail it.
    agent.fill("#chat-reply textarea[name=body]", case["agent_reply"])
    agent.click("#chat-reply button[type=submit]")
    frame.locator("li.msg.agent", has_text=case["agent_reply"]).wait_for(timeout=WAIT_MS)
    assert frame.locator("html[data-transport=stream]").count() == 1  # pushed, not polled
    # and the log is announced to screen readers
    assert frame.locator("#log").get_attribute("aria-live") == "polite"

    # when the learner types and replies, the agent sees the typing and then the reply
    frame.locator("#compose-body").fill(case["customer_reply"])
    agent.locator("[data-testid=chat-typing]").wait_for(state="visible", timeout=WAIT_MS)
    frame.locator("#compose-body").press("Enter")
    agent.locator("[data-testid=chat-log] li.customer", has_text=case["customer_reply"]).wait_for(timeout=WAIT_MS)
    # and the learner sees that the agent has read it
    frame.locator("li.msg.customer[data-read='1']", has_text=case["customer_reply"]).wait_for(timeout=WAIT_MS)
    agent.screenshot(path=str(SCREENSHOTS / f"chat-console-{language}.png"), full_page=True)

    # when the learner ends the chat, they rate it
    frame.get_by_role("button", name=case["end"]).click()
    frame.locator("#rating").wait_for(state="visible", timeout=WAIT_MS)
    frame.locator("#rating input[value='5']").check()
    frame.get_by_role("button", name=case["rate"]).click()
    frame.locator("#notice", has_text=case["thanks"]).wait_for(timeout=WAIT_MS)
    learner.screenshot(path=str(SCREENSHOTS / f"chat-widget-rated-{language}.png"))
    # and the rating is the ticket's CSAT
    out = site.shell(
        "from tickets.models import CSATResponse, Channel;"
        "print(CSATResponse.objects.filter(ticket__channel=Channel.CHAT).order_by('-pk').first().rating)"
    )
    assert out.strip() == "5"
    learner_context.close()
    agent.context.close()
