"""PostgreSQL only: ``ticket_bigrams`` (migration 0011) computed four times faster, and a
GIN index of each ticket subject's character bigrams.

The function now cuts the lower-cased text into pairs twice (from the first and from the
second character) with ``regexp_replace`` and splits the result, where it aggregated one
``substr`` per character; a single SQL expression, PostgreSQL inlines it. It yields the same
set of bigrams (some repeated: a GIN index keeps each key once per row, and ``@>`` ignores
repeats), so an index built with the old one stays valid. The cutting mark is the control
character U+001F, which a search box cannot hold. 50,000 demo messages: 22 s before, 5.8 s
after, on a loaded 2-core machine.

The subject index lets the desk's search collect a rare word's tickets, two Chinese
characters included, without scanning every subject (the trigram index of migration 0007
needs three characters). Built concurrently; SQLite skips all of this."""

from django.db import migrations

INDEX = "ticket_subject_bigram_idx"

FASTER = r"""
CREATE OR REPLACE FUNCTION ticket_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_remove(string_to_array(
    regexp_replace(lower(t), '(..)|.', E'\\1\x1f', 'g')
      || regexp_replace(substr(lower(t), 2), '(..)|.', E'\\1\x1f', 'g'),
    E'\x1f', ''), NULL)
$$
"""
FORMER = """
CREATE OR REPLACE FUNCTION ticket_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
  FROM generate_series(1, char_length(t) - 1) AS i
$$
"""


def bigram_index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FASTER)
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON tickets_ticket USING gin (ticket_bigrams(subject))"
    )


def bigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute(FORMER)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("tickets", "0017_business_hours_china_calendar")]

    operations = [migrations.RunPython(bigram_index_create, bigram_index_drop)]
