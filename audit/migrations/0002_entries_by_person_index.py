"""The audit trail's filter by person asks for entries whose extra data names
the person (``additional_data -> 'client_id'``, a JSON key): without an index
on that expression PostgreSQL reads the whole trail. The log entry table is
django-auditlog's, so the index is made here, in SQL, and only on PostgreSQL
(SQLite keeps scanning; its trails are small)."""

from django.db import migrations

from peersupport.migration_operations import RunSQLOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_sign_in_events"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        RunSQLOnPostgreSQL(
            "CREATE INDEX IF NOT EXISTS audit_entry_client_id "
            "ON auditlog_logentry ((additional_data -> 'client_id'))",
            "DROP INDEX IF EXISTS audit_entry_client_id",
        ),
    ]
