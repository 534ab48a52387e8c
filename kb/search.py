"""Search that works in Chinese and English, on SQLite and PostgreSQL alike.

Analysis (one function for articles and queries, whatever their language):

- Chinese has no spaces. Each run of Han characters gives its jieba words (search mode)
  and its character bigrams, so a query of two or more characters finds an article even
  where jieba segments the two texts differently.
- Latin text gives lower-case words without English stop words, with a light plural
  stemming (``refunds`` → ``refund``).
- Queries only: colloquial Chinese is first put in the written words articles use
  (``colloquial_rewrite``: 课看不了 → 课程无法播放, 退钱 → 退款), for their terms and their
  embedding alike.

The index is persisted in the database: each article keeps its terms and weights
(``Article.search_document``, BM25-style saturated term frequency, title terms weighing
``TITLE_BOOST`` times more), written by ``kb.tasks.article_index_task`` when the article
is saved, so it survives restarts and is shared by every process. Each process holds an
inverted index built from those rows (``SearchIndex``) and reloads the articles indexed
since it last looked (one small query per search). A query scores Σ idf(term) × weight
times the number of query terms matched. English terms missing from the vocabulary are
replaced by the closest vocabulary term within one or two edits (rapidfuzz; a swap of
two letters is one edit), for light typo tolerance.

Meaning, not only words: each article also keeps the sentence embeddings of its chunks
(``Article.search_vectors``, ``kb.embeddings``), written beside its terms. A search embeds
the query (about 1 ms) and compares it with every chunk (one matrix product); an article's
semantic score is its best chunk's cosine similarity. Candidates are the lexical matches
plus the articles whose semantic score reaches ``SEMANTIC_MIN`` (怎么退钱 shares no word
with 如何申请退款), ranked by semantic score + ``LEXICAL_WEIGHT`` × the lexical rank
relative to the best lexical match. Lexical alone is better on query→title matching,
embeddings on paraphrases: the weights were chosen on the development half of our own
evaluation set (``bench/kb_eval.py``; figures in docs/benchmarks.md).
"""

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import jieba
import numpy as np
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import embeddings
from .models import Article, ArticleStatus, Visibility
from .rendering import html_to_text

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise


def segmenter_load() -> None:
    """Load jieba's dictionary now (about 0.6 s) rather than in the first search that needs it;
    server workers call it when they start (``helpdesk.server``)."""
    jieba.initialize()


TITLE_BOOST = 3.0
# BM25's saturation and length normalisation, with fixed average lengths (tokens) so an
# article's weights do not depend on the others and can be written when it is saved.
K1, B = 1.2, 0.75
AVG_LENGTH = {"title": 12.0, "body": 400.0}
MAX_TERM_LENGTH = 64
# Share of a query's words an article must match, counted in distinct terms (bigrams
# included, so a Chinese word segmented differently still counts).
MIN_MATCHED_SHARE = 0.4
# Combined ranking (see the module's docstring).
SEMANTIC_MIN = 0.35
LEXICAL_WEIGHT = 0.1
COLLOQUIAL = True  # rewrite colloquial Chinese in queries (``colloquial_rewrite``)

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


# Colloquial Chinese → the written words articles use, applied to queries only (articles
# are written in the standard forms). Customers write 课看不了, 怎么退钱, 发票咋开; the
# articles say 课程无法播放, 退款, 怎么. First whole phrases (before segmentation, since
# jieba splits 看不了 differently by context), then single-character words jieba leaves
# alone, which analysis would otherwise drop. Chosen on the development half of our
# evaluation set (bench/kb_eval.py --grid); figures in docs/benchmarks.md.
_COLLOQUIAL_PHRASES = [
    (re.compile(r"(?:播放|看|播|放)不(?:了|出来)"), "无法播放"),
    (re.compile(r"打不开"), "无法打开"),
    (re.compile(r"登不上|登录不上|登不进"), "无法登录"),
    (re.compile(r"退钱|退费"), "退款"),
    (re.compile(r"视屏"), "视频"),
    (re.compile(r"咋"), "怎么"),
    (re.compile(r"啥"), "什么"),
]
_COLLOQUIAL_WORDS = {"课": "课程", "网课": "课程"}


