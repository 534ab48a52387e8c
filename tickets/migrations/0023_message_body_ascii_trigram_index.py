"""PostgreSQL only: a trigram index of the ASCII part of each message body, for the desk's
search of a rare English word (or any ASCII text of three characters or more).

The bigram index of migration 0011 serves Chinese, whose bigrams are rare, but an English
word's bigrams ("wh", "ha", "al", …) are in most English messages, so a rare word such as
"whalesong" had hundreds of thousands of candidates to check (0.4–2.6 s at 555,000
tickets). Its trigrams are far rarer. ``ticket_ascii(body)`` keeps only the ASCII
characters (lower-cased; every other run becomes a space), so the index holds the trigrams
of the English, numbers and codes in a body, not of its Chinese, which the bigrams serve.
An ASCII search text is a substring of a body's ASCII part whenever it is in the body, so
the index finds every candidate and the ``LIKE`` on the body then checks each one.

The index needs pg_trgm (migration 0007); without it the index is skipped and such a
search reads the bodies by a scan. Built concurrently; SQLite skips all of this."""

from django.db import migrations

INDEX = "message_body_ascii_trgm_idx"

FUNCTION = r"""
CREATE OR REPLACE FUNCTION ticket_ascii(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT lower(regexp_replace(t, '[^\x01-\x7f]+', ' ', 'g'))
$$
"""


def ascii_trigram_index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)  # the search calls it, index or not
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            print(f"\n  Skipped {INDEX}: the pg_trgm extension is not installed (migration 0007).")
            return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON tickets_ticketmessage "
        "USING gin (ticket_ascii(body) gin_trgm_ops)"
    )


def ascii_trigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS ticket_ascii(text)")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("tickets", "0022_seed_chat_sla_targets")]

    operations = [migrations.RunPython(ascii_trigram_index_create, ascii_trigram_index_drop)]
