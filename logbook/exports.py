"""Exports of the logbook: CSV, XLSX, JSON and QDPX (REFI-QDA), and the CSV
writer every CSV file of the product uses (the research export's too).

Every format reads entries through ``selectors.entry_list``, the screen's own
selector, so an export never shows more than the list. On PostgreSQL the CSV
is written by the database itself (``csv_file``, the same file). Otherwise
entries are read as plain values from one query (a server-side cursor on
PostgreSQL), their themes, partners and coders a chunk at a time, never as
model objects; CSV and JSON stream as they are produced, XLSX (openpyxl's
write-only workbook) and QDPX (``zip_writer``, its project file assembled
from parts spooled to disk) are built in a temporary file that spills to
disk, so memory stays flat.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.audit import HistoryPolicy
from peersupport.copy_out import copied
from peersupport.export_text import XlsxCells, export_text, neutralise, spreadsheet_cell
from peersupport.streamed_rows import streamed_rows

from .access import entry_bin_policy, entry_policy
from .choices import Involved
from .models import Entry, Theme
from .zip_writer import ZipWriter

# Every format of the logbook's export, in the order the list offers them,
# with its content type.
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "qdpx": "application/zip",
}
# Entries read, and their themes and partners asked for, this many at a time:
# a few hundred kilobytes of text in memory at most.
CHUNK = 2000
# The roles an entry may name (computed once: an enum builds its list anew
# each time it is asked).
INVOLVED = frozenset(Involved.values)
COLUMNS = [
    "id",
    "date",
    "stage",
    "kind",
    "source",
    "title",
    "narrative",
    "themes",
    "roles_involved",
    "partners",
    "what_changed",
    "why_changed",
    "who_decided",
    "author",
]
# Stable identifiers, so a second export of the same project lines up with the first.
GUID_NAMESPACE = uuid.UUID("5f0c5f47-2c59-4d7e-9c6a-7b1e8a6f3d21")


def clean(text: str | None) -> str:
    """Line ends as LF, and nothing an XML file cannot carry (text pasted from
    PDFs has some); ``peersupport.export_text`` decides what goes."""
    return export_text(text or "")


def guid(kind: str, pk: Any) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{pk}")).upper()


ENTRY_VALUES = (
    "pk",
    "occurred_on",
    "stage_name",
    "kind",
    "source",
    "title",
    "narrative",
    "involved",
    "what_changed",
    "why_changed",
    "who_decided",
    "author_id",
)


def _author_names(ids: set[int], known: dict[int, str]) -> None:
    """Add the names of the accounts ``ids`` that ``known`` lacks (one query, if any)."""
    from django.contrib.auth import get_user_model

    missing = ids - known.keys()
    if missing:
        for user in get_user_model().objects.filter(pk__in=missing):
            known[user.pk] = clean(str(user))


def iter_records(
    entries: QuerySet[Entry], *, coders: Any = None, authors: dict[int, str] | None = None
) -> Iterator[dict[str, Any]]:
    """Each entry as plain values (what every format starts from), in the
    list's order. ``coders(ids)``, if given, says who coded each of a chunk of
    entries (``record["coder_id"]``); ``authors`` keeps the names of the
    accounts met so far (a few people write a logbook)."""
    authors = {} if authors is None else authors
    rows = streamed_rows(entries.values_list(*ENTRY_VALUES), chunk_size=CHUNK)
    try:
        while chunk := list(islice(rows, CHUNK)):
            ids = [row[0] for row in chunk]
            themes: dict[int, list[tuple[int, str]]] = defaultdict(list)
            coded = Entry.themes.through.objects.filter(entry_id__in=ids)
            # In the codebook's order (``Theme.Meta.ordering``), as the entry shows them.
            for entry_id, theme_id, name in coded.order_by(
                "entry_id", "theme__polarity", "theme__name", "theme_id"
            ).values_list("entry_id", "theme_id", "theme__name"):
                themes[entry_id].append((theme_id, clean(name)))
            partners: dict[int, list[str]] = defaultdict(list)
            involved_partners = Entry.partners.through.objects.filter(entry_id__in=ids)
            for entry_id, name in involved_partners.order_by(
                "entry_id", "partner__name", "partner_id"
            ).values_list("entry_id", "partner__name"):
                partners[entry_id].append(clean(name))
            coder_of = coders(ids) if coders else {}
            _author_names({row[-1] for row in chunk}, authors)
            for pk, day, stage, kind, source, title, narrative, involved, *rest in chunk:
                what, why, who, author_id = rest
                yield {
                    "id": pk,
                    "date": day.isoformat(),
                    "stage": clean(stage),
                    "kind": kind,
                    "source": source,
                    "title": clean(title),
                    "narrative": clean(narrative),
                    "themes": [name for _, name in themes[pk]],
                    "theme_ids": [theme_id for theme_id, _ in themes[pk]],
                    # Only a list names roles (a model's clean() keeps it one).
                    "roles_involved": [value for value in involved if value in INVOLVED]
                    if isinstance(involved, list)
                    else [],
                    "partners": partners[pk],
                    "what_changed": clean(what),
                    "why_changed": clean(why),
                    "who_decided": clean(who),
                    "author": authors[author_id],
                    "author_id": author_id,
                    "coder_id": coder_of.get(pk, author_id),
                }
            # Let this chunk go before the next is read: never two in memory.
            del chunk, themes, partners, coder_of
    finally:
        # Given up half-way (a download cut short): the cursor and its
        # transaction end now, not when the garbage is collected.
        rows.close()


def _flat(record: dict[str, Any]) -> list[Any]:
    row = []
    for column in COLUMNS:
        value = record[column]
        row.append("; ".join(value) if isinstance(value, list) else value)
    return row


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """A CSV file, line by line as the rows come: UTF-8 with a byte-order mark,
    so spreadsheets keep the accents, and no cell a spreadsheet would run as a
    formula."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([spreadsheet_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([spreadsheet_cell(value) for value in row])


