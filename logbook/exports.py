"""Exports of the logbook: CSV, XLSX, JSON and QDPX (REFI-QDA), and the CSV
writer every CSV file of the product uses (the research export's too).

Every format reads entries through ``selectors.entry_list``, the screen's own
selector, so an export never shows more than the list. Rows are read in
chunks; CSV and JSON stream as they are produced, XLSX and QDPX (zip files)
are built in a temporary file that spills to disk, so memory stays flat.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any, BinaryIO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.audit import HistoryPolicy
from peersupport.export_text import XlsxCells, export_text, spreadsheet_cell

from .access import entry_bin_policy, entry_policy
from .choices import Involved
from .models import Entry, Theme

# Every format of the logbook's export, in the order the list offers them,
# with its content type.
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "qdpx": "application/zip",
}
CHUNK = 500
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


def iter_entries(entries: QuerySet[Entry]) -> Iterator[Entry]:
    return entries.prefetch_related("themes", "partners").iterator(chunk_size=CHUNK)


def entry_record(entry: Any) -> dict[str, Any]:
    """One entry as plain values; every format starts from this."""
    return {
        "id": entry.pk,
        "date": entry.occurred_on.isoformat(),
        "stage": clean(entry.stage_name),
        "kind": entry.kind,
        "source": entry.source,
        "title": clean(entry.title),
        "narrative": clean(entry.narrative),
        "themes": [clean(theme.name) for theme in entry.themes.all()],
        "theme_ids": [theme.pk for theme in entry.themes.all()],
        "roles_involved": [value for value in entry.involved or [] if value in Involved.values],
        "partners": [clean(partner.name) for partner in entry.partners.all()],
        "what_changed": clean(entry.what_changed),
        "why_changed": clean(entry.why_changed),
        "who_decided": clean(entry.who_decided),
        "author": clean(str(entry.author)),
    }


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
    header: Iterable[Any], cells: Iterable[Iterable[Any]], *, batch: int = 1000
) -> Iterator[str]:
    """The same CSV file as ``csv_stream``, ``batch`` rows a piece, for rows
    whose values are spreadsheet cells already (``spreadsheet_cell``): the
    research export cleans each distinct value once, not each cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
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


def csv_chunks(entries: QuerySet[Entry]) -> Iterator[str]:
    """The entries as CSV, one row each."""
    return csv_stream(COLUMNS, (_flat(entry_record(entry)) for entry in iter_entries(entries)))


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
    for index, entry in enumerate(iter_entries(entries)):
        yield ("," if index else "") + json.dumps(entry_record(entry), ensure_ascii=False)
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
    for number, entry in enumerate(iter_entries(entries), start=2):
        record = entry_record(entry)
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


def coders_of(entries: QuerySet[Entry], *, viewer: Any) -> dict[int, int]:
    """Who last set each entry's themes, from the history of the entries
    ``viewer`` may open, the bin's included (one query). Only the research
    team codes; an entry coded outside any request (an import, a test) has no
    one recorded and is credited to its author."""
    coders: dict[int, int] = {}
    history = HistoryPolicy(entry_policy).visible_to(viewer) | HistoryPolicy(
        entry_bin_policy
    ).visible_to(viewer)
    changes = (
        history.filter(
            object_id__in=entries.order_by().values("pk"),
            changes__themes__type="m2m",
            actor__isnull=False,
        )
        .order_by("timestamp", "pk")
        .values_list("object_id", "actor_id")
    )
    for entry_id, actor_id in changes.iterator(chunk_size=CHUNK):
        coders[entry_id] = actor_id
    return coders


DOCUMENT_VARIABLES = ("stage", "kind", "source", "date")


