"""Each assignee's open tickets, kept by triggers on ``tickets_ticket`` (``AgentLoad``).

Routing gives a new ticket to the available agent with the fewest open tickets. It used to
count them for every candidate on every new ticket (an index scan of each agent's open
tickets plus heap visits for the recent ones: 3 ms of PostgreSQL for four agents with
1,800 open tickets each, growing with the queue). The triggers keep the count as tickets
are inserted, updated (assignee, status) and deleted, whoever writes them (services, the
admin, bulk updates, seeds), in the writing transaction: routing reads one row per agent.

The active statuses below must be ``tickets.choices.ACTIVE_STATUSES`` (a test compares
them, and the counts with a fresh count after every kind of change). The existing tickets
are counted here, after the triggers exist, while they lock out concurrent writers.

SQLite: the same with its own trigger syntax. Note for later migrations: SQLite's schema
editor rebuilds a table it alters (``_remake_table``), which drops that table's triggers;
a migration altering ``tickets_ticket`` must create them again (``TRIGGERS_SQLITE``).
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations, models

ACTIVE = "('new', 'open', 'pending', 'on_hold')"

TRIGGERS_POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION ticket_agent_load_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.assignee_id IS NOT NULL AND OLD.status IN {ACTIVE} THEN
    UPDATE tickets_agentload SET open_tickets = open_tickets - 1 WHERE user_id = OLD.assignee_id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.assignee_id IS NOT NULL AND NEW.status IN {ACTIVE} THEN
    INSERT INTO tickets_agentload (user_id, open_tickets) VALUES (NEW.assignee_id, 1)
      ON CONFLICT (user_id) DO UPDATE SET open_tickets = tickets_agentload.open_tickets + 1;
  END IF;
  RETURN NULL;
END $$
""",
    f"""
CREATE TRIGGER ticket_agent_load_insert AFTER INSERT ON tickets_ticket FOR EACH ROW
  WHEN (NEW.assignee_id IS NOT NULL AND NEW.status IN {ACTIVE})
  EXECUTE FUNCTION ticket_agent_load_sync()
""",
    f"""
CREATE TRIGGER ticket_agent_load_update AFTER UPDATE OF assignee_id, status ON tickets_ticket FOR EACH ROW
  WHEN (OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR (OLD.status IN {ACTIVE}) <> (NEW.status IN {ACTIVE}))
  EXECUTE FUNCTION ticket_agent_load_sync()
""",
    f"""
CREATE TRIGGER ticket_agent_load_delete AFTER DELETE ON tickets_ticket FOR EACH ROW
  WHEN (OLD.assignee_id IS NOT NULL AND OLD.status IN {ACTIVE})
  EXECUTE FUNCTION ticket_agent_load_sync()
""",
]

_INCREMENT_SQLITE = """INSERT INTO tickets_agentload (user_id, open_tickets) VALUES (NEW.assignee_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET open_tickets = open_tickets + 1"""
_DECREMENT_SQLITE = "UPDATE tickets_agentload SET open_tickets = open_tickets - 1 WHERE user_id = OLD.assignee_id"

TRIGGERS_SQLITE = [
    f"""
CREATE TRIGGER ticket_agent_load_insert AFTER INSERT ON tickets_ticket
  WHEN NEW.assignee_id IS NOT NULL AND NEW.status IN {ACTIVE}
  BEGIN {_INCREMENT_SQLITE}; END
""",
    f"""
CREATE TRIGGER ticket_agent_load_update_old AFTER UPDATE OF assignee_id, status ON tickets_ticket
  WHEN OLD.assignee_id IS NOT NULL AND OLD.status IN {ACTIVE}
    AND (OLD.assignee_id IS NOT NEW.assignee_id OR NEW.status NOT IN {ACTIVE})
  BEGIN {_DECREMENT_SQLITE}; END
""",
    f"""
CREATE TRIGGER ticket_agent_load_update_new AFTER UPDATE OF assignee_id, status ON tickets_ticket
  WHEN NEW.assignee_id IS NOT NULL AND NEW.status IN {ACTIVE}
    AND (OLD.assignee_id IS NOT NEW.assignee_id OR OLD.status NOT IN {ACTIVE})
  BEGIN {_INCREMENT_SQLITE}; END
""",
    f"""
CREATE TRIGGER ticket_agent_load_delete AFTER DELETE ON tickets_ticket
  WHEN OLD.assignee_id IS NOT NULL AND OLD.status IN {ACTIVE}
  BEGIN {_DECREMENT_SQLITE}; END
""",
]

COUNT = f"""
INSERT INTO tickets_agentload (user_id, open_tickets)
SELECT assignee_id, count(*) FROM tickets_ticket
WHERE assignee_id IS NOT NULL AND status IN {ACTIVE}
GROUP BY assignee_id
"""

DROP_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS ticket_agent_load_insert ON tickets_ticket",
    "DROP TRIGGER IF EXISTS ticket_agent_load_update ON tickets_ticket",
    "DROP TRIGGER IF EXISTS ticket_agent_load_delete ON tickets_ticket",
    "DROP FUNCTION IF EXISTS ticket_agent_load_sync()",
]
DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS ticket_agent_load_insert",
    "DROP TRIGGER IF EXISTS ticket_agent_load_update_old",
    "DROP TRIGGER IF EXISTS ticket_agent_load_update_new",
    "DROP TRIGGER IF EXISTS ticket_agent_load_delete",
]


def triggers_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": TRIGGERS_POSTGRESQL, "sqlite": TRIGGERS_SQLITE}.get(vendor)
    if statements is None:  # the product runs on these two (settings: DATABASE_URL)
        raise ImproperlyConfigured(f"The helpdesk runs on PostgreSQL or SQLite, not on {vendor}.")
    if vendor == "postgresql":
        # No ticket may change between the count and the triggers' first firing.
        schema_editor.execute("LOCK TABLE tickets_ticket IN SHARE ROW EXCLUSIVE MODE")
    for statement in statements:
        schema_editor.execute(statement)
    schema_editor.execute(COUNT)


def triggers_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in DROP_POSTGRESQL if vendor == "postgresql" else DROP_SQLITE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0023_message_body_ascii_trigram_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgentLoad",
            fields=[
                ("user_id", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="user")),
                ("open_tickets", models.IntegerField(default=0, verbose_name="open tickets")),
            ],
            options={
                "verbose_name": "agent load",
                "verbose_name_plural": "agent loads",
            },
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
