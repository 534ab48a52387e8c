"""Knowledge-base search latency with 10,000 articles, and the index build time
(issue: p95 under 30 ms on this machine).

Usage (from the project root; SQLite under var/ unless DATABASE_URL is set):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_bench .venv/bin/python bench/kb_search.py [--articles 10000]

It migrates the database, replaces the articles of the "bench" category with generated
ones (half Chinese, half English, about 300 characters of body each, drawn from the
platform's support vocabulary), rebuilds the index (timed), then runs every query of
QUERIES (Chinese, English, typos) --rounds times after a warm-up, timing the search
itself (``kb.search.search_ids``) and the results page data (``article_search``: with
highlighting), and prints p50/p95/max in milliseconds.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "退款",
    "视频无法播放",
    "怎么开发票",
    "会员自动续费怎么取消",
    "证书下载",
    "手机号换了登录不上",
    "直播回放在哪里看",
    "退款多久到账",
    "refund",
    "video buffering",
    "invoice tax title",
    "cancel membership renewal",
    "certificate download",
    "refnud",
    "membreship renewal",
    "pasword reset",
    "live replay",
    "coupon redeem code",
]


# Filler vocabulary, so that an article's words are not all support words: Chinese
# two-character words from common characters, English pseudo-words from syllables.
HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处理府研质信"
)
SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "ca",
    "ce",
    "ci",
    "co",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "fi",
    "ga",
    "ge",
    "go",
    "ka",
    "ke",
    "ki",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "pi",
    "po",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "vi",
    "wa",
    "we",
]
# Topics: an article is about one topic and uses its words.
TOPICS_ZH = [
    t.split()
    for t in (
        "退款 申请 原路 退回 到账 审核",
        "视频 播放 卡顿 黑屏 缓存 网络",
        "登录 验证码 手机号 绑定 密码 找回",
        "发票 电子 抬头 税号 报销 开具",
        "证书 结业 下载 姓名 修改 生成",
        "会员 续费 自动 扣费 取消 到期",
        "直播 回放 讲师 预约 提醒 时间",
        "优惠券 兑换码 余额 结算 支付 失败",
        "作业 批改 笔记 进度 同步 学习",
        "投诉 处理 时效 客服 态度 赔偿",
    )
]
TOPICS_EN = [
    t.split()
    for t in (
        "refund request original method arrive review",
        "video playback buffering black screen cache",
        "login code phone bind password reset",
        "invoice electronic title tax reimbursement issue",
        "certificate completion download name change issued",
        "membership renewal automatic charge cancel expire",
        "live replay teacher booking reminder schedule",
        "coupon redeem balance checkout payment failed",
        "homework grading notes progress sync study",
        "complaint processing support attitude compensation delay",
    )
]


def _filler(rng: random.Random, chinese: bool) -> str:
    if chinese:
        return rng.choice(HAN) + rng.choice(HAN)
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def _article_text(rng: random.Random, topic: list[str], *, chinese: bool, length: int, share: float) -> str:
    words = [rng.choice(topic) if rng.random() < share else _filler(rng, chinese) for _ in range(length)]
    return ("" if chinese else " ").join(words)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the articles and index of an earlier run")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-kb.sqlite3'}")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection

    from kb.models import Article, ArticleStatus, KBCategory, Visibility
    from kb.rendering import markdown_render
    from kb.search import index_rebuild, search_ids, search_index
    from kb.selectors import article_search

    call_command("migrate", verbosity=0)
    category, _ = KBCategory.objects.get_or_create(
        slug="bench", defaults={"name_en": "Benchmark", "name_zh_hans": "基准测试"}
    )
    reuse = options.reuse and Article.objects.filter(category=category).count() == options.articles
    if not reuse:
        Article.objects.filter(category=category).delete()
        rng = random.Random(42)
        rows = []
        for n in range(options.articles):
            chinese = n % 2 == 0
            topic = rng.choice(TOPICS_ZH if chinese else TOPICS_EN)
            title = _article_text(rng, topic, chinese=chinese, length=4, share=0.6)
            body = "\n\n".join(_article_text(rng, topic, chinese=chinese, length=40, share=0.2) for _ in range(3))
            rows.append(
                Article(
                    title=f"{title} {n}",
                    body=body,
                    body_html=markdown_render(body),
                    language="zh-hans" if chinese else "en",
                    category=category,
                    status=ArticleStatus.PUBLISHED,
                    visibility=Visibility.INTERNAL if n % 10 == 0 else Visibility.PUBLIC,
                )
            )
        Article.objects.bulk_create(rows, batch_size=1000)
        started = time.perf_counter()
        postings = index_rebuild(Article.objects.filter(category=category))
        build = time.perf_counter() - started
        print(f"database: {connection.vendor}; {options.articles} articles, {postings} postings")
        rate = options.articles / build
        print(f"index build (analysis + writing search_document): {build:.1f} s ({rate:.0f} articles/s)")
    started = time.perf_counter()
    search_index()
    print(f"in-process index load (first search of a process): {time.perf_counter() - started:.1f} s")

    customer = AnonymousUser()  # not a desk user: public articles only
    for label, run in (
        ("search_ids", lambda q: search_ids(q, limit=10)),
        ("search page data (highlighted)", lambda q: article_search(actor=customer, query=q, per_page=10)),
    ):
        for query in QUERIES:  # warm-up
            run(query)
        timings = []
        for _ in range(options.rounds):
            for query in QUERIES:
                t0 = time.perf_counter()
                run(query)
                timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{label}: {len(timings)} queries, p50 {statistics.median(timings):.1f} ms, "
            f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
        )
    hits = {q: search_ids(q, limit=1).total for q in QUERIES}
    print("matches per query:", hits)


if __name__ == "__main__":
    main()
