"""Text on its way into an export file is cleaned in one place, whatever
column it comes from: every text column of the project is filled with control
characters, then every export is opened as the programs that read it would."""

from __future__ import annotations

import ast
import csv
import io
import json
import zipfile
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from peersupport.export_text import (
    FORBIDDEN,
    XLSX_CELL_LIMIT,
    XlsxCells,
    export_text,
    spreadsheet_cell,
)
from peersupport.fields import KeyCheckField
from tests.logbook.conftest import make_entry, stages  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "logbook" / "refi_qda" / "Project-mrt2019.xsd"
# The characters a person can paste without seeing them, and the two
# noncharacters XML forbids; a database takes them all.
POISON = "\x1b\x01\x0b\x0c\x1f\ufffe"
# Libraries that write a file format; whoever imports one writes an export.
WRITER_LIBRARIES = {"csv", "openpyxl", "lxml", "icalendar", "xml", "xlsxwriter"}
FEATURE_APPS = [
    "peersupport",
    "partners",
    "clients",
    "interventions",
    "referrals",
    "agenda",
    "groups",
    "staff",
    "logbook",
    "overview",
    "audit",
    "accounts",
    "demo",
]


def test_what_xml_forbids_goes_and_everything_else_stays():
    typed = "Tab\there\nline\r\nCRLF\rCR é 😀 שלום e\u0301 \u200d\x1b\x01\x7f\ud800\ufffe\uffff."
    assert export_text(typed) == "Tab\there\nline\nCRLF\nCR é 😀 שלום e\u0301 \u200d\x7f."
    assert export_text(None) is None and export_text(12) == 12


def test_a_spreadsheet_cell_is_cleaned_before_it_is_quoted():
    assert spreadsheet_cell("\x1b=SUM(A1)") == "'=SUM(A1)"


def test_a_cell_too_long_for_excel_says_how_much_was_cut_and_where_the_rest_is():
    cells = XlsxCells(full_text_in="See the CSV.")
    text = "x" * 1_000_000
    (cell,) = cells.row("entries", 7, ["narrative"], [text])
    assert len(cell) <= XLSX_CELL_LIMIT
    kept = cell.index(" [")
    cut = f"{1_000_000 - kept:,}".replace(",", " ")
    assert cell == "x" * kept + (
        f" [… {cut} characters cut here: Excel holds at most 32 767 in a cell. See the CSV.]"
    )
    (cut,) = cells.truncations
    assert (cut.sheet, cut.row, cut.column, cut.length, cut.cut) == (
        "entries",
        7,
        "narrative",
        1_000_000,
        1_000_000 - kept,
    )


def _modules():
    for app in FEATURE_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_every_module_that_writes_a_file_format_cleans_its_text_in_the_one_place():
    writers = []
    for path in _modules():
        imported = _imports(path)
        if {name.split(".")[0] for name in imported} & WRITER_LIBRARIES:
            writers.append(path.relative_to(ROOT).as_posix())
            assert "peersupport.export_text" in imported or path.name == "export_text.py", (
                f"{path.relative_to(ROOT)} writes a file format: hand its text through "
                "peersupport.export_text"
            )
    # The walk finds the writers there are today, so it cannot pass by finding none.
    assert {"logbook/exports.py", "agenda/calendar.py"} <= set(writers)


def _poisonable(field) -> bool:
    return (
        isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.primary_key
        and not isinstance(field, KeyCheckField)
        and field.name not in {"password"}
    )


def poison_every_text_column() -> int:
    """Every text column of every row of the project, with control characters
    added at both ends and in the middle. Returns how many values changed."""
    changed = 0
    for app in FEATURE_APPS:
        for model in apps.get_app_config(app).get_models():
            fields = [f for f in model._meta.concrete_fields if _poisonable(f)]
            if not fields or not model._meta.managed:
                continue
            for row in model._default_manager.all():
                values = {}
                for field in fields:
                    old = getattr(row, field.attname) or "x"
                    room = (field.max_length or 10_000) - 2 * len(POISON)
                    values[field.attname] = POISON + old[:room] + POISON
                model._default_manager.filter(pk=row.pk).update(**values)
                changed += len(values)
    return changed


@pytest.fixture
def everything(researcher, peer, coordinator, stages, make_entry):  # noqa: F811
    """A logbook, a research programme and a calendar feed, every text poisoned."""
    from agenda.models import AccompanimentKind, FollowUp
    from agenda.services import calendar_feed_turn_on
    from logbook.models import Theme
    from partners.models import Partner
    from tests.factories import ClientFactory, put_on_team
    from tests.logbook.test_research import _consent, _meet

    partner = Partner.objects.create(name="Clinique", kind="clinic", address="4625 De Lorimier")
    entry = make_entry(researcher, what_changed="x", why_changed="y", who_decided="z")
    entry.themes.set(Theme.objects.all()[:3])
    entry.partners.set([partner])
    person = ClientFactory()
    put_on_team(person, peer)
    _consent(person, coordinator)
    _meet(person, peer, timezone.now() - timedelta(days=2))
    kind = AccompanimentKind.objects.create(name_en="Court", name_fr="Tribunal")
    FollowUp.objects.create(
        client=person,
        assigned_to=peer,
        created_by=peer,
        due_on=timezone.localdate() + timedelta(days=1),
        what="Call",
        due_time=time(9, 30),
        kind=kind,
        place_partner=partner,
    )
    FollowUp.objects.create(
        client=person,
        assigned_to=peer,
        created_by=peer,
        due_on=timezone.localdate() + timedelta(days=2),
        what="Call",
        place_text="Parc Lafontaine",
    )
    assert poison_every_text_column() > 50
    # Turned on after the poisoning: the feed's own row holds only a hash of its secret.
    return calendar_feed_turn_on(acting_user=peer)


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _no_forbidden(text: str, where: str) -> None:
    found = FORBIDDEN.search(text)
    assert found is None, f"{where}: {found.group()!r} at {found.start()}"


