"""PostgreSQL only: a trigram index for the desk's subject search (``icontains`` becomes
``UPPER(subject) LIKE UPPER('%…%')``, which a GIN trigram index on the same expression
serves for queries of three or more characters, Chinese included). SQLite skips it.
Creating the pg_trgm extension needs the right to create extensions; without it the index
is skipped with a notice and search still works, by a table scan."""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

INDEX = "ticket_subject_trgm_idx"


def trigram_index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        print(f"\n  Skipped {INDEX}: cannot create the pg_trgm extension ({error}).")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON tickets_ticket USING gin (UPPER(subject::text) gin_trgm_ops)"
    )


def trigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_queue_and_csat_indexes")]

    operations = [migrations.RunPython(trigram_index_create, trigram_index_drop)]
