"""Celery: the schedule names real tasks, a real worker runs them, and the embedded
default (worker + beat, no server) records a heartbeat on its own."""

import os
import sqlite3
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from conftest import wait_until
from helpdesk.celery import app
from helpdesk.models import WorkerHeartbeat
from helpdesk.tasks import heartbeat_record_task

ROOT = Path(__file__).resolve().parents[2]


def test_every_beat_entry_names_a_registered_task():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        import_module(entry["task"].rsplit(".", 1)[0])
        assert entry["task"] in app.tasks, name


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_heartbeat_task_runs_through_a_real_worker(worker_app):
    # given a real worker consuming from the broker
    with start_worker(worker_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        # when the task is sent through the broker
        heartbeat_record_task.delay()
        # then the worker runs it and records its heartbeat
        assert wait_until(lambda: WorkerHeartbeat.objects.filter(runs__gte=1).exists())
    assert WorkerHeartbeat.objects.get().runs == 1


@pytest.mark.worker
def test_embedded_worker_with_beat_records_heartbeat_without_anything_else(tmp_path):
    """`make run`'s worker: a separate process with embedded beat on the filesystem broker
    (or Redis when REDIS_URL is set) and a SQLite file; the heartbeat row appears on its own."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.base",
        "DEBUG": "1",
        "HELPDESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HELPDESK_HEARTBEAT_INTERVAL": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "helpdesk",
            "worker",
            "--beat",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--logfile",
            str(tmp_path / "celery.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:

        def heartbeat_recorded() -> bool:
            with sqlite3.connect(tmp_path / "db.sqlite3") as db:
                (runs,) = db.execute("SELECT COALESCE(SUM(runs), 0) FROM helpdesk_workerheartbeat").fetchone()
            return runs >= 2  # twice: beat keeps scheduling it

        assert wait_until(heartbeat_recorded, timeout=45), (tmp_path / "celery.log").read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
