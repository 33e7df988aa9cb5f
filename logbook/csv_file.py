"""The logbook's CSV export as a file of bytes, piece by piece: written by
PostgreSQL's ``COPY`` there, by Python's csv writer elsewhere, the same file
either way (lines ending in LF, as COPY writes them).

At 20,000 entries, Python's writer made 30,000 rows a second, a twentieth of
what ``COPY`` makes of the bare table: a Python dictionary per entry, its
themes and partners asked for a chunk at a time, every cell cleaned in
Python. Here PostgreSQL does all of it in one statement (``copy_query``):
the list's entries through the same selector, each entry's themes, partners
and roles joined into one cell, its author's name, every text cell cleaned
as ``spreadsheet_cell`` cleans it (``spreadsheet_cell_sql``).
``test_csv_file`` compares the two files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from partners.models import Partner
from peersupport.export_text import export_text_sql as clean
from peersupport.export_text import formula_safe_sql as safe
from peersupport.export_text import spreadsheet_cell
from peersupport.export_text import spreadsheet_cell_sql as cell

from .choices import Involved
from .exports import COLUMNS, CountedCsvFile, csv_cells, iter_records
from .models import Entry, Theme
from .research import EXPORT_WORK_MEM
from .selectors import LIST_ORDER

# The list's order (``selectors.LIST_ORDER``) in the query's own columns.
_ORDER_COLUMNS = {"occurred_on": "occurred_on", "pk": "id"}


def _order_by(order: Iterable[str]) -> str:
    return ", ".join(
        f"e.{_ORDER_COLUMNS[name.lstrip('-')]}{' DESC' if name.startswith('-') else ''}"
        for name in order
    )


def _author_cells(entries: QuerySet[Entry]) -> tuple[list[int], list[str]]:
    """The number and cell of each author of ``entries``, made by Python as
    its writer makes them (``User.__str__``, cleaned, never a formula): a
    name is trimmed of what Python calls spaces, which SQL's trim does not
    know."""
    authors = get_user_model().objects.filter(pk__in=entries.order_by().values("author_id"))
    pairs = [(user.pk, spreadsheet_cell(str(user))) for user in authors]
    return [pk for pk, _ in pairs], [cell for _, cell in pairs]


def copy_query(entries: QuerySet[Entry]) -> tuple[str, list[Any]]:
    """The CSV's rows, every cell as Python's writer writes it, in the list's order.

    The selector gives the entries' narrow columns, once (``e``); their
    texts are read from the table by number (``x``), so that what is joined
    to them is small rows, not whole narratives. Every entry's themes and
    partners are joined into one cell each in a single pass over all the
    links, in the codebook's order and by name (``coded``, ``involved``: each
    theme's and partner's place numbered once, as comparing names entry by
    entry cost more than the rest; narrowing the links to the entries
    exported first cost more than reading them all, and none leaves but
    through an entry of ``e``); the roles once for each distinct list of
    them among the entries (``roles``); the authors' names made in Python
    (``authors``, ``_author_cells``)."""
    listed = entries.order_by().values_list(
        "pk", "occurred_on", "stage_name", "involved", "author_id"
    )
    rows_sql, rows_params = listed.query.sql_with_params()
    entry_themes = Entry.themes.through._meta.db_table
    entry_partners = Entry.partners.through._meta.db_table
    themes = Theme._meta.db_table
    partners = Partner._meta.db_table
    entries_table = Entry._meta.db_table
    query = f"""
        WITH e AS MATERIALIZED (
            SELECT * FROM ({rows_sql}) AS listed (id, occurred_on, stage, involved, author_id)
        ),
        coded AS MATERIALIZED (
            SELECT l.entry_id, string_agg(t.cleaned, '; ' ORDER BY t.place) AS names
            FROM {entry_themes} AS l JOIN (
                SELECT id, {clean("name")} AS cleaned,
                    row_number() OVER (ORDER BY polarity, name, id) AS place
                FROM {themes}
            ) AS t ON t.id = l.theme_id
            GROUP BY l.entry_id
        ),
        involved AS MATERIALIZED (
            SELECT l.entry_id, string_agg(p.cleaned, '; ' ORDER BY p.place) AS names
            FROM {entry_partners} AS l JOIN (
                SELECT id, {clean("name")} AS cleaned,
                    row_number() OVER (ORDER BY name, id) AS place
                FROM {partners}
            ) AS p ON p.id = l.partner_id
            GROUP BY l.entry_id
        ),
        roles AS MATERIALIZED (
            SELECT involved, (
                SELECT string_agg(role.value, '; ' ORDER BY role.n)
                FROM jsonb_array_elements_text(
                    CASE WHEN jsonb_typeof(involved) = 'array' THEN involved END
                ) WITH ORDINALITY AS role (value, n)
                WHERE role.value = ANY (%s)
            ) AS names
            FROM (SELECT involved FROM e GROUP BY involved) AS sets
        ),
        authors AS MATERIALIZED (
            SELECT * FROM unnest(%s::bigint[], %s::text[]) AS named (id, cell)
        )
        SELECT e.id, to_char(e.occurred_on, 'YYYY-MM-DD'), {cell("e.stage")}, {safe("x.kind")},
            {safe("x.source")}, {cell("x.title")}, {cell("x.narrative")}, {safe("coded.names")},
            {safe("roles.names")}, {safe("involved.names")}, {cell("x.what_changed")},
            {cell("x.why_changed")}, {cell("x.who_decided")}, NULLIF(authors.cell, '')
        FROM e
            JOIN {entries_table} AS x ON x.id = e.id
            JOIN authors ON authors.id = e.author_id
            LEFT JOIN coded ON coded.entry_id = e.id
            LEFT JOIN involved ON involved.entry_id = e.id
            LEFT JOIN roles ON roles.involved = e.involved
        ORDER BY {_order_by(LIST_ORDER)}
    """  # noqa: S608 (the selector's compiled query, names from the models; values are parameters)
    ids, cells = _author_cells(entries)
    return query, [*rows_params, list(Involved.values), ids, cells]


class CsvFile(CountedCsvFile):
    """The entries as CSV bytes (``CountedCsvFile``), written by COPY from
    ``copy_query`` on PostgreSQL."""

    header = COLUMNS

    def __init__(self, entries: QuerySet[Entry]) -> None:
        super().__init__()
        self.entries = entries

    def copy_query(self, connection: Any) -> tuple[str, list[Any]]:
        with connection.cursor() as cursor:
            # JIT compilation costs more than this query's run.
            cursor.execute("SET LOCAL jit = off")
            # Its sort in memory: 6 MB at 20,000 entries, on disk with
            # PostgreSQL's default work_mem (4 MB).
            cursor.execute("SELECT set_config('work_mem', %s, true)", [EXPORT_WORK_MEM])
        return copy_query(self.entries)

    def cells(self) -> Iterator[list[Any]]:
        records = iter_records(self.entries)
        try:
            for record in records:
                yield csv_cells(record)
        finally:
            records.close()
