"""Triage: a scikit-learn model predicts a new ticket's category and priority from its
subject and first message, with a confidence (the predicted class's probability).

Models are stored in the database (``TriageModel``: joblib bytes, version, evaluation
figures), so every web process and worker uses the same version. A process loads a model
once and keeps it until a newer version appears (one indexed query per prediction checks
the version).

The pipeline was picked by measurement (see docs/benchmarks.md and ``PIPELINES``):
word features alone (jieba words + English words) or character n-grams alone, with
logistic regression or a calibrated linear SVM.
"""

import io
import threading
from dataclasses import dataclass

import joblib
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .models import TriageModel, TriageTarget
from .search import analyze

# Training reads at most this many recent tickets (about 2 s of fitting on this machine).
TRAIN_LIMIT = 20_000
TEST_SHARE = 0.2
MIN_EXAMPLES = 20


def _word_features() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=analyze, sublinear_tf=True)


def _char_features() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2)


def _both() -> FeatureUnion:
    return FeatureUnion([("words", _word_features()), ("chars", _char_features())])


def _lr() -> LogisticRegression:
    return LogisticRegression(max_iter=2000, C=10.0)


def _svm() -> CalibratedClassifierCV:
    return CalibratedClassifierCV(LinearSVC(C=0.5), cv=3)


PIPELINES = {
    "words+lr": lambda: Pipeline([("features", _word_features()), ("model", _lr())]),
    "chars+lr": lambda: Pipeline([("features", _char_features()), ("model", _lr())]),
    "words+chars+lr": lambda: Pipeline([("features", _both()), ("model", _lr())]),
    "words+svm-calibrated": lambda: Pipeline([("features", _word_features()), ("model", _svm())]),
    "chars+svm-calibrated": lambda: Pipeline([("features", _char_features()), ("model", _svm())]),
    "words+chars+svm-calibrated": lambda: Pipeline([("features", _both()), ("model", _svm())]),
}
# Measured with `evaluate_triage` (train: demo templates, test: bench/triage/test.csv, hand-written):
# chars+lr 0.944 accuracy / 0.945 macro-F1; words+chars+lr 0.922; words+chars+svm 0.900;
# words+lr 0.878; chars+svm 0.878; words+svm 0.822. See docs/benchmarks.md.
DEFAULT_PIPELINE = "chars+lr"


def pipeline_build(name: str = DEFAULT_PIPELINE) -> Pipeline:
    return PIPELINES[name]()


@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    macro_f1: float
    train_size: int
    test_size: int


def evaluate(
    *, train: tuple[list[str], list[str]], test: tuple[list[str], list[str]], name: str = DEFAULT_PIPELINE
) -> tuple[Pipeline, Evaluation]:
    """Fit the pipeline on ``train`` (texts, labels) and score it on ``test``."""
    pipeline = pipeline_build(name)
    pipeline.fit(train[0], train[1])
    predicted = pipeline.predict(test[0]) if test[0] else []
    return pipeline, Evaluation(
        accuracy=float(accuracy_score(test[1], predicted)) if test[0] else 0.0,
        macro_f1=float(f1_score(test[1], predicted, average="macro", zero_division=0)) if test[0] else 0.0,
        train_size=len(train[0]),
        test_size=len(test[0]),
    )


def ticket_text(subject: str, body: str) -> str:
    return f"{subject}\n{body}"


# ---------------------------------------------------------------------------
# Training from tickets and storing versions
# ---------------------------------------------------------------------------


def _ticket_examples(limit: int = TRAIN_LIMIT) -> tuple[list[str], list[str], list[str]]:
    from tickets.models import Ticket, TicketMessage

    first_body = TicketMessage.objects.filter(ticket=OuterRef("pk")).order_by("created_at", "pk").values("body")[:1]
    rows = (
        Ticket.objects.filter(category__isnull=False, merged_into__isnull=True)
        .annotate(first_body=Subquery(first_body))
        .order_by("-created_at")
        .values_list("subject", "first_body", "category__slug", "priority")[:limit]
    )
    texts, categories, priorities = [], [], []
    for subject, body, category, priority in rows:
        texts.append(ticket_text(subject, body or ""))
        categories.append(category)
        priorities.append(priority)
    return texts, categories, priorities


def _split(texts: list[str], labels: list[str]) -> tuple[tuple[list[str], list[str]], tuple[list[str], list[str]]]:
    counts = {label: labels.count(label) for label in set(labels)}
    stratify = labels if min(counts.values()) >= 2 else None
    x_train, x_test, y_train, y_test = train_test_split(
        texts, labels, test_size=TEST_SHARE, random_state=0, stratify=stratify
    )
    return (list(x_train), list(y_train)), (list(x_test), list(y_test))


def triage_model_store(*, target: str, pipeline: Pipeline, evaluation: Evaluation, name: str) -> TriageModel:
    """Save a fitted pipeline as the next version of ``target`` and make it the one in use."""
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    with transaction.atomic():
        last = TriageModel.objects.select_for_update().filter(target=target).aggregate(v=Max("version"))["v"] or 0
        TriageModel.objects.filter(target=target, is_active=True).update(is_active=False)
        return TriageModel.objects.create(
            target=target,
            version=last + 1,
            pipeline=name,
            payload=buffer.getvalue(),
            train_size=evaluation.train_size,
            test_size=evaluation.test_size,
            accuracy=evaluation.accuracy,
            macro_f1=evaluation.macro_f1,
            labels=sorted({str(label) for label in pipeline.classes_}),
        )


def triage_train_from_tickets(
    *, name: str = DEFAULT_PIPELINE, limit: int = TRAIN_LIMIT
) -> dict[str, int | float | None]:
    """Train category and priority models on past tickets (80 % train, 20 % held out for
    the stored figures). Skips a target with too few examples or a single label."""
    texts, categories, priorities = _ticket_examples(limit)
    result: dict[str, int | float | None] = {"examples": len(texts)}
    for target, labels in ((TriageTarget.CATEGORY, categories), (TriageTarget.PRIORITY, priorities)):
        if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
            result[f"{target}_version"] = None
            continue
        train, test = _split(texts, labels)
        pipeline, evaluation = evaluate(train=train, test=test, name=name)
        stored = triage_model_store(target=target, pipeline=pipeline, evaluation=evaluation, name=name)
        result[f"{target}_version"] = stored.version
        result[f"{target}_accuracy"] = round(evaluation.accuracy, 4)
    return result


# ---------------------------------------------------------------------------
# Predicting (models loaded once per process and version)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    version: int


_loaded: dict[str, tuple[int, Pipeline]] = {}
_lock = threading.Lock()


def _active(target: str) -> tuple[int, Pipeline] | None:
    version = (
        TriageModel.objects.filter(target=target, is_active=True)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if version is None:
        return None
    cached = _loaded.get(target)
    if cached is not None and cached[0] == version:
        return cached
    with _lock:
        payload = TriageModel.objects.filter(target=target, version=version).values_list("payload", flat=True).get()
        pipeline = joblib.load(io.BytesIO(bytes(payload)))
        _loaded[target] = (version, pipeline)
        return _loaded[target]


def triage_predict(*, subject: str, body: str, target: str = TriageTarget.CATEGORY) -> Prediction | None:
    """The predicted label with its confidence, or None when no model is trained yet."""
    active = _active(target)
    if active is None:
        return None
    version, pipeline = active
    probabilities = pipeline.predict_proba([ticket_text(subject, body)])[0]
    best = int(probabilities.argmax())
    return Prediction(label=str(pipeline.classes_[best]), confidence=float(probabilities[best]), version=version)
