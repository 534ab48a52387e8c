import pytest

from kb import search
from tickets.models import Category
from tickets.tests.factories import open_ticket

REFUND = [
    ("想退款", "课程买错了，想申请退款"),
    ("退款什么时候到账", "退款申请通过了，钱还没退回"),
    ("申请退款", "七天内可以退款吗"),
    ("Refund please", "I bought the wrong course, please refund my order"),
    ("Where is my refund", "My refund was approved but the money has not arrived"),
    ("Refund request", "Can I get a refund within seven days?"),
]
ACCESS = [
    ("视频无法播放", "视频一直加载，播放不了"),
    ("课程打不开", "买了课程但是视频打不开"),
    ("播放卡顿", "视频播放很卡，一直缓冲"),
    ("Video will not play", "The lesson video keeps buffering and does not play"),
    ("Cannot open course", "I bought the course but the video does not open"),
    ("Playback problem", "Video playback stops with a black screen"),
]


@pytest.fixture
def triage_tickets(db, customer_a):
    """Two categories of past tickets, enough to train the triage models."""
    # get_or_create: transactional tests flush what the data migrations seeded
    refund, _ = Category.objects.get_or_create(slug="refund", defaults={"name_en": "Refund", "name_zh_hans": "退款"})
    access, _ = Category.objects.get_or_create(
        slug="course-access", defaults={"name_en": "Course access & playback", "name_zh_hans": "课程访问与播放"}
    )
    tickets = []
    for round_ in range(2):
        for subject, body in REFUND:
            tickets.append(open_ticket(customer_a, subject=subject, body=body, category=refund, priority="high"))
        for subject, body in ACCESS:
            tickets.append(
                open_ticket(customer_a, subject=subject, body=f"{body} ({round_})", category=access, priority="normal")
            )
    return tickets


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """Each test starts from an empty in-process index (the database is rolled back)."""
    search._INDEX.__init__()
    yield
    search._INDEX.__init__()
