"""PostgreSQL only: a trigram index for the desk's customer-name search (``name__icontains``
is ``UPPER(name) LIKE UPPER('%…%')``), so that finding customers by name stays flat as the
people table grows instead of scanning it. Built concurrently; needs pg_trgm (created by
tickets 0007, or here when allowed); without it the index is skipped with a notice."""

from django.db import migrations
from django.db.utils import DatabaseError

INDEX = "user_name_trgm_idx"


def trigram_index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        print(f"\n  Skipped {INDEX}: cannot create the pg_trgm extension ({error}).")
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON accounts_user USING gin (UPPER(name::text) gin_trgm_ops)"
    )


def trigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("accounts", "0002_customer_platform_id_unique")]

    operations = [migrations.RunPython(trigram_index_create, trigram_index_drop)]
