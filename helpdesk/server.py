"""What a web server worker does once, after building the application (``wsgi.py`` and
``asgi.py``; gunicorn loads them in each worker, without ``preload_app``)."""

import gc


def worker_ready() -> None:
    """Load the URLconf, and with it every view module and the libraries they import
    (scikit-learn, numpy, jieba's code), and jieba's dictionary (so no customer's first
    search waits 0.6 s for it), then freeze the garbage collector's view of everything
    loaded so far.

    Those ~180,000 objects live as long as the process. Left in the collector's oldest
    generation, each full collection walked them all and stalled about one request in 250
    by 100–150 ms (once 1.1 s). Frozen, a full collection walks only what requests leave
    behind: the desk queue's worst request over HTTP went from 130–1,100 ms to about 30 ms.
    """
    from django.urls import get_resolver

    from kb.search import segmenter_load

    get_resolver().url_patterns  # noqa: B018  # imports every view module now, not on the first request
    segmenter_load()
    gc.freeze()
