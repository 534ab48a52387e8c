"""PostgreSQL only: the desk's search reaches message bodies through a GIN index of their
character bigrams. Chinese has no spaces and pg_trgm needs three characters where most
Chinese words have two, so the index holds every pair of adjacent characters (lower-cased)
of each body, from ``ticket_bigrams(text)``; a search for 发票 asks for bodies holding the
bigram "发票", and for "refund" bodies holding "re", "ef", "fu", "un", "nd", then checks the
match. Built concurrently (writes go on); SQLite skips it and searches by a scan."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION ticket_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
  FROM generate_series(1, char_length(t) - 1) AS i
$$
"""
INDEX = "message_body_bigram_idx"


def bigram_index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON tickets_ticketmessage USING gin (ticket_bigrams(body))"
    )


def bigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS ticket_bigrams(text)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("tickets", "0010_analytics_timestamp_indexes")]

    operations = [migrations.RunPython(bigram_index_create, bigram_index_drop)]
