import re

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import CommandError, call_command

from conftest import wait_until
from kb import triage
from kb.models import TriageModel, TriageTarget
from kb.tasks import triage_retrain_task
from kb.triage import triage_predict, triage_train_from_tickets


def _csv(path, rows):
    path.write_text("text,label\n" + "".join(f'"{text}",{label}\n' for text, label in rows), encoding="utf-8")
    return str(path)


TRAIN = [
    ("想退款", "refund"),
    ("课程买错了想退款", "refund"),
    ("Refund my order please", "refund"),
    ("I want a refund", "refund"),
    ("退款什么时候到账", "refund"),
    ("视频无法播放", "course-access"),
    ("视频一直加载", "course-access"),
    ("The video does not play", "course-access"),
    ("Video keeps buffering", "course-access"),
    ("课程视频打不开", "course-access"),
]


def test_evaluate_triage_prints_accuracy_and_macro_f1_last(tmp_path, capsys):
    # given
    train = _csv(tmp_path / "train.csv", TRAIN)
    test = _csv(tmp_path / "test.csv", [("申请退款", "refund"), ("video will not play", "course-access")])
    # when
    call_command("evaluate_triage", "--train", train, "--test", test)
    # then
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"accuracy=\d\.\d{4} macro_f1=\d\.\d{4}", last)
    assert last == "accuracy=1.0000 macro_f1=1.0000"


def test_evaluate_triage_calibrates_on_validation_data_and_reports_out_of_scope_recall(tmp_path, capsys):
    # given: out-of-scope rows in the validation and test files, and a few in training
    train = _csv(tmp_path / "train.csv", [*TRAIN, ("今天天气怎么样", "oos"), ("What is the weather today", "oos")])
    validation = _csv(
        tmp_path / "val.csv",
        [("退款", "refund"), ("视频播放不了", "course-access"), ("Refund", "refund"), ("明天会下雨吗", "oos")],
    )
    test = _csv(
        tmp_path / "test.csv",
        [("申请退款", "refund"), ("video will not play", "course-access"), ("weather tomorrow", "oos")],
    )
    # when
    call_command("evaluate_triage", "--train", train, "--val", validation, "--test", test)
    # then: one more line before the last
    lines = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"in_scope_accuracy=\d\.\d{4} oos_recall=\d\.\d{4}", lines[-2])
    assert re.fullmatch(r"accuracy=\d\.\d{4} macro_f1=\d\.\d{4}", lines[-1])
    assert "validation=4" in lines[0]


def test_evaluate_triage_reuses_the_embeddings_of_texts_it_has_embedded_before(tmp_path, capsys):
    # given
    train = _csv(tmp_path / "train.csv", TRAIN)
    test = _csv(tmp_path / "test.csv", [("申请退款", "refund"), ("video will not play", "course-access")])
    cache = tmp_path / "cache" / "clinc.npz"
    # when: twice on the same data, then with one new test text
    outputs = []
    for test_file in (test, test, _csv(tmp_path / "test2.csv", [("退款多久到账", "refund")])):
        call_command("evaluate_triage", "--train", train, "--test", test_file, "--embedding-cache", str(cache))
        outputs.append(capsys.readouterr().out.strip().splitlines())
    # then: the first run embeds the 12 texts, the second none, the third only its new one
    assert " embedded=12 cached=0" in outputs[0][0]
    assert " embedded=0 cached=12" in outputs[1][0]
    assert " embedded=1 cached=12" in outputs[2][0]
    assert outputs[0][-1] == outputs[1][-1] == "accuracy=1.0000 macro_f1=1.0000"


def test_cached_embeddings_are_the_computed_ones(tmp_path):
    import numpy as np

    from kb import embeddings

    texts = ["课看不了", "How do I get an invoice?", "课看不了"]
    with embeddings.embedding_cache(tmp_path / "c.npz") as cache:
        first = embeddings.embed(texts)
    assert cache.added == 2
    with embeddings.embedding_cache(tmp_path / "c.npz") as cache:
        again = embeddings.embed(texts[::-1])
    assert cache.added == 0
    assert np.array_equal(again[::-1], first)
    assert np.allclose(first, embeddings.embed(texts), atol=1e-6)


def test_calibration_fits_a_temperature_and_a_threshold_that_keeps_in_scope_accuracy():
    # given
    texts, labels = [t for t, _ in TRAIN], [label for _, label in TRAIN]
    classifier, _ = triage.evaluate(train=(texts, labels), test=([], []), name="words+chars+svm")
    # when
    classifier.calibrate(texts, labels)
    # then: probabilities sum to 1, and every in-scope training row stays above the threshold
    probabilities = classifier.predict_proba(texts)
    assert probabilities.sum(axis=1) == pytest.approx(1.0)
    assert classifier.temperature > 0
    assert classifier.predict(texts) == labels
    assert 0 < classifier.threshold <= probabilities.max(axis=1).min()


def test_evaluate_triage_refuses_bad_files_with_a_reason(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer\nx,y\n", encoding="utf-8")
    good = _csv(tmp_path / "train.csv", TRAIN)
    with pytest.raises(CommandError, match="header must be text,label"):
        call_command("evaluate_triage", "--train", str(bad), "--test", good)
    with pytest.raises(CommandError, match="missing.csv"):
        call_command("evaluate_triage", "--train", good, "--test", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_training_stores_versions_with_figures_and_predicts_with_confidence(triage_tickets, monkeypatch):
    # when
    result = triage_train_from_tickets()
    again = triage_train_from_tickets()
    # then
    assert result["examples"] == 24
    assert (result["category_version"], again["category_version"]) == (1, 2)
    active = TriageModel.objects.get(target=TriageTarget.CATEGORY, is_active=True)
    assert active.version == 2
    assert active.accuracy is not None
    assert active.macro_f1 is not None
    assert active.labels == ["course-access", "refund"]
    assert TriageModel.objects.filter(target=TriageTarget.PRIORITY, is_active=True).count() == 1
    loads = []
    real_load = triage.joblib.load
    monkeypatch.setattr(triage.joblib, "load", lambda f: loads.append(1) or real_load(f))
    triage._loaded.clear()
    first = triage_predict(subject="视频播放不了", body="一直在加载")
    second = triage_predict(subject="I want my money back, refund", body="wrong course")
    assert first.label == "course-access"
    assert second.label == "refund"
    assert 0.5 < first.confidence <= 1.0
    assert first.version == 2
    assert len(loads) == 1  # loaded once per process and version, not per prediction


@pytest.mark.django_db
def test_no_model_no_prediction():
    assert triage_predict(subject="退款", body="退款") is None


def test_retraining_is_in_the_beat_schedule():
    assert "kb.tasks.triage_retrain_task" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_retraining_task_runs_through_a_real_worker(worker_app, triage_tickets):
    # given past tickets and no model yet
    assert not TriageModel.objects.exists()
    # when the scheduled task is sent to a real worker
    with start_worker(worker_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        triage_retrain_task.delay()
        # then both models are trained and stored as version 1
        assert wait_until(lambda: TriageModel.objects.filter(is_active=True).count() == 2, timeout=60)
    assert set(TriageModel.objects.values_list("target", "version")) == {("category", 1), ("priority", 1)}
