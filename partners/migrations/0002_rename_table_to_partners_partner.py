"""The partner table takes this app's name: clients_partner becomes partners_partner.

A rename in place: every row keeps its id, and the foreign keys that point at
the table follow it (PostgreSQL tracks the table itself, SQLite rewrites the
references). It runs last, once every migration that creates such a key
(interventions 0001, logbook 0001) has run and nothing names clients.Partner
any more, so the state always names the table the database has."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_partner_moved_from_clients"),
        ("clients", "0003_partner_moves_to_partners_app"),
    ]

    operations = [
        migrations.AlterModelTable(name="Partner", table=None),
    ]