@pytest.mark.django_db
def test_control_characters_in_every_text_column_break_no_export(client, researcher, everything):
    from lxml import etree
    from openpyxl import load_workbook

    client.force_login(researcher)
    export = reverse("logbook:export")

    text = _body(client.get(export, {"format": "csv"})).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and "Clinique" in rows[0]["partners"]
    _no_forbidden(text, "logbook CSV")

    data = json.loads(_body(client.get(export, {"format": "json"})))
    assert data["entries"] and data["codebook"]
    _no_forbidden(json.dumps(data, ensure_ascii=False), "logbook JSON")

    workbook = load_workbook(io.BytesIO(_body(client.get(export, {"format": "xlsx"}))))
    assert workbook.sheetnames == ["entries", "codebook", "notes"]
    for sheet in workbook:
        for row in sheet.values:
            for value in row:
                if isinstance(value, str):
                    _no_forbidden(value, f"XLSX sheet {sheet.title}")
    header, row = list(workbook["entries"].values)
    assert dict(zip(header, row, strict=True))["title"] == "Team meeting"

    archive = zipfile.ZipFile(io.BytesIO(_body(client.get(export, {"format": "qdpx"}))))
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(archive.read("project.qde"))
    assert schema.validate(document), schema.error_log
    for name in archive.namelist():
        _no_forbidden(archive.read(name).decode("utf-8"), f"QDPX {name}")

    research = _body(client.get(reverse("research:export"), {"format": "csv"})).decode("utf-8")
    assert len(list(csv.DictReader(io.StringIO(research.lstrip("\ufeff"))))) == 1
    _no_forbidden(research, "research CSV")


@pytest.mark.django_db
def test_control_characters_in_every_text_column_leave_the_calendar_feed_readable(
    client, everything
):
    from icalendar import Calendar

    client.logout()
    response = client.get(reverse("calendar:feed", kwargs={"secret": everything}))
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    _no_forbidden(body, "calendar feed")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    locations = sorted(str(event["LOCATION"]) for event in events)
    assert locations == ["Clinique, 4625 De Lorimier", "Parc Lafontaine"]
    assert "Accompaniment: Court · record" in " ".join(str(e["SUMMARY"]) for e in events)


def test_a_one_megabyte_narrative_is_cut_in_the_xlsx_with_a_note_and_whole_in_the_csv(
    client,
    researcher,
    stages,  # noqa: F811
    make_entry,  # noqa: F811
):
    from openpyxl import load_workbook

    narrative = ("Une longue histoire, écrite d’un trait. " * 30_000)[:1_000_000]
    entry = make_entry(researcher, date(2025, 3, 1), narrative=narrative)
    client.force_login(researcher)
    export = reverse("logbook:export")
    workbook = load_workbook(io.BytesIO(_body(client.get(export, {"format": "xlsx"}))))
    header, row = list(workbook["entries"].values)
    cell = dict(zip(header, row, strict=True))["narrative"]
    assert len(cell) <= XLSX_CELL_LIMIT
    kept = cell.index(" [… ")
    assert cell[:kept] == narrative[:kept]
    cut = f"{1_000_000 - kept:,}".replace(",", " ")
    assert f"[… {cut} characters cut here" in cell
    assert "The full text is in the CSV, JSON and QDPX exports." in cell
    notes = [list(r) for r in workbook["notes"].values]
    assert ["entries", 2, "narrative", 1_000_000, 1_000_000 - kept] in [r[:5] for r in notes]
    assert dict(zip(header, row, strict=True))["id"] == entry.pk

    text = _body(client.get(export, {"format": "csv"})).decode("utf-8")
    usual = csv.field_size_limit(2_000_000)  # Python's reader stops at 128 kB a field
    try:
        (record,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    finally:
        csv.field_size_limit(usual)
    assert record["narrative"] == narrative


def test_an_xlsx_with_nothing_cut_says_so(client, researcher, stages, make_entry):  # noqa: F811
    from openpyxl import load_workbook

    make_entry(researcher)
    client.force_login(researcher)
    workbook = load_workbook(
        io.BytesIO(_body(client.get(reverse("logbook:export"), {"format": "xlsx"})))
    )
    assert ["No cell was cut: every text is whole."] in [
        [v for v in r if v is not None] for r in workbook["notes"].values
    ]
