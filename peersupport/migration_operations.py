"""Migration operations that turn a column stored in clear into an encrypted
one (peersupport.fields), and back: the field change, and the data migration
that encrypts what is already stored, reading and writing the raw column so
that no field conversion is involved. And SQL that only PostgreSQL runs
(trigram indexes for the name searches).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import migrations

from .fields import UndecryptableText, decrypt_text, encrypt_text, is_fernet_token


class AlterToConfidential(migrations.AlterField):
    """AlterField to a confidential field, without rebuilding the table on
    SQLite: there a column holds text of any length, and a rebuild would point
    the table's foreign keys at the tables of the moment, which breaks
    migrating further back. PostgreSQL turns a varchar column into text, as
    the ciphertext needs (a text column stays as it is)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """SQL that only PostgreSQL has (an extension, a trigram index), run there
    and nowhere else: on SQLite the migration applies and changes nothing.
    Like any RunSQL it leaves the models' state alone, so what it creates is
    not declared in a model's ``Meta.indexes`` and ``makemigrations`` stays
    clean on both databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_indexes(table: str, indexes: dict[str, str]) -> RunSQLOnPostgreSQL:
    """GIN trigram indexes on PostgreSQL, ``{index name: indexed expression}``,
    for searches by a part of a word (``LIKE '%...%'``), which no B-tree
    serves. The expression must be the one the query compares: the column
    for ``__contains``, ``UPPER("column")`` for ``__icontains``. pg_trgm ships
    with PostgreSQL and is a trusted extension (13 and later): the database's
    owner may create it. Going back drops the indexes, never the extension,
    which something else may use."""
    create = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({expression} gin_trgm_ops)'
        for name, expression in indexes.items()
    ]
    drop = [f'DROP INDEX IF EXISTS "{name}"' for name in indexes]
    return RunSQLOnPostgreSQL(create, drop)


def _rows(schema_editor: Any, table: str, pk: str, column: str) -> list[tuple[Any, str]]:
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} "  # noqa: S608 (names from the models)
            f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
        )
        return list(cursor.fetchall())


def _write(schema_editor: Any, table: str, pk: str, column: str, key: Any, value: str) -> None:
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s",  # noqa: S608
            [value, key],
        )


@contextmanager
def _constraints_checked_now(schema_editor: Any) -> Iterator[None]:
    """PostgreSQL will not alter a table with deferred checks pending from rows
    updated in the same transaction (the reverse updates, then alters): run
    them at once, then defer again as Django's migrations expect."""
    postgres = schema_editor.connection.vendor == "postgresql"
    yield
    if postgres:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def encrypt_existing_text(model_label: str, *field_names: str) -> Any:
    """A reversible RunPython that encrypts the plain text already in these
    columns (run it after the AlterField that makes them confidential; the
    reverse decrypts before the field turns back). Values that already decrypt
    are left alone, so running it twice changes nothing."""

    def columns(apps: Any) -> Iterator[tuple[str, str, str]]:
        meta = apps.get_model(model_label)._meta
        for name in field_names:
            yield meta.db_table, meta.pk.column, meta.get_field(name).column

    def forward(apps: Any, schema_editor: Any) -> None:
        with _constraints_checked_now(schema_editor):
            _forward(apps, schema_editor)

    def backward(apps: Any, schema_editor: Any) -> None:
        with _constraints_checked_now(schema_editor):
            _backward(apps, schema_editor)

    def _forward(apps: Any, schema_editor: Any) -> None:
        for table, pk, column in columns(apps):
            for key, value in _rows(schema_editor, table, pk, column):
                try:
                    decrypt_text(value)
                    continue  # already ciphertext: a second run
                except InvalidToken:
                    if is_fernet_token(value):
                        # Ciphertext of other keys: encrypting it again would
                        # lose it for good. The keys must be fixed first.
                        raise UndecryptableText(f"{model_label}.{column}") from None
                _write(schema_editor, table, pk, column, key, encrypt_text(value))

    def _backward(apps: Any, schema_editor: Any) -> None:
        for table, pk, column in columns(apps):
            for key, value in _rows(schema_editor, table, pk, column):
                _write(schema_editor, table, pk, column, key, decrypt_text(value))

    return migrations.RunPython(forward, backward)
