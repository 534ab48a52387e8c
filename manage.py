#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")
    # A checkout with no SECRET_KEY in its environment is a developer's: run management
    # commands in development mode there. Production sets SECRET_KEY (and DEBUG=0), and
    # the web server (wsgi.py) and the Celery worker never take this default.
    if "SECRET_KEY" not in os.environ:
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
