"""An index of message times, for the desk's search among the newest tickets: a word that is
not common is looked for first in the messages written since the oldest ticket of a window
of the newest ones was created, and PostgreSQL intersects this index with the text index
of the bodies (a BitmapAnd) so that only the window's candidates are read, whatever the
number of tickets (``tickets.filters._windowed``). Built concurrently on PostgreSQL (writes
go on); a plain index on SQLite."""

from django.db import migrations

INDEX = "message_created_idx"


def index_create(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX{concurrently} IF NOT EXISTS {INDEX} ON tickets_ticketmessage (created_at)")


def index_drop(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("tickets", "0023_message_body_ascii_trigram_index")]

    operations = [migrations.RunPython(index_create, index_drop)]