def colloquial_rewrite(text: str) -> str:
    """``text`` with colloquial Chinese phrases in their written form: 课看不了 → 课程无法播放.
    Text without them comes back unchanged."""
    if not _HAN.search(text or ""):
        return text
    for pattern, written in _COLLOQUIAL_PHRASES:
        text = pattern.sub(written, text)
    if not any(word in text for word in _COLLOQUIAL_WORDS):
        return text
    return "".join(_COLLOQUIAL_WORDS.get(word, word) for word in jieba.cut(text))


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
# Indexing: each article's {term: weight}, stored with the article
# ---------------------------------------------------------------------------

TITLE, BODY = "title", "body"


def _weights(terms: list[str], field_kind: str) -> dict[str, float]:
    counts = Counter(terms)
    length = max(len(terms), 1)
    norm = K1 * (1 - B + B * length / AVG_LENGTH[field_kind])
    boost = TITLE_BOOST if field_kind == TITLE else 1.0
    return {term: boost * tf * (K1 + 1) / (tf + norm) for term, tf in counts.items()}


def document_for(article: Article) -> dict[str, float]:
    """The article's search terms with their weights (title and body summed); empty for
    articles that are not published."""
    if article.status != ArticleStatus.PUBLISHED:
        return {}
    body_text = html_to_text(article.body_html) if article.body_html else article.body
    document: dict[str, float] = {}
    for field_kind, text in ((TITLE, article.title), (BODY, f"{article.summary}\n{body_text}")):
        for term, weight in _weights(analyze(text), field_kind).items():
            document[term] = document.get(term, 0.0) + weight
    return {term: round(weight, 4) for term, weight in document.items()}


def _article_chunks(article: Article) -> list[str]:
    if article.status != ArticleStatus.PUBLISHED:
        return []
    body_text = html_to_text(article.body_html) if article.body_html else article.body
    return embeddings.chunks(title=article.title, summary=article.summary, body=body_text)


def vectors_for(article: Article) -> bytes:
    """The sentence embeddings of the article's chunks, as stored (none for drafts)."""
    return embeddings.to_bytes(embeddings.embed(_article_chunks(article)))


def index_article(article: Article) -> int:
    """Write the article's search terms and chunk embeddings (published articles, public or
    internal; drafts get none). Idempotent. Returns the number of terms."""
    document = document_for(article)
    Article.objects.filter(pk=article.pk).update(
        search_document=document, search_vectors=vectors_for(article), indexed_at=timezone.now()
    )
    return len(document)


INDEX_BATCH = 500  # articles per UPDATE batch when rebuilding


def index_rebuild(articles: QuerySet[Article]) -> int:
    """Re-index many articles in batches (``manage.py kb_reindex`` and the benchmark).
    Same result as ``index_article`` on each. Returns the number of terms written."""
    written = 0
    ids = list(articles.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), INDEX_BATCH):
        batch = list(
            Article.objects.filter(pk__in=ids[start : start + INDEX_BATCH]).defer("search_document", "search_vectors")
        )
        now = timezone.now()
        texts = [_article_chunks(article) for article in batch]
        vectors = embeddings.embed([text for article_texts in texts for text in article_texts])  # one batch: faster
        position = 0
        for article, article_texts in zip(batch, texts, strict=True):
            article.search_document = document_for(article)
            article.search_vectors = embeddings.to_bytes(vectors[position : position + len(article_texts)])
            position += len(article_texts)
            article.indexed_at = now
            written += len(article.search_document)
        with transaction.atomic():
            Article.objects.bulk_update(
                batch, ["search_document", "search_vectors", "indexed_at"], batch_size=INDEX_BATCH
            )
    return written


# ---------------------------------------------------------------------------
# The in-process index, loaded from the database and kept fresh
# ---------------------------------------------------------------------------


_VISIBILITY_CODE = {Visibility.PUBLIC: 1, Visibility.INTERNAL: 2}
_LANGUAGE_CODE = {"zh-hans": 1, "en": 2}


