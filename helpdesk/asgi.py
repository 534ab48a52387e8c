import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")

from live.asgi import get_application  # noqa: E402  # Django's handler, streams without a thread

application = get_application()

from helpdesk.server import worker_ready  # noqa: E402  # after setup: it loads the URLconf

worker_ready()