def csv_batches(
    header: Iterable[Any],
    cells: Iterable[Iterable[Any]],
    *,
    batch: int = 1000,
    lineterminator: str = "\r\n",
) -> Iterator[str]:
    """The same CSV file as ``csv_stream``, ``batch`` rows a piece, for rows
    whose values are spreadsheet cells already (``spreadsheet_cell``): the
    research export cleans each distinct value once, not each cell, and ends
    its lines as PostgreSQL's COPY does (LF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    buffer.write("\ufeff")
    writer.writerow([spreadsheet_cell(value) for value in header])
    rows = iter(cells)
    while True:
        writer.writerows(islice(rows, batch))
        if not buffer.tell():
            return
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


class CountedCsvFile:
    """A CSV file sent piece by piece that knows, once sent, how many rows left
    (``rows``, for ``peersupport.audit.record_streamed_file``): on PostgreSQL
    the header, then the rows of ``copy_query`` as the database's COPY writes
    them; elsewhere the same file from Python's writer, the rows of
    ``cells()``. Lines end in LF either way, as COPY ends them."""

    header: list[str]

    def __init__(self) -> None:
        self.rows = 0

    def copy_query(self, connection: Any) -> tuple[str, list[Any]]:
        """The rows' query, every cell as the writer writes it; may set what its
        transaction needs first (``SET LOCAL``)."""
        raise NotImplementedError

    def cells(self) -> Iterator[Iterable[Any]]:
        """The rows' cells, spreadsheet cells already (``csv_batches``)."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[bytes]:
        if transaction.get_connection().vendor == "postgresql":
            yield "".join(csv_batches(self.header, (), lineterminator="\n")).encode("utf-8")
            yield from copied(self.copy_query, self._sent)
        else:
            yield from self._written()

    def _sent(self, rows: int) -> None:
        self.rows = rows

    def _written(self) -> Iterator[bytes]:
        cells = self.cells()

        def counted() -> Iterator[Iterable[Any]]:
            for row in cells:
                # Counted as it is handed over: a piece holds the rows counted.
                self.rows += 1
                yield row

        try:
            for piece in csv_batches(self.header, counted(), lineterminator="\n"):
                yield piece.encode("utf-8")
        finally:
            # Given up half-way: the rows' cursor ends now.
            close = getattr(cells, "close", None)
            if close is not None:
                close()


