"""Bulk writing of planned rows, with no signal, no ``save()`` and no
``auto_now`` stamping.

``bulk_create`` would stamp every ``auto_now_add`` column with the moment of
running (a dataset dated over three years, reproducible from its seed, needs
its own times) and would send each encrypted value through the field again.
Rows here are tuples of plain values, with encrypted columns already
encrypted by the caller (``peersupport.fields.encrypt_text``):

- on PostgreSQL, ``COPY ... FROM STDIN`` in chunks, the way PostgreSQL's
  manual says to populate a database: the foreign keys and the plain
  (non-unique) indexes of the tables being filled are dropped for the load
  and made again at the end, inside the same transaction (one validating
  join per key and one sort per index, instead of a deferred check and an
  index insertion per row);
- elsewhere (SQLite: tests and small sizes), ``executemany`` in batches.

Primary keys are given explicitly, from the table's current largest one, so
the same seed gives the same keys; sequences are moved past them afterwards.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection, models

from peersupport.fields import is_confidential

COPY_CHUNK_ROWS = 20_000
INSERT_BATCH_ROWS = 2_000

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def moment(epoch: int) -> datetime:
    """An aware UTC datetime from seconds since the epoch (plans keep ints)."""
    return datetime.fromtimestamp(epoch, UTC)


# COPY's text format, one function per kind of column (chosen once per table:
# a million rows make the choice per value show in the profile).


def _number_text(value: Any) -> str:
    return "\\N" if value is None else str(value)


def _bool_text(value: Any) -> str:
    return "\\N" if value is None else ("t" if value else "f")


def _date_text(value: Any) -> str:
    return "\\N" if value is None else value.isoformat()


def _json_text(value: Any) -> str:
    return "\\N" if value is None else _escaped(json.dumps(value, ensure_ascii=False))


def _token_text(value: Any) -> str:
    # Fernet tokens are URL-safe base64: nothing to escape.
    return "\\N" if value is None else value


def _escaped(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text


def _text_text(value: Any) -> str:
    return "\\N" if value is None else _escaped(str(value))


def _copy_formatter(field: models.Field) -> Callable[[Any], str]:
    kind = field.get_internal_type()
    if field.is_relation or kind.endswith(("IntegerField", "AutoField")):
        return _number_text
    if kind == "BooleanField":
        return _bool_text
    if kind in ("DateField", "DateTimeField"):
        return _date_text
    if kind == "JSONField":
        return _json_text
    if is_confidential(field):
        return _token_text
    return _text_text


def _insert_value(value: Any) -> Any:
    """One value as Django's backend would send it (naive UTC on SQLite)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


class Table:
    """Rows for one table: ``columns`` are the attnames each row gives, in
    order; every other column gets its field's default (a column another
    change adds, with a default, needs nothing here)."""

    def __init__(self, writer: Writer, model: type[models.Model], columns: Sequence[str]):
        self.writer = writer
        self.model = model
        meta = model._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{meta.label} has no column {', '.join(sorted(unknown))}")
        self.extra = [
            (f.column, self._default(f)) for name, f in fields.items() if name not in columns
        ]
        self.db_columns = [fields[name].column for name in columns] + [c for c, _ in self.extra]
        by_column = {f.column: f for f in fields.values()}
        self.formatters = [_copy_formatter(by_column[c]) for c in self.db_columns]
        self.tail = tuple(value for _, value in self.extra)
        self.table = meta.db_table
        self.columns = tuple(columns)
        self.count = 0
        self._rows: list[tuple] = []
        self._next_pk = writer.next_pk(model)

    @staticmethod
    def _default(field: models.Field) -> Any:
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if field.empty_strings_allowed and not field.primary_key:
            return ""
        raise ValueError(f"{field.model._meta.label}.{field.name} needs a value in every row")

    def take_pks(self, count: int) -> int:
        """Reserve ``count`` primary keys; return the first."""
        first = self._next_pk
        self._next_pk += count
        return first

    def add(self, row: tuple) -> None:
        self._rows.append(row + self.tail if self.tail else row)
        self.count += 1
        if len(self._rows) >= self.writer.chunk:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self.writer.write(self, self._rows)
            self._rows = []