def _variable_values(
    parent: Any, record: dict[str, Any], variables: dict[str, str], ns: str
) -> None:
    from lxml import etree

    for name in DOCUMENT_VARIABLES:
        value = etree.SubElement(parent, f"{{{ns}}}VariableValue")
        etree.SubElement(value, f"{{{ns}}}VariableRef", targetGUID=variables[name])
        tag = "DateValue" if name == "date" else "TextValue"
        etree.SubElement(value, f"{{{ns}}}{tag}").text = record[name]


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
    same variables, for the programs that read cases."""
    from django.contrib.auth import get_user_model
    from lxml import etree

    themes = list(codebook)
    by_parent: dict = {}
    for theme in themes:
        by_parent.setdefault(theme.parent_id, []).append(theme)
    known = {t.pk for t in themes}
    variables = {name: guid("variable", name) for name in DOCUMENT_VARIABLES}
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    coders = coders_of(entries, viewer=viewer)
    users: dict[int, str] = {}  # user id -> name; keyed by id, as two people may share a name
    records = []
    used_themes: set[int] = set()

    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Sources first: the project file names them, and a zip is written one member at a time.
        for entry in iter_entries(entries):
            record = entry_record(entry)
            record["guid"] = guid("entry", entry.pk)
            record["name"] = qda_name(record)
            record["theme_ids"] = [t.pk for t in entry.themes.all() if t.pk in known]
            used_themes.update(record["theme_ids"])
            record["length"] = len(source_text(record))
            users.setdefault(entry.author_id, record["author"])
            record["user_guid"] = guid("user", entry.author_id)
            record["coder_id"] = coders.get(entry.pk, entry.author_id)
            record["coder_guid"] = guid("user", record["coder_id"])
            archive.writestr(f"sources/{record['guid']}.txt", source_text(record).encode("utf-8"))
            # Only identifiers and short fields stay in memory; the texts are in the zip.
            record.pop("narrative")
            records.append(record)
        missing = {r["coder_id"] for r in records if r["theme_ids"]} - set(users)
        for user in get_user_model().objects.filter(pk__in=missing):
            users[user.pk] = clean(str(user))

        ns = "urn:QDA-XML:project:1.0"
        with archive.open("project.qde", "w") as raw, etree.xmlfile(raw, encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element(
                f"{{{ns}}}Project",
                nsmap={None: ns},
                name=clean(project_name),
                origin="peersupport",
                creationDateTime=now,
            ):
                if users:
                    with xf.element(f"{{{ns}}}Users"):
                        for user_id, name in users.items():
                            xf.write(
                                etree.Element(
                                    f"{{{ns}}}User", guid=guid("user", user_id), name=name
                                )
                            )
                if themes:
                    codes = etree.Element(f"{{{ns}}}CodeBook")
                    holder = etree.SubElement(codes, f"{{{ns}}}Codes")

                    def add(parent_element, parent_id):
                        for theme in by_parent.get(parent_id, []):
                            # A theme that only groups others arrives as a category.
                            codable = theme.pk not in by_parent or theme.pk in used_themes
                            code = etree.SubElement(
                                parent_element,
                                f"{{{ns}}}Code",
                                guid=guid("theme", theme.pk),
                                name=clean(theme.name),
                                isCodable="true" if codable else "false",
                            )
                            description = clean(
                                f"{theme.get_polarity_display()}. {theme.description}".strip()
                            )
                            etree.SubElement(code, f"{{{ns}}}Description").text = description
                            add(code, theme.pk)

                    add(holder, None)
                    xf.write(codes)
                variables_element = etree.Element(f"{{{ns}}}Variables")
                for name, variable_guid in variables.items():
                    etree.SubElement(
                        variables_element,
                        f"{{{ns}}}Variable",
                        guid=variable_guid,
                        name=name,
                        typeOfVariable="Date" if name == "date" else "Text",
                    )
                xf.write(variables_element)
                if records:
                    with xf.element(f"{{{ns}}}Cases"):
                        for record in records:
                            case = etree.Element(
                                f"{{{ns}}}Case",
                                guid=guid("case", record["id"]),
                                name=record["name"],
                            )
                            _variable_values(case, record, variables, ns)
                            etree.SubElement(case, f"{{{ns}}}SourceRef", targetGUID=record["guid"])
                            xf.write(case)
                    with xf.element(f"{{{ns}}}Sources"):
                        for record in records:
                            source = etree.Element(
                                f"{{{ns}}}TextSource",
                                guid=record["guid"],
                                name=record["name"],
                                plainTextPath=f"internal://{record['guid']}.txt",
                                creatingUser=record["user_guid"],
                            )
                            if record["theme_ids"]:
                                selection = etree.SubElement(
                                    source,
                                    f"{{{ns}}}PlainTextSelection",
                                    guid=guid("selection", record["id"]),
                                    name=record["name"],
                                    startPosition="0",
                                    endPosition=str(record["length"]),
                                    creatingUser=record["coder_guid"],
                                )
                                for theme_id in record["theme_ids"]:
                                    coding = etree.SubElement(
                                        selection,
                                        f"{{{ns}}}Coding",
                                        guid=guid("coding", f"{record['id']}:{theme_id}"),
                                        creatingUser=record["coder_guid"],
                                    )
                                    etree.SubElement(
                                        coding,
                                        f"{{{ns}}}CodeRef",
                                        targetGUID=guid("theme", theme_id),
                                    )
                            # Document variables: programs that ignore the cases read these.
                            _variable_values(source, record, variables, ns)
                            xf.write(source)
