"""Celery: broker, results, limits and the beat schedule.

https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
"""

from pathlib import Path

from celery.schedules import crontab

from .environment import DEBUG, REDIS_URL, VAR_DIR, env

CELERY_BROKER_DIR = VAR_DIR / "celery"


def filesystem_broker_options(folder: Path) -> dict[str, object]:
    """Transport options of kombu's filesystem broker keeping its files under ``folder``.
    https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.transport.filesystem.html
    """
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
    CELERY_BROKER_TRANSPORT = None
else:
    # The embedded default: kombu's filesystem transport needs no server. Web server,
    # worker and beat on one machine share the folders below.
    # https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.transport.filesystem.html
    CELERY_BROKER_URL = "filesystem://"
    # kombu's filesystem transport, writing whole files only (helpdesk/broker.py says why).
    CELERY_BROKER_TRANSPORT = "helpdesk.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_BROKER_DIR / 'results'}"

CELERY_TIMEZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues while the broker is down waits at most this long (seconds);
# what it enqueued waits in the outbox (helpdesk.events) until a worker has the broker back.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# A task that runs away is stopped: soft limit raises inside it, hard limit kills it.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=10 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_SEND_TASK_EVENTS = DEBUG
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The beat schedule: one list, each entry with what it does and when.
CELERY_BEAT_SCHEDULE = {
    # Personal-data retention: anonymises old closed tickets, drops old raw mail, deletes
    # unused anonymous accounts, deletes old audit, access and sign-in logs
    # (HELPDESK_RETENTION_* settings). Every day at 03:40.
    "privacy-retention": {
        "task": "privacy.tasks.retention_apply_task",
        "schedule": crontab(hour=3, minute=40),
    },
    # Records that a worker is alive and when it last ran a scheduled task; shown in the
    # admin and on the reports home. Every HELPDESK_HEARTBEAT_INTERVAL seconds (default 60:
    # once a minute, the first run a minute after beat starts).
    "worker-heartbeat": {
        "task": "helpdesk.tasks.heartbeat_record_task",
        "schedule": env.float("HELPDESK_HEARTBEAT_INTERVAL", default=60.0),
    },
    # Delivers domain events still in the outbox: their dispatch never reached a worker
    # (the broker was down when they committed) or a consumer failed and is due for a
    # retry. Every minute.
    "events-dispatch-pending": {
        "task": "helpdesk.tasks.events_dispatch_pending_task",
        "schedule": crontab(minute="*"),
    },
    # Deletes the live desk's presence events (who viewed or typed on a ticket) older than
    # a day: they matter for seconds. Daily at 04:20.
    "live-presence-prune": {
        "task": "live.tasks.presence_prune_task",
        "schedule": crontab(hour=4, minute=20),
    },
    # Deletes the chat's typing events (the widget and the console repeat them while someone
    # types) older than a day: they matter for seconds. Daily at 04:25.
    "chat-typing-prune": {
        "task": "chat.tasks.chat_typing_prune_task",
        "schedule": crontab(hour=4, minute=25),
    },
    # Forgets the ids of platform sign-in tokens that have expired. Daily at 04:10.
    "sso-used-tokens-purge": {
        "task": "integrations.tasks.used_tokens_purge_task",
        "schedule": crontab(hour=4, minute=10),
    },
    # Marks first-response and resolution SLA breaches, escalates tier-1 first-response
    # breaches and tells managers of tier-2 breaches. Every minute.
    "sla-breaches-mark": {
        "task": "tickets.tasks.sla_breaches_mark_task",
        "schedule": crontab(minute="*"),
    },
    # Closes tickets resolved more than HELPDESK_CLOSE_RESOLVED_AFTER_DAYS ago. Hourly, at :05.
    "tickets-close-resolved": {
        "task": "tickets.tasks.tickets_close_resolved_task",
        "schedule": crontab(minute=5),
    },
    # Polls every active mailbox over IMAP (one task per mailbox); new mail becomes
    # tickets and replies. Every minute.
    "mailboxes-poll": {
        "task": "tickets.tasks.mailboxes_poll_task",
        "schedule": crontab(minute="*"),
    },
    # Offers the NPS survey to customers due (at most once a quarter each). Daily at 10:00.
    "nps-offer-due": {
        "task": "tickets.tasks.nps_offer_due_task",
        "schedule": crontab(hour=10, minute=0),
    },
    # Retrains the triage models (category, priority) on the tickets so far and stores
    # them as new versions. Daily at 03:30.
    "kb-triage-retrain": {
        "task": "kb.tasks.triage_retrain_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Report snapshots (analytics): every metric per period and dimension, replacing the
    # stored ones. Today's: every 15 minutes (:00, :15, :30, :45).
    "reports-today": {
        "task": "analytics.tasks.report_snapshot_compute_task",
        "schedule": crontab(minute="*/15"),
        "kwargs": {"granularity": "day", "offset": 0},
    },
    # Yesterday's, final: daily at 00:20.
    "reports-yesterday": {
        "task": "analytics.tasks.report_snapshot_compute_task",
        "schedule": crontab(hour=0, minute=20),
        "kwargs": {"granularity": "day", "offset": -1},
    },
    # Last week's (Monday to Sunday): Mondays at 00:40.
    "reports-last-week": {
        "task": "analytics.tasks.report_snapshot_compute_task",
        "schedule": crontab(hour=0, minute=40, day_of_week=1),
        "kwargs": {"granularity": "week", "offset": -1},
    },
    # Last month's: on the 1st at 01:00.
    "reports-last-month": {
        "task": "analytics.tasks.report_snapshot_compute_task",
        "schedule": crontab(hour=1, minute=0, day_of_month=1),
        "kwargs": {"granularity": "month", "offset": -1},
    },
    # This week and this month so far (each with the same span of the period before, to
    # compare like with like): hourly, at :50.
    "reports-this-week": {
        "task": "analytics.tasks.report_snapshot_compute_task",
        "schedule": crontab(minute=50),
        "kwargs": {"granularity": "week", "offset": 0},
    },
    "reports-this-month": {
        "task": "analytics.tasks.report_snapshot_compute_task",
        "schedule": crontab(minute=52),
        "kwargs": {"granularity": "month", "offset": 0},
    },
    # The last 30 days, the pages' default, and the 30 days before them: daily at 00:30
    # and 00:35.
    "reports-last-30-days": {
        "task": "analytics.tasks.report_snapshot_compute_task",
        "schedule": crontab(hour=0, minute=30),
        "kwargs": {"granularity": "30d", "offset": 0},
    },
    "reports-30-days-before": {
        "task": "analytics.tasks.report_snapshot_compute_task",
        "schedule": crontab(hour=0, minute=35),
        "kwargs": {"granularity": "30d", "offset": -1},
    },
    # This week's staffing forecast (from the 8 weeks before it): daily at 00:45, so a
    # new week has its own from Monday morning and a fresh install from its first night.
    "staffing-forecast": {
        "task": "analytics.tasks.staffing_forecast_compute_task",
        "schedule": crontab(hour=0, minute=45),
    },
    # Managers' digests of yesterday, last week and last month, by mail (after the
    # snapshots above): daily at 07:30, Mondays at 07:35, on the 1st at 07:40.
    "digests-daily": {
        "task": "analytics.tasks.report_digests_send_task",
        "schedule": crontab(hour=7, minute=30),
        "kwargs": {"frequency": "day"},
    },
    "digests-weekly": {
        "task": "analytics.tasks.report_digests_send_task",
        "schedule": crontab(hour=7, minute=35, day_of_week=1),
        "kwargs": {"frequency": "week"},
    },
    "digests-monthly": {
        "task": "analytics.tasks.report_digests_send_task",
        "schedule": crontab(hour=7, minute=40, day_of_month=1),
        "kwargs": {"frequency": "month"},
    },
    # Managers' threshold alerts over their last days; mail once per crossing. Every 15
    # minutes (:07, :22, :37, :52).
    "report-alerts-check": {
        "task": "analytics.tasks.report_alerts_check_task",
        "schedule": crontab(minute="7-59/15"),
    },
}
