"""On PostgreSQL the register's name index also holds the searched text
(``INCLUDE``): a name search walks the index in the register's order and
filters there, reading from the table only the people it shows, instead of
every person it skips (1,757 table pages for a common fragment among 50,000
people, 15 index pages now). SQLite has no such indexes and keeps the plain
one; the models' state does not change (the index keeps its name and keys).

A B-tree entry holds at most 2,704 bytes, so the searched text is cut to
``SEARCH_TEXT_BYTES`` first (``Client.save`` does so from now on). The new
index is built beside the old one without locking the table (CONCURRENTLY,
outside a transaction), then takes its name: the register stays readable and
writable while a region's index is built."""

from django.db import migrations
from django.db.models.functions import Length

from clients.models import searchable
from peersupport.migration_operations import RunSQLOnPostgreSQL

KEYS = '"clients_client" ("display_key", "id")'
WHERE = 'WHERE "merged_into_id" IS NULL'


def _rebuilt(include: str) -> list[str]:
    """Build the index beside ``client_by_name``, then put it in its place."""
    return [
        'DROP INDEX CONCURRENTLY IF EXISTS "client_by_name_new"',
        f'CREATE INDEX CONCURRENTLY "client_by_name_new" ON {KEYS} {include}{WHERE}',
        'DROP INDEX CONCURRENTLY IF EXISTS "client_by_name"',
        'ALTER INDEX "client_by_name_new" RENAME TO "client_by_name"',
    ]


def cut_long_search_texts(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    # Only a record whose names run to hundreds of characters can be over.
    long = Client.objects.annotate(length=Length("search_text")).filter(length__gte=500)
    for client in long.only("search_text"):
        cut = searchable(client.search_text)
        if cut != client.search_text:
            Client.objects.filter(pk=client.pk).update(search_text=cut)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("clients", "0008_consent_given_expiry_index"),
    ]

    operations = [
        migrations.RunPython(cut_long_search_texts, migrations.RunPython.noop, atomic=True),
        RunSQLOnPostgreSQL(_rebuilt('INCLUDE ("search_text") '), _rebuilt("")),
    ]
