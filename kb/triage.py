"""Triage: a scikit-learn model predicts a new ticket's category and priority from its
subject and first message, with a calibrated confidence, and says when a message is none
of the categories it knows ("out of scope").

Models are stored in the database (``TriageModel``: joblib bytes, version, evaluation
figures), so every web process and worker uses the same version. A process loads a model
once and keeps it until a newer version appears (one indexed query per prediction checks
the version).

Pipelines (``PIPELINES``, ``evaluate_triage --pipeline NAME``) were compared on public
data, CLINC150 (train on its train split, tune on its validation split, figures on its
test split: docs/benchmarks.md): TF-IDF of words and characters with a linear SVM or
logistic regression, sentence embeddings (``kb.embeddings``) with logistic regression,
and both feature sets in one linear SVM. Every pipeline's scores become probabilities
through a softmax whose temperature is fitted on validation data (``TriageClassifier``),
and the out-of-scope threshold on the top probability is chosen on validation data too:
the highest threshold that costs the in-scope answers at most ``MAX_IN_SCOPE_LOSS`` of
accuracy (tuned when the validation data has out-of-scope rows, and always for the
product's models trained on tickets). Training data may also hold rows labelled ``oos``: a prediction of that class is
out of scope as well.
"""

import io
import threading
from dataclasses import dataclass, field

import joblib
import numpy as np
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from . import embeddings
from .models import TriageModel, TriageTarget
from .search import analyze

