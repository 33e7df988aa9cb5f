"""Text on its way into an export file: the one place where what XML 1.0,
spreadsheets and calendar files cannot carry is taken out.

A control character typed or pasted into any text of the product (a theme's
name, a stage, a narrative) must never make an export fail for everyone. Every
writer of an export file (CSV, XLSX, QDPX, iCalendar) hands its text through
``export_text`` or one of the helpers built on it; a test checks that every
module using a writer library imports this one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# What XML 1.0 forbids (C0 controls but tab, line feed and carriage return;
# lone surrogates; U+FFFE and U+FFFF), which also covers what openpyxl refuses
# in a cell and what RFC 5545 forbids in a calendar's text.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# The most characters an Excel cell holds; openpyxl cuts longer text silently.
XLSX_CELL_LIMIT = 32_767

# A spreadsheet runs a cell starting with these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_text(value: Any) -> Any:
    """``value`` with line ends as LF and nothing an XML file cannot carry;
    anything that is not text comes back as it was."""
    if not isinstance(value, str):
        return value
    return FORBIDDEN.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would run as a formula, quoted so that it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_cell(value: Any) -> Any:
    """A value for a CSV or XLSX cell: cleaned, and never run as a formula."""
    return neutralise(export_text(value))


# The same, in PostgreSQL, for the files its COPY writes (``value`` is an
# SQL expression).


def export_text_sql(value: str) -> str:
    """``export_text``: line ends as LF, nothing XML cannot carry (the
    database holds no NUL nor lone surrogate)."""
    lines = rf"replace(replace({value}, E'\r\n', E'\n'), E'\r', E'\n')"
    return rf"regexp_replace({lines}, '[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]', '', 'g')"


def formula_safe_sql(value: str) -> str:
    """``neutralise``, with an empty text as NULL, which COPY writes as an
    unquoted empty cell as Python's csv writer does. ``value`` is read three
    times: a column, or an expression the query computes once."""
    return (
        rf"CASE WHEN left({value}, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || {value}"
        rf" ELSE NULLIF({value}, '') END"
    )


def spreadsheet_cell_sql(value: str) -> str:
    """``spreadsheet_cell``: ``export_text_sql``, then a quote before what a
    spreadsheet would run as a formula, and an empty text as NULL."""
    cleaned = export_text_sql(value)
    return rf"NULLIF(regexp_replace({cleaned}, '^([=+@\t-])', '''\1'), '')"


def truncation_marker(cut: int, full_text_in: str) -> str:
    return _(
        "[… %(cut)s characters cut here: Excel holds at most %(limit)s in a cell. %(where)s]"
    ) % {
        "cut": f"{cut:,}".replace(",", " "),
        "limit": f"{XLSX_CELL_LIMIT:,}".replace(",", " "),
        "where": full_text_in,
    }


@dataclass
class Truncation:
    """One cell that was too long for Excel."""

    sheet: str
    row: int
    column: str
    length: int
    cut: int


@dataclass
class XlsxCells:
    """Cells for an XLSX sheet: cleaned, never run as a formula, and cut to
    what Excel holds with a visible marker saying so; every cut is remembered
    for the workbook's notes."""

    full_text_in: str
    truncations: list[Truncation] = field(default_factory=list)

    def row(self, sheet: str, row: int, header: list[str], values: list[Any]) -> list[Any]:
        cells = []
        for column, value in zip(header, values, strict=True):
            cell = spreadsheet_cell(value)
            if isinstance(cell, str) and len(cell) > XLSX_CELL_LIMIT:
                cell = self._cut(cell, sheet=sheet, row=row, column=column)
            cells.append(cell)
        return cells

    def _cut(self, text: str, *, sheet: str, row: int, column: str) -> str:
        # The marker's length depends on the number it shows: shrink what is
        # kept until text and marker fit together.
        keep = XLSX_CELL_LIMIT
        while True:
            marker = " " + truncation_marker(len(text) - keep, self.full_text_in)
            if keep + len(marker) <= XLSX_CELL_LIMIT:
                break
            keep = XLSX_CELL_LIMIT - len(marker)
        self.truncations.append(
            Truncation(sheet=sheet, row=row, column=column, length=len(text), cut=len(text) - keep)
        )
        return text[:keep] + marker
