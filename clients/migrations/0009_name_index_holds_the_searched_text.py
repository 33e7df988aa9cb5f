"""On PostgreSQL the register's name index also holds the searched text
(``INCLUDE``): a name search walks the index in the register's order and
filters there, reading from the table only the people it shows, instead of
every person it skips (1,800 table pages for a common fragment among 50,000
people, 15 index pages now). SQLite has no such indexes and keeps the plain
one; the models' state does not change (the index keeps its name and keys)."""

from django.db import migrations

from peersupport.migration_operations import RunSQLOnPostgreSQL

PLAIN = (
    'CREATE INDEX "client_by_name" ON "clients_client" ("display_key", "id") '
    'WHERE "merged_into_id" IS NULL'
)
COVERING = (
    'CREATE INDEX "client_by_name" ON "clients_client" ("display_key", "id") '
    'INCLUDE ("search_text") WHERE "merged_into_id" IS NULL'
)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0008_consent_given_expiry_index"),
    ]

    operations = [
        RunSQLOnPostgreSQL(
            ['DROP INDEX IF EXISTS "client_by_name"', COVERING],
            ['DROP INDEX IF EXISTS "client_by_name"', PLAIN],
        ),
    ]
