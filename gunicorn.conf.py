"""gunicorn's settings (read from the working directory): `gunicorn helpdesk.wsgi`.

The application is loaded once in the master before the workers fork (``preload_app``):
Django, every view module, scikit-learn, numpy and jieba's dictionary, then frozen out of
the garbage collector's walks (``helpdesk.server.worker_ready``), so their pages stay
shared between the workers instead of being copied into each (docs/benchmarks.md,
"Memory"). The sentence-embedding model (``kb.embeddings``, ~120 MB of numpy arrays) is
loaded in the master too, before the application: nothing writes to its pages, so every
worker shares them. Nothing the master opened (a database connection) is inherited by a
worker.
"""

preload_app = True


def on_starting(server: object) -> None:
    from kb.embeddings import model_load

    model_load()


def pre_fork(server: object, worker: object) -> None:
    from django.db import connections

    connections.close_all()