class SearchIndex:
    """An inverted index (term → {article id: weight}) of the published articles, read
    from ``Article.search_document``. Before each search one small query compares the
    newest ``indexed_at`` and the number of indexed articles with what was loaded: changed
    articles are reloaded, a deleted one reloads everything.

    Scoring runs on numpy arrays: each article has a slot; per term, the slots and weights
    of its postings (built on first use, dropped when the term's postings change); per
    slot, visibility, language and category (rebuilt after a change)."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[int, float]] = {}
        self.terms_of: dict[int, list[str]] = {}
        # Latin terms by length and first letter, for typo tolerance (a removed term may
        # linger here; corrections are checked against the postings)
        self.vocabulary: dict[tuple[int, str], list[str]] = {}
        self.slot: dict[int, int] = {}
        self.ids: list[int] = []
        self.meta: list[tuple[int, int, int]] = []  # per slot: visibility, language, category codes
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._meta_arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self.vectors: dict[int, np.ndarray] = {}  # per slot: its chunks' embeddings
        self._dense: tuple[np.ndarray, np.ndarray] | None = None
        self.documents = 0
        self.watermark = None
        self.indexed = -1
        self._lock = threading.Lock()

    def _remove(self, article_id: int) -> None:
        for term in self.terms_of.pop(article_id, ()):
            posting = self.postings.get(term)
            self._arrays.pop(term, None)
            if posting is not None:
                posting.pop(article_id, None)
                if not posting:
                    del self.postings[term]
        if article_id in self.slot:
            self.vectors.pop(self.slot[article_id], None)
        if article_id in self.slot and self.meta[self.slot[article_id]][0]:
            self.meta[self.slot[article_id]] = (0, 0, 0)
            self.documents -= 1

    def _add(
        self,
        article_id: int,
        document: dict[str, float],
        vectors: bytes | None,
        visibility: str,
        language: str,
        category: int,
    ) -> None:
        if not document:
            return
        if article_id not in self.slot:
            self.slot[article_id] = len(self.ids)
            self.ids.append(article_id)
            self.meta.append((0, 0, 0))
        self.meta[self.slot[article_id]] = (_VISIBILITY_CODE[visibility], _LANGUAGE_CODE.get(language, 0), category)
        self.documents += 1
        self.vectors[self.slot[article_id]] = embeddings.from_bytes(vectors)
        self.terms_of[article_id] = list(document)
        for term, weight in document.items():
            posting = self.postings.get(term)
            if posting is None:
                posting = self.postings[term] = {}
                if term.isascii() and len(term) >= 3 and not term.isdigit():
                    self.vocabulary.setdefault((len(term), term[0]), []).append(term)
            posting[article_id] = weight
            self._arrays.pop(term, None)

    def _load(self, rows: Iterable[tuple[int, dict[str, float], bytes | None, str, str, int]]) -> None:
        for article_id, document, vectors, visibility, language, category_id in rows:
            self._remove(article_id)
            self._add(article_id, document or {}, vectors, visibility, language, category_id)
        self._meta_arrays = None
        self._dense = None

    def refresh(self) -> None:
        state = Article.objects.filter(indexed_at__isnull=False).aggregate(latest=Max("indexed_at"), count=Count("pk"))
        if state["latest"] == self.watermark and state["count"] == self.indexed:
            return
        with self._lock:
            fields = ("pk", "search_document", "search_vectors", "visibility", "language", "category_id")
            indexed = Article.objects.filter(indexed_at__isnull=False)
            if self.watermark is None or state["count"] < self.indexed or state["latest"] is None:
                self.__init__()  # type: ignore[misc]
                self._load(indexed.values_list(*fields).iterator(chunk_size=2000))
            else:
                changed = indexed.filter(indexed_at__gt=self.watermark)
                self._load(changed.values_list(*fields).iterator(chunk_size=2000))
            self.watermark, self.indexed = state["latest"], state["count"]

    def arrays(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        cached = self._arrays.get(term)
        if cached is None:
            posting = self.postings.get(term)
            if not posting:
                return None
            slots = np.fromiter((self.slot[i] for i in posting), dtype=np.int32, count=len(posting))
            weights = np.fromiter(posting.values(), dtype=np.float32, count=len(posting))
            cached = self._arrays[term] = (slots, weights)
        return cached

    def meta_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per slot: article id, visibility code, language code, category id."""
        if self._meta_arrays is None:
            meta = np.array(self.meta, dtype=np.int64).reshape(-1, 3)
            self._meta_arrays = (np.array(self.ids, dtype=np.int64), meta[:, 0], meta[:, 1], meta[:, 2])
        return self._meta_arrays

    def dense_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every chunk's embedding, slot after slot (a slot without any has one zero row),
        and the row where each slot starts: ``np.maximum.reduceat`` over them gives each
        article's best chunk."""
        if self._dense is None:
            zero = np.zeros((1, embeddings.DIMENSIONS), dtype=np.float32)
            blocks = [self.vectors.get(slot) for slot in range(len(self.ids))]
            blocks = [block if block is not None and len(block) else zero for block in blocks]
            sizes = np.fromiter((len(block) for block in blocks), dtype=np.int64, count=len(blocks))
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1])) if len(blocks) else np.zeros(0, dtype=np.int64)
            matrix = np.vstack(blocks) if blocks else np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
            self._dense = (matrix, starts)
        return self._dense

    def semantic_scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Per slot, the cosine similarity of the query with the article's best chunk."""
        matrix, starts = self.dense_arrays()
        if not len(starts):
            return np.zeros(0, dtype=np.float32)
        return np.maximum.reduceat(matrix @ query_vector, starts)

    def correct(self, term: str) -> str | None:
        """The closest vocabulary term within 1 edit (2 for terms of 8+ letters; a swap of
        two letters is one edit) with the same first letter, or None."""
        max_edits = 2 if len(term) >= 8 else 1
        best: tuple[int, str] | None = None
        for length in range(len(term) - max_edits, len(term) + max_edits + 1):
            bucket = self.vocabulary.get((length, term[0]))
            if not bucket:
                continue
            found = process.extractOne(term, bucket, scorer=OSA.distance, score_cutoff=max_edits)
            if found is not None and found[0] in self.postings and (best is None or (found[1], found[0]) < best):
                best = (int(found[1]), found[0])
        return best[1] if best is not None else None


