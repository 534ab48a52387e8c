"""Search that works in Chinese and English, on SQLite and PostgreSQL alike.

Analysis (one function for articles and queries, whatever their language):

- Chinese has no spaces. Each run of Han characters gives its jieba words (search mode)
  and its character bigrams, so a query of two or more characters finds an article even
  where jieba segments the two texts differently.
- Latin text gives lower-case words without English stop words, with a light plural
  stemming (``refunds`` → ``refund``).

The index is persisted in the database (``SearchPosting``: term, article, field, weight),
written per article by ``kb.tasks.article_index_task`` when an article is saved, so it
survives restarts and is shared by every web process. A query is one aggregate over the
postings of its terms: Σ idf(term) × weight, where title postings weigh
``TITLE_BOOST`` times more than body postings, multiplied by the share of query terms
matched. English terms missing from the vocabulary are replaced by the closest
vocabulary term within one or two edits (rapidfuzz; a swap of two letters is one edit),
for light typo tolerance.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import jieba
from django.db import transaction
from django.db.models import Case, Count, F, FloatField, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz.distance import OSA

from .models import Article, ArticleStatus, SearchField, SearchPosting, SearchTerm, Visibility
from .rendering import html_to_text

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

TITLE_BOOST = 3.0
# BM25's saturation and length normalisation, with fixed average lengths (tokens) so an
# article's weights do not depend on the others and can be written when it is saved.
K1, B = 1.2, 0.75
AVG_LENGTH = {SearchField.TITLE: 12.0, SearchField.BODY: 400.0}
MAX_TERM_LENGTH = 64
# Share of a query's words an article must match, counted in distinct terms (bigrams
# included, so a Chinese word segmented differently still counts).
MIN_MATCHED_SHARE = 0.4

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "my",
        "me",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "then",
        "there",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "can't",
        "don't",
        "i'm",
        "it's",
    ]
)


def _stem(word: str) -> str:
    word = word.replace("’", "'").split("'")[0]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Question words that every Chinese question has; they would match everything.
_ZH_STOP_WORDS = frozenset(
    ["怎么", "怎么办", "怎样", "如何", "什么", "为什么", "请问", "一下", "可以", "我的", "你们", "是否", "吗"]
)


def _analyze(text: str) -> tuple[list[str], list[str]]:
    """(terms, words): every term with repeats, and the words alone (no bigrams)."""
    terms: list[str] = []
    words: list[str] = []
    text = (text or "").lower()
    position = 0
    for match in _HAN.finditer(text):
        latin = _latin_terms(text[position : match.start()])
        terms += latin
        words += latin
        run = match.group()
        segmented = [w for w in jieba.cut_for_search(run) if len(w) >= 2 and w not in _ZH_STOP_WORDS]
        terms += segmented
        words += segmented
        terms += [b for b in (run[i : i + 2] for i in range(len(run) - 1)) if b not in _ZH_STOP_WORDS]
        position = match.end()
    latin = _latin_terms(text[position:])
    return terms + latin, words + latin


def analyze(text: str) -> list[str]:
    """The terms of ``text``, in order, with repeats (term frequency counts them)."""
    return _analyze(text)[0]


def _latin_terms(text: str) -> list[str]:
    return [
        _stem(word)[:MAX_TERM_LENGTH]
        for word in _LATIN.findall(text)
        if word not in _STOP_WORDS and (len(word) >= 2 or word.isdigit())
    ]


def _is_latin(term: str) -> bool:
    return term.isascii()


# ---------------------------------------------------------------------------
# Indexing
# ---------------------------------------------------------------------------


def _weights(terms: list[str], field_kind: int) -> dict[str, float]:
    counts = Counter(terms)
    length = max(len(terms), 1)
    norm = K1 * (1 - B + B * length / AVG_LENGTH[field_kind])
    boost = TITLE_BOOST if field_kind == SearchField.TITLE else 1.0
    return {term: boost * tf * (K1 + 1) / (tf + norm) for term, tf in counts.items()}


def postings_for(article: Article) -> list[SearchPosting]:
    """The postings of an article (not saved)."""
    postings = []
    body_text = html_to_text(article.body_html) if article.body_html else article.body
    for field_kind, text in (
        (SearchField.TITLE, article.title),
        (SearchField.BODY, f"{article.summary}\n{body_text}"),
    ):
        for term, weight in _weights(analyze(text), field_kind).items():
            postings.append(SearchPosting(term=term, article_id=article.pk, field=field_kind, weight=weight))
    return postings


def index_article(article: Article) -> int:
    """Replace the article's postings: published articles (public or internal) are indexed,
    drafts are removed from the index. Idempotent. Returns the number of postings."""
    with transaction.atomic():
        SearchPosting.objects.filter(article_id=article.pk).delete()
        postings = postings_for(article) if article.status == ArticleStatus.PUBLISHED else []
        SearchPosting.objects.bulk_create(postings, batch_size=2000)
        vocabulary_add(p.term for p in postings)
        Article.objects.filter(pk=article.pk).update(indexed_at=timezone.now())
    return len(postings)


def vocabulary_add(terms: Iterable[str]) -> None:
    latin = {term for term in terms if _is_latin(term) and not term.isdigit() and len(term) >= 3}
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=term, length=len(term)) for term in sorted(latin)], ignore_conflicts=True, batch_size=2000
    )


# ---------------------------------------------------------------------------
# Querying
# ---------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    text: str
    terms: list[str]
    words: int = 0  # the query's words (bigrams aside): how many matches are asked for
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def corrected_text(self) -> str:
        text = self.text
        for wrong, right in self.corrections.items():
            text = re.sub(re.escape(wrong), right, text, flags=re.IGNORECASE)
        return text


def _correct(term: str) -> str | None:
    """The closest vocabulary term within 1 edit (2 for terms of 8+ letters), or None."""
    max_edits = 2 if len(term) >= 8 else 1
    candidates = SearchTerm.objects.filter(
        length__gte=len(term) - max_edits, length__lte=len(term) + max_edits
    ).values_list("term", flat=True)
    best, best_distance = None, max_edits + 1
    for candidate in candidates.iterator(chunk_size=5000):
        distance = OSA.distance(term, candidate, score_cutoff=max_edits)
        if distance < best_distance or (distance == best_distance and best is not None and candidate < best):
            best, best_distance = candidate, distance
    return best if best_distance <= max_edits else None


def parse_query(text: str) -> ParsedQuery:
    all_terms, words = _analyze(text)
    terms = list(dict.fromkeys(all_terms))[:32]
    parsed = ParsedQuery(text=text, terms=terms, words=len(set(words)) or min(len(terms), 1))
    latin = [t for t in terms if _is_latin(t) and not t.isdigit() and len(t) >= 4]
    if latin:
        known = set(SearchTerm.objects.filter(term__in=latin).values_list("term", flat=True))
        for term in latin:
            if term in known:
                continue
            correction = _correct(term)
            if correction:
                parsed.corrections[term] = correction
                parsed.terms[parsed.terms.index(term)] = correction
        parsed.terms = list(dict.fromkeys(parsed.terms))
    return parsed


def visible_articles(*, internal: bool) -> QuerySet[Article]:
    """Published articles a reader may see: public ones, and internal ones for agents."""
    visibilities = [Visibility.PUBLIC, Visibility.INTERNAL] if internal else [Visibility.PUBLIC]
    return Article.objects.filter(status=ArticleStatus.PUBLISHED, visibility__in=visibilities)


@dataclass
class SearchResults:
    query: ParsedQuery
    total: int
    hits: list[tuple[int, float]]  # (article id, score), best first


def search_ids(
    text: str,
    *,
    internal: bool = False,
    limit: int = 10,
    offset: int = 0,
    language: str | None = None,
    category_ids: list[int] | None = None,
) -> SearchResults:
    """Article ids matching ``text``, best first, among published articles (internal ones
    too when ``internal``). Three or four queries whatever the size of the index."""
    parsed = parse_query(text)
    if not parsed.terms:
        return SearchResults(query=parsed, total=0, hits=[])
    postings = SearchPosting.objects.filter(term__in=parsed.terms)
    documents = Article.objects.filter(indexed_at__isnull=False).count() or 1
    frequencies = dict(
        postings.values("term").annotate(df=Count("article_id", distinct=True)).values_list("term", "df")
    )
    idf = {term: math.log(1 + (documents - df + 0.5) / (df + 0.5)) for term, df in frequencies.items()}
    if not idf:
        return SearchResults(query=parsed, total=0, hits=[])
    needed = max(1, math.ceil(MIN_MATCHED_SHARE * parsed.words))
    visibilities = [Visibility.PUBLIC, Visibility.INTERNAL] if internal else [Visibility.PUBLIC]
    scoped = postings.filter(article__status=ArticleStatus.PUBLISHED, article__visibility__in=visibilities)
    if language:
        scoped = scoped.filter(article__language=language)
    if category_ids:
        scoped = scoped.filter(article__category_id__in=category_ids)
    score = Sum(
        Case(
            *[When(term=term, then=F("weight") * Value(weight)) for term, weight in idf.items()],
            default=Value(0.0),
            output_field=FloatField(),
        )
    )
    grouped = (
        scoped.values("article_id")
        .annotate(score=score, matched=Count("term", distinct=True))
        .filter(matched__gte=min(needed, len(idf)))
    )
    total = grouped.count()
    rows = grouped.annotate(rank=F("score") * F("matched")).order_by("-rank", "article_id")[offset : offset + limit]
    return SearchResults(query=parsed, total=total, hits=[(row["article_id"], row["rank"]) for row in rows])


# ---------------------------------------------------------------------------
# Highlighting
# ---------------------------------------------------------------------------


def _highlight_pattern(terms: list[str]) -> re.Pattern[str] | None:
    parts = sorted({t for t in terms if t}, key=len, reverse=True)
    if not parts:
        return None
    return re.compile("|".join(re.escape(t) + (r"\w*" if _is_latin(t) else "") for t in parts), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with the query's terms wrapped in ``<mark>``."""
    pattern = _highlight_pattern(terms)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 -- every piece is escaped above


def snippet(text: str, terms: list[str], *, width: int = 160) -> SafeString:
    """A window of ``text`` around the first match, highlighted."""
    text = " ".join(text.split())
    pattern = _highlight_pattern(terms)
    match = pattern.search(text) if pattern else None
    start = max(0, (match.start() if match else 0) - width // 3)
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + highlight(piece, terms) + suffix)  # noqa: S308 -- highlight escapes
