"""PostgreSQL only: a GIN index of people's names by character bigrams (``ticket_bigrams``,
migrations 0011 and 0018), for the desk's search, which looks customers up by name: most
Chinese names have two or three characters, and the trigram index on names serves only
three or more. It lives with the tickets app because the desk's search and the function are
here. Built concurrently; SQLite skips it."""

from django.db import migrations

INDEX = "user_name_bigram_idx"


def bigram_index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON accounts_user USING gin (ticket_bigrams(name))"
    )


def bigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("accounts", "0006_user_email_upper_index"), ("tickets", "0018_ticket_subject_bigram_index")]

    operations = [migrations.RunPython(bigram_index_create, bigram_index_drop)]