def csv_cells(record: dict[str, Any]) -> list[Any]:
    """A record's CSV cells: its text is clean already (``iter_records``), so
    only what a spreadsheet would run as a formula is left to neutralise."""
    return [neutralise(value) for value in _flat(record)]


def codebook_records(codebook: Iterable[Theme]) -> list[dict[str, Any]]:
    return [
        {
            "id": t.pk,
            "name": clean(t.name),
            "name_fr": clean(t.name_fr),
            "polarity": t.polarity,
            "description": clean(t.description),
            "parent": clean(t.parent.name) if t.parent_id else None,
        }
        for t in codebook
    ]


def json_chunks(
    entries: QuerySet[Entry], codebook: Iterable[Theme], filters: dict[str, Any]
) -> Iterator[str]:
    """A JSON document written entry by entry."""
    head = {
        "exported_at": timezone.now().isoformat(),
        "filters": filters,
        "codebook": codebook_records(codebook),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "entries": ['
    for index, record in enumerate(iter_records(entries)):
        del record["author_id"], record["coder_id"]
        yield ("," if index else "") + json.dumps(record, ensure_ascii=False)
    yield "]}"


CODEBOOK_COLUMNS = ["id", "name", "name_fr", "polarity", "description", "parent"]


def write_xlsx(entries: QuerySet[Entry], codebook: Iterable[Theme], fileobj: BinaryIO) -> None:
    """One row per entry with a column per theme, the codebook on a second
    sheet, and notes on a third: among them every cell cut to what Excel holds."""
    from openpyxl import Workbook

    themes = list(codebook)
    cells = XlsxCells(full_text_in=_("The full text is in the CSV, JSON and QDPX exports."))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("entries")
    base = [c for c in COLUMNS if c != "themes"]
    header = base + [f"theme: {clean(t.name)}" for t in themes]
    sheet.append(cells.row("entries", 1, header, header))
    for number, record in enumerate(iter_records(entries), start=2):
        coded = set(record["theme_ids"])
        values = ["; ".join(v) if isinstance(v, list) else v for v in (record[c] for c in base)]
        values += [1 if t.pk in coded else None for t in themes]
        sheet.append(cells.row("entries", number, header, values))
    book = workbook.create_sheet("codebook")
    book.append(CODEBOOK_COLUMNS)
    for number, record in enumerate(codebook_records(themes), start=2):
        book.append(
            cells.row("codebook", number, CODEBOOK_COLUMNS, [record[k] for k in CODEBOOK_COLUMNS])
        )
    notes = workbook.create_sheet("notes")
    for line in xlsx_notes(cells):
        notes.append([spreadsheet_cell(value) for value in line])
    workbook.save(fileobj)


def xlsx_notes(cells: XlsxCells) -> list[list[Any]]:
    """The notes sheet: what the workbook holds, and each cell cut to fit."""
    lines: list[list[Any]] = [
        [_("Logbook export")],
        [
            _(
                "Invisible control characters, which spreadsheets cannot hold, "
                "were removed from the text."
            )
        ],
    ]
    if not cells.truncations:
        lines.append([_("No cell was cut: every text is whole.")])
        return lines
    lines.append(
        [
            _(
                "Excel holds at most 32 767 characters in a cell. These cells were cut, "
                "each ends with a note saying so:"
            )
            + " "
            + cells.full_text_in
        ]
    )
    lines.append([_("sheet"), _("row"), _("column"), _("characters"), _("characters cut")])
    for cut in cells.truncations:
        lines.append([cut.sheet, cut.row, cut.column, cut.length, cut.cut])
    return lines


def source_text(record: dict[str, Any]) -> str:
    """The text of an entry as a QDA source: its title, a blank line, its narrative."""
    return f"{record['title']}\n\n{record['narrative']}"


def qda_name(record: dict[str, Any]) -> str:
    """A name unique in the project: QDA programs key sources and cases by name,
    and titles repeat ("Team meeting")."""
    return f"{record['date']} · #{record['id']} · {record['title']}"


def coders_of(ids: list[int], *, viewer: Any) -> dict[int, int]:
    """Who last set the themes of each of the entries ``ids``, from the
    history of the entries ``viewer`` may open, the bin's included (one query).
    Only the research team codes; an entry coded outside any request (an
    import, a test) has no one recorded and is credited to its author."""
    coders: dict[int, int] = {}
    history = HistoryPolicy(entry_policy).visible_to(viewer) | HistoryPolicy(
        entry_bin_policy
    ).visible_to(viewer)
    changes = (
        history.filter(object_id__in=ids, changes__themes__type="m2m", actor__isnull=False)
        .order_by("timestamp", "pk")
        .values_list("object_id", "actor_id")
    )
    for entry_id, actor_id in changes:
        coders[entry_id] = actor_id
    return coders


DOCUMENT_VARIABLES = ("stage", "kind", "source", "date")


def _variable_values(parent: Any, record: dict[str, Any], variables: dict[str, str]) -> None:
    from lxml import etree

    for name in DOCUMENT_VARIABLES:
        value = etree.SubElement(parent, "VariableValue")
        etree.SubElement(value, "VariableRef", targetGUID=variables[name])
        tag = "DateValue" if name == "date" else "TextValue"
        etree.SubElement(value, tag).text = record[name]


QDA_NAMESPACE = "urn:QDA-XML:project:1.0"


def _case(record: dict[str, Any], variables: dict[str, str]) -> Any:
    from lxml import etree

    case = etree.Element("Case", guid=guid("case", record["id"]), name=record["name"])
    _variable_values(case, record, variables)
    etree.SubElement(case, "SourceRef", targetGUID=record["guid"])
    return case


def _text_source(record: dict[str, Any], variables: dict[str, str]) -> Any:
    from lxml import etree

    source = etree.Element(
        "TextSource",
        guid=record["guid"],
        name=record["name"],
        plainTextPath=f"internal://{record['guid']}.txt",
        creatingUser=guid("user", record["author_id"]),
    )
    if record["theme_ids"]:
        coder = guid("user", record["coder_id"])
        selection = etree.SubElement(
            source,
            "PlainTextSelection",
            guid=guid("selection", record["id"]),
            name=record["name"],
            startPosition="0",
            endPosition=str(record["length"]),
            creatingUser=coder,
        )
        for theme_id in record["theme_ids"]:
            coding = etree.SubElement(
                selection,
                "Coding",
                guid=guid("coding", f"{record['id']}:{theme_id}"),
                creatingUser=coder,
            )
            etree.SubElement(coding, "CodeRef", targetGUID=guid("theme", theme_id))
    # Document variables: programs that ignore the cases read these.
    _variable_values(source, record, variables)
    return source


def _codebook(themes: list[Theme], used: set[int]) -> Any:
    """The codebook as codes; a theme that only groups others is a category."""
    from lxml import etree

    by_parent: dict = {}
    for theme in themes:
        by_parent.setdefault(theme.parent_id, []).append(theme)
    codes = etree.Element("CodeBook")
    holder = etree.SubElement(codes, "Codes")

    def add(parent_element: Any, parent_id: int | None) -> None:
        for theme in by_parent.get(parent_id, []):
            codable = theme.pk not in by_parent or theme.pk in used
            code = etree.SubElement(
                parent_element,
                "Code",
                guid=guid("theme", theme.pk),
                name=clean(theme.name),
                isCodable="true" if codable else "false",
            )
            description = clean(f"{theme.get_polarity_display()}. {theme.description}".strip())
            etree.SubElement(code, "Description").text = description
            add(code, theme.pk)

    add(holder, None)
    return codes


def write_qdpx(
    entries: QuerySet[Entry],
    codebook: Iterable[Theme],
    fileobj: BinaryIO,
    *,
    project_name: str,
    viewer: Any,
) -> None:
    """A REFI-QDA project: the codebook as codes (a theme that only groups
    others is a category, not codable), each entry a text source coded with its
    themes over its whole text, by the user who coded it, carrying stage, kind,
    source and date as document variables, and a case per entry carrying the
    same variables, for the programs that read cases.

    One pass over the entries: each text goes into the zip as it is read, its
    case and source into two temporary files; the project file is then written
    from them, after the users and the codebook it must name first. Elements
    are serialised without a namespace and placed inside the project element,
    whose default namespace they take."""
    from lxml import etree

    themes = list(codebook)
    known = {t.pk for t in themes}
    variables = {name: guid("variable", name) for name in DOCUMENT_VARIABLES}
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    users: dict[int, str] = {}  # user id -> name; keyed by id, as two people may share a name
    used_themes: set[int] = set()
    any_entry = False
    with (
        ZipWriter(fileobj) as archive,
        tempfile.TemporaryFile() as cases,
        tempfile.TemporaryFile() as sources,
    ):
        records = iter_records(
            entries, coders=lambda ids: coders_of(ids, viewer=viewer), authors=users
        )
        for record in records:
            any_entry = True
            record["guid"] = guid("entry", record["id"])
            record["name"] = qda_name(record)
            record["theme_ids"] = [pk for pk in record["theme_ids"] if pk in known]
            used_themes.update(record["theme_ids"])
            text = source_text(record)
            record["length"] = len(text)
            if record["theme_ids"]:
                _author_names({record["coder_id"]}, users)
            archive.write(f"sources/{record['guid']}.txt", text.encode("utf-8"))
            cases.write(etree.tostring(_case(record, variables), encoding="utf-8"))
            sources.write(etree.tostring(_text_source(record, variables), encoding="utf-8"))

        root = etree.Element(
            f"{{{QDA_NAMESPACE}}}Project",
            nsmap={None: QDA_NAMESPACE},
            name=clean(project_name),
            origin="peersupport",
            creationDateTime=now,
        )
        empty = etree.tostring(root, encoding="utf-8")  # <Project .../>
        with archive.member("project.qde") as project:
            project.write(b"<?xml version='1.0' encoding='utf-8'?>\n")
            project.write(empty.removesuffix(b"/>") + b">")
            if users:
                listed = etree.Element("Users")
                for user_id, name in users.items():
                    etree.SubElement(listed, "User", guid=guid("user", user_id), name=name)
                project.write(etree.tostring(listed, encoding="utf-8"))
            if themes:
                project.write(etree.tostring(_codebook(themes, used_themes), encoding="utf-8"))
            declared = etree.Element("Variables")
            for name, variable_guid in variables.items():
                etree.SubElement(
                    declared,
                    "Variable",
                    guid=variable_guid,
                    name=name,
                    typeOfVariable="Date" if name == "date" else "Text",
                )
            project.write(etree.tostring(declared, encoding="utf-8"))
            if any_entry:
                for tag, part in (("Cases", cases), ("Sources", sources)):
                    part.seek(0)
                    project.write(f"<{tag}>".encode())
                    shutil.copyfileobj(part, project)
                    project.write(f"</{tag}>".encode())
            project.write(b"</Project>")
