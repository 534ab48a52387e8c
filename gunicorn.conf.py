"""gunicorn reads this file from the working directory by default (``gunicorn helpdesk.wsgi``).

The sentence-embedding model (``kb.embeddings``, ~120 MB of numpy arrays) is loaded here,
in the master, before it forks the workers: they share its pages (copy-on-write, and
nothing writes to them) instead of each loading its own copy. The application itself is
still loaded in each worker (no ``preload_app``: see ``helpdesk.server``).
"""


def on_starting(server: object) -> None:
    from kb.embeddings import model_load

    model_load()