class Writer:
    """Opens ``Table``s, writes their rows, and finishes the load."""

    def __init__(self, progress: Callable[[str], None] = lambda message: None):
        self.postgresql = connection.vendor == "postgresql"
        self.chunk = COPY_CHUNK_ROWS if self.postgresql else INSERT_BATCH_ROWS
        self.tables: dict[str, Table] = {}
        self.progress = progress
        self._dropped_keys: list[tuple[str, str, str]] = []
        self._dropped_indexes: list[tuple[str, str]] = []

    def table(self, model: type[models.Model], columns: Sequence[str]) -> Table:
        """The table's rows; asked again with the same columns, the same ``Table``."""
        existing = self.tables.get(model._meta.db_table)
        if existing is not None:
            if existing.columns != tuple(columns):
                raise ValueError(f"{existing.table} is already open with other columns")
            return existing
        table = Table(self, model, columns)
        self.tables[table.table] = table
        if self.postgresql:
            self._drop_foreign_keys(table.table)
            self._drop_indexes(table.table)
        return table

    def next_pk(self, model: type[models.Model]) -> int:
        newest = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
        return (newest or 0) + 1

    def write(self, table: Table, rows: list[tuple]) -> None:
        columns = ", ".join(connection.ops.quote_name(c) for c in table.db_columns)
        with connection.cursor() as cursor:
            if self.postgresql:
                formatters = table.formatters
                text = io.StringIO(
                    "".join(
                        "\t".join([f(v) for f, v in zip(formatters, row, strict=True)]) + "\n"
                        for row in rows
                    )
                )
                sql = f"COPY {connection.ops.quote_name(table.table)} ({columns}) FROM STDIN"
                cursor.cursor.copy_expert(sql, text)
            else:
                marks = ", ".join(["%s"] * len(table.db_columns))
                quoted = connection.ops.quote_name(table.table)
                sql = f"INSERT INTO {quoted} ({columns}) VALUES ({marks})"  # noqa: S608 (model names)
                cursor.executemany(sql, [tuple(map(_insert_value, row)) for row in rows])

    def finish(self) -> None:
        """Write what is left, put the foreign keys back, move sequences on."""
        for table in self.tables.values():
            table.flush()
        if not self.postgresql:
            return
        with connection.cursor() as cursor:
            # Index builds sort in memory rather than on disk (this transaction only).
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            if self._dropped_indexes:
                self.progress(f"building {len(self._dropped_indexes)} indexes")
            for _name, definition in self._dropped_indexes:
                cursor.execute(definition)
            self._dropped_indexes = []
            if self._dropped_keys:
                self.progress(f"checking {len(self._dropped_keys)} foreign keys")
            for table, name, definition in self._dropped_keys:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} "
                    f"ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
                )
            self._dropped_keys = []
            for table in self.tables.values():
                quoted = connection.ops.quote_name(table.table)
                move_on = (
                    "setval(pg_get_serial_sequence(%s, 'id'), GREATEST(MAX(id), 1), MAX(id) > 0)"
                )
                cursor.execute(f"SELECT {move_on} FROM {quoted}", [quoted])  # noqa: S608 (model's table)

    def analyze(self) -> None:
        """Fresh statistics (and, outside a transaction, the visibility map) for
        the planner: a table loaded in one go has neither until autovacuum."""
        with connection.cursor() as cursor:
            for table in self.tables.values():
                quoted = connection.ops.quote_name(table.table)
                if self.postgresql and not connection.in_atomic_block:
                    cursor.execute(f"VACUUM (ANALYZE) {quoted}")
                else:
                    cursor.execute(f"ANALYZE {quoted}")

    def _drop_foreign_keys(self, table: str) -> None:
        # Each row COPY adds would queue one deferred check per key, run one by
        # one at commit; adding the key back checks every row in one join.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = %s::regclass ORDER BY conname",
                [connection.ops.quote_name(table)],
            )
            keys = cursor.fetchall()
            for name, definition in keys:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} "
                    f"DROP CONSTRAINT {connection.ops.quote_name(name)}"
                )
                self._dropped_keys.append((table, name, definition))

    def _drop_indexes(self, table: str) -> None:
        # Unique indexes stay: they are the checks that keep the rows apart.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                "ORDER BY i.relname",
                [connection.ops.quote_name(table)],
            )
            indexes = cursor.fetchall()
            for name, definition in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                self._dropped_indexes.append((name, definition))
