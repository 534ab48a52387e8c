"""PostgreSQL only: a GIN index of each ticket subject's character bigrams (the function
``ticket_bigrams`` of migration 0011), so that the desk's search collects the tickets of a
rare word, two Chinese characters included, without scanning every subject (the trigram
index of migration 0007 needs three characters). Built concurrently; SQLite skips it."""

from django.db import migrations

INDEX = "ticket_subject_bigram_idx"


def bigram_index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON tickets_ticket USING gin (ticket_bigrams(subject))"
    )


def bigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("tickets", "0017_business_hours_china_calendar")]

    operations = [migrations.RunPython(bigram_index_create, bigram_index_drop)]
