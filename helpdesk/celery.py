"""The Celery application. Configuration comes from Django settings (``CELERY_`` prefix)."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _embedded_broker_folders_create() -> None:
    """The filesystem transport expects its folders to exist; web, worker and beat all
    import this module, so whoever starts first creates them."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key], exist_ok=True)
        os.makedirs(settings.CELERY_RESULT_BACKEND.removeprefix("file://"), exist_ok=True)


@app.on_after_configure.connect
def _on_after_configure(sender: Celery, **kwargs: object) -> None:
    _embedded_broker_folders_create()


@worker_init.connect
def _embedding_model_load(**kwargs: object) -> None:
    """Load the sentence-embedding model in the worker's parent process, before it forks its
    pool: the children share its pages (``kb.embeddings``) instead of each loading a copy."""
    from kb.embeddings import model_load

    model_load()
