"""The environment every settings block reads: paths and the few switches they share."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# Everything the embedded default writes (SQLite file, Celery broker folders, media)
# lives under var/, which git ignores.
VAR_DIR = Path(env.str("HELPDESK_VAR_DIR", default=str(BASE_DIR / "var")))

# Set: Redis for the Celery broker, results and the cache. Unset: the embedded default
# (a Celery broker in files under var/, local caches). Settings switch on it in one place.
REDIS_URL = env.str("REDIS_URL", default="")