# Training reads at most this many recent tickets (about 2 s of fitting on this machine).
TRAIN_LIMIT = 20_000
TEST_SHARE = 0.2
MIN_EXAMPLES = 20
OUT_OF_SCOPE = "oos"
# The out-of-scope threshold may cost the in-scope answers this much accuracy, on validation data.
MAX_IN_SCOPE_LOSS = 0.02


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """Texts → their sentence embeddings (``kb.embeddings``), times ``weight`` (its share
    against TF-IDF features in a combined model). Stateless: the model is not pickled."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, texts: list[str], labels: object = None) -> "SentenceEmbeddings":
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        return embeddings.embed(list(texts)) * np.float32(self.weight)


def _word_features() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=analyze, sublinear_tf=True)


def _char_features() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2)


def _both() -> FeatureUnion:
    return FeatureUnion([("words", _word_features()), ("chars", _char_features())])


def _all() -> FeatureUnion:
    return FeatureUnion(
        [("words", _word_features()), ("chars", _char_features()), ("meaning", SentenceEmbeddings(weight=2.0))]
    )


def _lr(c: float = 10.0) -> LogisticRegression:
    return LogisticRegression(max_iter=1000, C=c)


def _svm() -> LinearSVC:
    return LinearSVC(C=0.5)


PIPELINES = {
    "words+lr": lambda: Pipeline([("features", _word_features()), ("model", _lr())]),
    "chars+lr": lambda: Pipeline([("features", _char_features()), ("model", _lr())]),
    "words+chars+lr": lambda: Pipeline([("features", _both()), ("model", _lr())]),
    "words+chars+svm": lambda: Pipeline([("features", _both()), ("model", _svm())]),
    "embeddings+lr": lambda: Pipeline([("features", SentenceEmbeddings()), ("model", _lr())]),
    "words+chars+embeddings+svm": lambda: Pipeline([("features", _all()), ("model", _svm())]),
}
# Chosen on CLINC150's validation split (docs/benchmarks.md, "Triage on public data").
DEFAULT_PIPELINE = "words+chars+embeddings+svm"


def pipeline_build(name: str = DEFAULT_PIPELINE) -> Pipeline:
    return PIPELINES[name]()


def _scores(pipeline: Pipeline, texts: list[str]) -> np.ndarray:
    if hasattr(pipeline, "decision_function"):
        scores = np.asarray(pipeline.decision_function(texts), dtype=np.float64)
        if scores.ndim == 1:  # two classes: one margin
            scores = np.column_stack([-scores / 2, scores / 2])
        return scores
    return np.log(np.clip(pipeline.predict_proba(texts), 1e-12, 1.0))


@dataclass
class TriageClassifier:
    """A fitted pipeline with its calibration: probabilities are softmax(scores / temperature);
    a top probability below ``threshold`` (or the class ``oos``) is out of scope."""

    pipeline: Pipeline
    temperature: float = 1.0
    threshold: float = 0.0
    classes_: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.classes_ = self.pipeline.classes_

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return softmax(_scores(self.pipeline, texts) / self.temperature, axis=1)

    def predict(self, texts: list[str]) -> list[str]:
        """Labels, with ``oos`` for what is out of scope."""
        probabilities = self.predict_proba(texts)
        best = probabilities.argmax(axis=1)
        return [
            OUT_OF_SCOPE if probabilities[row, column] < self.threshold else str(self.classes_[column])
            for row, column in enumerate(best)
        ]

    def calibrate(self, texts: list[str], labels: list[str], *, threshold: bool = True) -> None:
        """Fit the temperature (negative log-likelihood of the in-scope rows) and, when
        ``threshold``, the out-of-scope threshold on validation data."""
        known = {str(label): n for n, label in enumerate(self.classes_)}
        rows = [n for n, label in enumerate(labels) if label in known and label != OUT_OF_SCOPE]
        if not rows:
            return
        scores = _scores(self.pipeline, [texts[n] for n in rows])
        truth = np.array([known[labels[n]] for n in rows])

        def loss(temperature: float) -> float:
            return float(-log_softmax(scores / temperature, axis=1)[np.arange(len(truth)), truth].mean())

        # At most 10× sharper than the raw scores: on small, separable validation data the
        # likelihood alone would push every confidence to 1.
        self.temperature = float(minimize_scalar(loss, bounds=(0.1, 100.0), method="bounded").x)
        probabilities = softmax(scores / self.temperature, axis=1)
        top = probabilities.max(axis=1)
        right = (probabilities.argmax(axis=1) == truth) & (self.classes_[probabilities.argmax(axis=1)] != OUT_OF_SCOPE)
        accuracy = right.mean()
        if not threshold:
            return
        # The highest threshold whose rejected right answers cost at most MAX_IN_SCOPE_LOSS.
        self.threshold = 0.0
        for candidate in np.unique(top):
            if accuracy - (right & (top >= candidate)).mean() > MAX_IN_SCOPE_LOSS:
                break
            self.threshold = float(candidate)


@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    macro_f1: float
    train_size: int
    test_size: int
    in_scope_accuracy: float | None = None  # when the test data has rows labelled oos
    oos_recall: float | None = None
    threshold: float = 0.0


def evaluate(
    *,
    train: tuple[list[str], list[str]],
    test: tuple[list[str], list[str]],
    name: str = DEFAULT_PIPELINE,
    validation: tuple[list[str], list[str]] | None = None,
    threshold: bool | None = None,
) -> tuple[TriageClassifier, Evaluation]:
    """Fit the pipeline on ``train`` (texts, labels), calibrate it on ``validation`` (when
    given), and score it on ``test``: accuracy and macro-F1 over every row (``oos`` is a
    label like the others), and, when ``test`` has ``oos`` rows, the accuracy on the others
    and the share of ``oos`` rows called out of scope. The out-of-scope threshold is tuned
    when ``threshold``; by default when the validation data has ``oos`` rows (without them
    there is nothing out of scope to tune it on)."""
    pipeline = pipeline_build(name)
    pipeline.fit(train[0], train[1])
    classifier = TriageClassifier(pipeline)
    if validation is not None:
        if threshold is None:
            threshold = OUT_OF_SCOPE in validation[1]
        classifier.calibrate(*validation, threshold=threshold)
    predicted = classifier.predict(test[0]) if test[0] else []
    in_scope = [n for n, label in enumerate(test[1]) if label != OUT_OF_SCOPE]
    oos = [n for n, label in enumerate(test[1]) if label == OUT_OF_SCOPE]
    return classifier, Evaluation(
        accuracy=float(accuracy_score(test[1], predicted)) if test[0] else 0.0,
        macro_f1=float(f1_score(test[1], predicted, average="macro", zero_division=0)) if test[0] else 0.0,
        train_size=len(train[0]),
        test_size=len(test[0]),
        in_scope_accuracy=sum(predicted[n] == test[1][n] for n in in_scope) / len(in_scope)
        if oos and in_scope
        else None,
        oos_recall=sum(predicted[n] == OUT_OF_SCOPE for n in oos) / len(oos) if oos else None,
        threshold=classifier.threshold,
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


def triage_model_store(*, target: str, classifier: TriageClassifier, evaluation: Evaluation, name: str) -> TriageModel:
    """Save a fitted classifier as the next version of ``target`` and make it the one in use."""
    buffer = io.BytesIO()
    joblib.dump(classifier, buffer, compress=3)
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
            labels=sorted({str(label) for label in classifier.classes_}),
        )


def triage_train_from_tickets(
    *, name: str = DEFAULT_PIPELINE, limit: int = TRAIN_LIMIT
) -> dict[str, int | float | None]:
    """Train category and priority models on past tickets (80 % train, 20 % held out: the
    calibration and the out-of-scope threshold are fitted on it and the stored figures
    measured on it, so they are a little optimistic). Skips a target with too few examples
    or a single label."""
    texts, categories, priorities = _ticket_examples(limit)
    result: dict[str, int | float | None] = {"examples": len(texts)}
    for target, labels in ((TriageTarget.CATEGORY, categories), (TriageTarget.PRIORITY, priorities)):
        if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
            result[f"{target}_version"] = None
            continue
        train, test = _split(texts, labels)
        # Tickets have no out-of-scope examples: the threshold keeps the in-scope loss rule.
        classifier, evaluation = evaluate(train=train, test=test, name=name, validation=test, threshold=True)
        stored = triage_model_store(target=target, classifier=classifier, evaluation=evaluation, name=name)
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
    out_of_scope: bool = False  # none of the labels the model knows: never answered automatically


_loaded: dict[str, tuple[int, TriageClassifier]] = {}
_lock = threading.Lock()


def _active(target: str) -> tuple[int, TriageClassifier] | None:
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
        classifier = joblib.load(io.BytesIO(bytes(payload)))
        if isinstance(classifier, Pipeline):  # stored before calibration existed
            classifier = TriageClassifier(classifier)
        _loaded[target] = (version, classifier)
        return _loaded[target]


def triage_predict(*, subject: str, body: str, target: str = TriageTarget.CATEGORY) -> Prediction | None:
    """The predicted label with its confidence, or None when no model is trained yet."""
    active = _active(target)
    if active is None:
        return None
    version, classifier = active
    probabilities = classifier.predict_proba([ticket_text(subject, body)])[0]
    best = int(probabilities.argmax())
    label, confidence = str(classifier.classes_[best]), float(probabilities[best])
    return Prediction(
        label=label,
        confidence=confidence,
        version=version,
        out_of_scope=label == OUT_OF_SCOPE or confidence < classifier.threshold,
    )