_INDEX = SearchIndex()


def search_index() -> SearchIndex:
    _INDEX.refresh()
    return _INDEX


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


def parse_query(text: str, index: SearchIndex) -> ParsedQuery:
    all_terms, words = _analyze(colloquial_rewrite(text) if COLLOQUIAL else text)
    terms = list(dict.fromkeys(all_terms))[:32]
    parsed = ParsedQuery(text=text, terms=terms, words=len(set(words)) or min(len(terms), 1))
    for position, term in enumerate(terms):
        if term.isascii() and not term.isdigit() and len(term) >= 4 and term not in index.postings:
            correction = index.correct(term)
            if correction:
                parsed.corrections[term] = correction
                parsed.terms[position] = correction
    parsed.terms = list(dict.fromkeys(parsed.terms))
    return parsed


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
    semantic: bool = True,
) -> SearchResults:
    """Article ids matching ``text``, best first, among published articles (internal ones
    too when ``internal``): lexical matches re-scored by meaning, and articles close in
    meaning that share no word (``semantic=False``: lexical only, for comparison). One
    small query to check the index is fresh."""
    index = search_index()
    parsed = parse_query(text, index)
    ids, visibility, languages, categories = index.meta_arrays()
    scores = np.zeros(len(ids), dtype=np.float32)
    matched = np.zeros(len(ids), dtype=np.int16)
    present = 0
    for term in parsed.terms:
        arrays = index.arrays(term)
        if arrays is None:
            continue
        present += 1
        slots, weights = arrays
        df = len(slots)
        idf = math.log(1 + (max(index.documents, 1) - df + 0.5) / (df + 0.5))
        scores[slots] += np.float32(idf) * weights
        matched[slots] += 1
    needed = min(max(1, math.ceil(MIN_MATCHED_SHARE * parsed.words)), present)
    lexical = (matched >= needed) if present else np.zeros(len(ids), dtype=bool)
    meaning = colloquial_rewrite(text) if COLLOQUIAL else text
    closeness = index.semantic_scores(embeddings.embed_one(meaning)) if semantic and text.strip() else None
    mask = lexical | (closeness >= SEMANTIC_MIN) if closeness is not None else lexical
    mask &= (visibility == 1) | ((visibility == 2) & internal)
    if language:
        mask &= languages == _LANGUAGE_CODE.get(language, -1)
    if category_ids:
        mask &= np.isin(categories, list(category_ids))
    candidates = np.flatnonzero(mask)
    if not len(candidates):
        return SearchResults(query=parsed, total=0, hits=[])
    ranks = scores[candidates] * matched[candidates] * lexical[candidates]
    if closeness is not None:
        best = float(ranks.max())
        ranks = closeness[candidates] + LEXICAL_WEIGHT * (ranks / best if best > 0 else ranks)
    # Best rank first; ties by article id, so pages are stable.
    order = np.lexsort((ids[candidates], -ranks))[offset : offset + limit]
    hits = [(int(ids[candidates[k]]), float(ranks[k])) for k in order.tolist()]
    return SearchResults(query=parsed, total=len(candidates), hits=hits)


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
