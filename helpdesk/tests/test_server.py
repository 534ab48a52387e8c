"""A server worker loads every view module and jieba's dictionary at start-up and freezes
what it loaded out of the garbage collector's sight (helpdesk.server.worker_ready)."""

import pytest

from .test_settings import _run

CHECK = (
    "import gc, sys; import {module}; "
    "import jieba; "
    "print(gc.get_freeze_count(), 'kb.views.desk' in sys.modules, 'sklearn' in sys.modules, jieba.dt.initialized)"
)


@pytest.mark.parametrize("module", ["helpdesk.wsgi", "helpdesk.asgi"])
def test_worker_loads_views_and_freezes_them(module):
    result = _run(["-c", CHECK.format(module=module)])
    assert result.returncode == 0, result.stderr
    frozen, views_loaded, sklearn_loaded, dictionary_loaded = result.stdout.split()
    assert int(frozen) > 50_000
    assert views_loaded == "True"
    assert sklearn_loaded == "True"
    assert dictionary_loaded == "True"
