"""The key check: a known text encrypted with the first of NOTE_ENCRYPTION_KEYS,
written at migrate time once the keys are shown to read the rows already
stored (so that wrong keys cannot make themselves the reference)."""

from cryptography.fernet import InvalidToken
from django.db import migrations, models

import peersupport.fields
from peersupport.fields import (
    confidential_columns,
    decrypt_text,
    encrypt_text,
    is_fernet_token,
)

KNOWN_TEXT = "peersupport: the note encryption keys read this"


def _sample(connection, model, field):
    quote = connection.ops.quote_name
    meta = model._meta
    with connection.cursor() as cursor:
        for direction in ("ASC", "DESC"):
            cursor.execute(
                f"SELECT {quote(field.column)} FROM {quote(meta.db_table)} "  # noqa: S608
                f"WHERE {quote(field.column)} IS NOT NULL AND {quote(field.column)} <> '' "
                f"ORDER BY {quote(meta.pk.column)} {direction} LIMIT 1"
            )
            row = cursor.fetchone()
            if row:
                yield row[0]


def write_key_check(apps, schema_editor):
    unreadable = []
    for model, field in confidential_columns(apps.get_models):
        for value in _sample(schema_editor.connection, model, field):
            if not is_fernet_token(value):
                continue  # plain text of a column not converted yet
            try:
                decrypt_text(value)
            except InvalidToken:
                unreadable.append(f"{model._meta.label}.{field.name}")
    if unreadable:
        raise RuntimeError(
            f"NOTE_ENCRYPTION_KEYS do not decrypt {', '.join(sorted(set(unreadable)))}: "
            "configure the keys the data was written with before migrating."
        )
    KeyCheck = apps.get_model("peersupport", "KeyCheck")
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        # Raw, so that no field-level check runs before the check exists.
        cursor.execute(
            f"INSERT INTO {quote(KeyCheck._meta.db_table)} (value) VALUES (%s)",  # noqa: S608
            [encrypt_text(KNOWN_TEXT)],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("peersupport", "0006_staff_teams"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeyCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", peersupport.fields.KeyCheckField()),
            ],
            options={
                "verbose_name": "encryption key check",
                "verbose_name_plural": "encryption key checks",
            },
        ),
        migrations.RunPython(write_key_check, migrations.RunPython.noop),
    ]
