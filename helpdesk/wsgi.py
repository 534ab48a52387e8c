import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")
application = get_wsgi_application()

from helpdesk.server import worker_ready  # noqa: E402  # after setup: it loads the URLconf

worker_ready()
