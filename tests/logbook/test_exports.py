import csv
import gc
import io
import json
import tracemalloc
import uuid
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from logbook import exports
from logbook.models import Entry, Theme
from peersupport.models import ExportRecord
from tests.db_snapshot import snapshot

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[2] / "logbook" / "refi_qda" / "Project-mrt2019.xsd"


@pytest.fixture
def coded(researcher, make_entry, stages):
    funding = Theme.objects.get(name="Uncertain funding")
    training = Theme.objects.get(name="Training and room to grow")
    first = make_entry(
        researcher,
        date(2025, 2, 1),
        title="Budget cut announced",
        narrative="Réunion difficile à l’hôpital.\r\nLe financement s’arrête.",
        kind="barrier",
    )
    first.themes.set([funding])
    second = make_entry(
        researcher,
        date(2025, 8, 1),
        title='=HYPERLINK("http://x")',
        narrative="-2 peers trained",
        kind="facilitator",
    )
    second.themes.set([training, funding])
    return first, second


def _get(client, fmt, **params):
    response = client.get(reverse("logbook:export"), {"format": fmt, **params})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_csv_keeps_accents_and_neutralises_formulas(client, researcher, coded):
    client.force_login(researcher)
    response, body = _get(client, "csv")
    assert response.streaming
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    by_kind = {row["kind"]: row for row in rows}
    assert (
        by_kind["barrier"]["narrative"]
        == "Réunion difficile à l’hôpital.\nLe financement s’arrête."
    )
    assert by_kind["barrier"]["stage"] == "Preparation"
    assert by_kind["facilitator"]["title"] == '\'=HYPERLINK("http://x")'
    assert by_kind["facilitator"]["narrative"] == "'-2 peers trained"


def test_filters_apply_to_exports(client, researcher, coded):
    client.force_login(researcher)
    _, body = _get(client, "csv", kind="barrier")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))
    assert [row["title"] for row in rows] == ["Budget cut announced"]


def test_the_author_filter_applies_to_exports(client, researcher, peer, coded, make_entry):
    make_entry(peer, title="Peer wrote this")
    client.force_login(researcher)
    _, body = _get(client, "csv", author=peer.pk)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))
    assert [row["title"] for row in rows] == ["Peer wrote this"]


def test_xlsx_parses_back_with_a_column_per_theme_and_the_codebook(client, researcher, coded):
    from openpyxl import load_workbook

    client.force_login(researcher)
    _, body = _get(client, "xlsx")
    workbook = load_workbook(io.BytesIO(body))
    header, *rows = list(workbook["entries"].values)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    budget = next(r for r in records if r["title"] == "Budget cut announced")
    assert budget["theme: Uncertain funding"] == 1
    assert budget["theme: Training and room to grow"] is None
    assert next(r for r in records if r["kind"] == "facilitator")["title"].startswith("'=")
    codebook = list(workbook["codebook"].values)
    assert len(codebook) == 1 + Theme.objects.count()


def test_json_parses_back_to_the_same_entries(client, researcher, coded):
    client.force_login(researcher)
    _, body = _get(client, "json")
    data = json.loads(body)
    assert {e["title"] for e in data["entries"]} == {e.title for e in coded}
    budget = next(e for e in data["entries"] if e["title"] == "Budget cut announced")
    assert (budget["stage"], budget["themes"]) == ("Preparation", ["Uncertain funding"])
    assert {t["name"] for t in data["codebook"]} >= {"Uncertain funding", "Barriers"}


def test_qdpx_validates_against_the_refi_qda_schema(client, researcher, coded):
    from lxml import etree

    client.force_login(researcher)
    _, body = _get(client, "qdpx")
    archive = zipfile.ZipFile(io.BytesIO(body))
    project = archive.read("project.qde")
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(project)
    assert schema.validate(document), schema.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    for element in document.iter():
        for attribute in ("guid", "targetGUID"):
            if attribute in element.attrib:
                uuid.UUID(element.attrib[attribute])  # every GUID is a UUID
    barriers = document.find(".//q:Code[@name='Barriers']", ns)
    assert barriers.find("q:Code[@name='Uncertain funding']", ns) is not None  # hierarchy kept
    budget = Entry.objects.get(title="Budget cut announced")
    name = f"2025-02-01 · #{budget.pk} · Budget cut announced"
    source = document.find(f".//q:TextSource[@name='{name}']", ns)
    path = source.attrib["plainTextPath"].removeprefix("internal://")
    text = archive.read(f"sources/{path}").decode("utf-8")
    assert "\r" not in text and text.startswith("Budget cut announced\n\n")
    selection = source.find("q:PlainTextSelection", ns)
    assert (selection.attrib["startPosition"], selection.attrib["endPosition"]) == (
        "0",
        str(len(text)),
    )
    case = document.find(f".//q:Case[@name='{name}']", ns)
    values = [v.text for v in case.iter(f"{{{ns['q']}}}TextValue")]
    assert values == ["Preparation", "barrier", "logbook"]
    assert case.find(".//q:DateValue", ns).text == "2025-02-01"


@pytest.mark.parametrize("persona", ["peer", "clinician", "outsider"])
def test_only_researchers_and_coordinators_export(client, request, coded, persona):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    for fmt in ("csv", "xlsx", "json", "qdpx"):
        assert client.get(reverse("logbook:export"), {"format": fmt}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["researcher", "coordinator"])
def test_every_export_is_recorded_with_who_filters_and_rows(client, request, coded, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    _get(client, "json", kind="barrier", q="budget")
    record = ExportRecord.objects.get()
    assert (record.user, record.dataset, record.format, record.row_count) == (
        user,
        "logbook",
        "json",
        1,
    )
    assert record.filters == {"kind": "barrier", "q": "budget"}


def test_a_csv_export_is_recorded_before_it_leaves_with_its_rows_once_sent(
    client, researcher, coded
):
    client.force_login(researcher)
    response = client.get(reverse("logbook:export"), {"format": "csv", "kind": "barrier"})
    record = ExportRecord.objects.get()  # before a byte has left
    assert (record.format, record.row_count) == ("csv", 0)
    b"".join(response.streaming_content)
    record.refresh_from_db()
    assert (record.user, record.row_count, record.filters) == (researcher, 1, {"kind": "barrier"})


def test_the_command_exports_through_the_same_policy(tmp_path, researcher, peer, coded):
    output = tmp_path / "logbook.csv"
    call_command(
        "export_logbook",
        "--format",
        "csv",
        "--output",
        str(output),
        "--as",
        "researcher",
        "--kind",
        "facilitator",
    )
    rows = list(csv.DictReader(io.StringIO(output.read_text("utf-8").lstrip("\ufeff"))))
    assert len(rows) == 1 and ExportRecord.objects.get().user == researcher
    with pytest.raises(CommandError):
        call_command("export_logbook", "--format", "csv", "--output", str(output), "--as", "peer")


def test_a_large_export_streams_with_flat_memory(client, researcher, stages, monkeypatch):
    """What the export holds does not grow with the rows already sent: one
    chunk of entries at a time (500 here, so that 6,000 take twelve) in
    Python, a few pieces of COPY's output on PostgreSQL."""
    monkeypatch.setattr(exports, "CHUNK", 500)
    client.force_login(researcher)
    Entry.objects.bulk_create(
        Entry(
            author=researcher,
            occurred_on=date(2025, 3, 1),
            kind="observation",
            source="logbook",
            title=f"Entry {i}",
            narrative="x" * 400,
        )
        for i in range(6000)
    )
    row = 420  # bytes, about, of one entry in either format

    def read(chunks, sent, up_to):
        while sent < up_to * row:
            sent += len(next(chunks))
        return sent

    for fmt in ("csv", "json"):
        response = client.get(reverse("logbook:export"), {"format": fmt})
        chunks = iter(response.streaming_content)
        sent = len(next(chunks))  # the first bytes leave before the rest is read
        tracemalloc.start()
        sent = read(chunks, sent, 2000)
        gc.collect()  # model instances hold reference cycles; count what is really kept
        early = tracemalloc.get_traced_memory()[0]
        sent = read(chunks, sent, 5000)
        gc.collect()
        late = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        sent += sum(len(chunk) for chunk in chunks)
        assert sent > 6000 * 400
        # 3000 more rows (about 1.3 MB of output) went out between the two readings.
        assert late - early < 512 * 1024, (fmt, early, late)


def test_control_characters_do_not_break_xlsx_or_qdpx(client, researcher, make_entry, stages):
    from lxml import etree
    from openpyxl import load_workbook

    make_entry(researcher, title="Pasted\x0cfrom a PDF", narrative="line\x0bbreak\x1b")
    client.force_login(researcher)
    _, body = _get(client, "xlsx")
    titles = [row[5] for row in load_workbook(io.BytesIO(body))["entries"].values][1:]
    assert titles == ["Pastedfrom a PDF"]
    _, body = _get(client, "qdpx")
    etree.fromstring(zipfile.ZipFile(io.BytesIO(body)).read("project.qde"))


def test_xlsx_theme_columns_follow_the_theme_not_its_name(client, researcher, make_entry, stages):
    from openpyxl import load_workbook

    barriers, facilitators = (
        Theme.objects.get(name="Barriers"),
        Theme.objects.get(name="Facilitators"),
    )
    other_b = Theme.objects.create(name="Other", polarity="barrier", parent=barriers)
    Theme.objects.create(name="Other", polarity="facilitator", parent=facilitators)
    make_entry(researcher).themes.set([other_b])
    client.force_login(researcher)
    _, body = _get(client, "xlsx")
    header, row = list(load_workbook(io.BytesIO(body))["entries"].values)
    marks = [value for name, value in zip(header, row, strict=True) if name == "theme: Other"]
    assert sorted(marks, key=lambda v: v is None) == [1, None]


def test_an_invalid_filter_refuses_the_export_instead_of_exporting_everything(
    client, researcher, coded
):
    client.force_login(researcher)
    response = client.get(reverse("logbook:export"), {"format": "csv", "since": "garbage"})
    assert response.status_code == 400
    assert "since" in response.content.decode()
    assert not ExportRecord.objects.exists()


def test_a_parent_theme_filter_exports_the_entries_coded_below_it(client, researcher, coded):
    client.force_login(researcher)
    barriers = Theme.objects.get(name="Barriers")
    _, body = _get(client, "csv", theme=barriers.pk)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))
    assert sorted(row["id"] for row in rows) == sorted(str(entry.pk) for entry in coded)


def _read_qdpx_back(client, **params):
    """The project file as QDA programs read it: by element, name and GUID."""
    from lxml import etree

    _, body = _get(client, "qdpx", **params)
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(body)).read("project.qde"))


Q = "{urn:QDA-XML:project:1.0}"


def test_qdpx_names_every_source_and_case_uniquely_even_when_titles_repeat(
    client, researcher, make_entry, stages
):
    for day in (1, 1, 2):
        make_entry(researcher, date(2025, 3, day), title="Team meeting")
    client.force_login(researcher)
    document = _read_qdpx_back(client)
    sources = [s.get("name") for s in document.iter(f"{Q}TextSource")]
    cases = [c.get("name") for c in document.iter(f"{Q}Case")]
    assert len(sources) == len(set(sources)) == 3
    assert len(cases) == len(set(cases)) == 3
    first = Entry.objects.order_by("pk").first()
    assert f"2025-03-01 · #{first.pk} · Team meeting" in sources


def test_qdpx_text_sources_carry_stage_kind_source_and_date_as_document_variables(
    client, researcher, coded
):
    client.force_login(researcher)
    document = _read_qdpx_back(client)
    variables = {v.get("guid"): v.get("name") for v in document.iter(f"{Q}Variable")}
    budget = coded[0]
    for source in document.iter(f"{Q}TextSource"):
        values = {}
        for value in source.findall(f"{Q}VariableValue"):
            name = variables[value.find(f"{Q}VariableRef").get("targetGUID")]
            values[name] = value[1].text  # a TextValue or a DateValue, after its VariableRef
        assert set(values) == {"stage", "kind", "source", "date"}, source.get("name")
        if f"#{budget.pk} " in source.get("name"):
            assert values == {
                "stage": "Preparation",
                "kind": "barrier",
                "source": "logbook",
                "date": "2025-02-01",
            }


def test_every_qdpx_coding_names_the_user_who_coded_it(client, researcher, peer, make_entry):
    from logbook import services

    entry = make_entry(peer, title="Written by a peer")
    services.entry_save(
        acting_user=researcher,
        entry=entry,
        data={},
        themes=[Theme.objects.get(name="Uncertain funding")],
    )
    make_entry(researcher, title="Coded outside any request").themes.set(
        [Theme.objects.get(name="Working in silos")]
    )
    client.force_login(researcher)
    document = _read_qdpx_back(client)
    users = {u.get("guid"): u.get("name") for u in document.iter(f"{Q}User")}
    codings = list(document.iter(f"{Q}Coding"))
    selections = list(document.iter(f"{Q}PlainTextSelection"))
    assert len(codings) == 2 and len(selections) == 2
    for element in codings + selections:
        assert element.get("creatingUser") in users
    peer_source = next(
        s for s in document.iter(f"{Q}TextSource") if s.get("name").endswith("Written by a peer")
    )
    assert users[peer_source.get("creatingUser")] == str(peer)  # who wrote it
    coding = peer_source.find(f".//{Q}Coding")
    assert users[coding.get("creatingUser")] == str(researcher)  # who coded it


def test_a_qdpx_export_of_the_bin_still_names_who_coded_each_entry(
    client, researcher, peer, make_entry
):
    from logbook import services

    entry = make_entry(peer, title="Binned after coding")
    services.entry_save(
        acting_user=researcher,
        entry=entry,
        data={},
        themes=[Theme.objects.get(name="Uncertain funding")],
    )
    services.entry_delete(acting_user=researcher, entry=entry)
    client.force_login(researcher)
    document = _read_qdpx_back(client, deleted="1")
    users = {u.get("guid"): u.get("name") for u in document.iter(f"{Q}User")}
    (source,) = document.iter(f"{Q}TextSource")
    assert users[source.get("creatingUser")] == str(peer)
    assert users[source.find(f".//{Q}Coding").get("creatingUser")] == str(researcher)


def test_qdpx_marks_a_theme_that_only_groups_others_as_not_codable(client, researcher, coded):
    client.force_login(researcher)
    document = _read_qdpx_back(client)
    codes = {c.get("name"): c.get("isCodable") for c in document.iter(f"{Q}Code")}
    assert codes["Barriers"] == codes["Facilitators"] == "false"
    assert codes["Uncertain funding"] == "true"
    coded_guids = {r.get("targetGUID") for r in document.iter(f"{Q}CodeRef")}
    codable = {c.get("guid") for c in document.iter(f"{Q}Code") if c.get("isCodable") == "true"}
    assert coded_guids <= codable


def _bulk_entries(author, count):
    themes = list(Theme.objects.all()[:3])
    made = Entry.objects.bulk_create(
        Entry(
            author=author,
            occurred_on=date(2025, 3, 1),
            kind="observation",
            source="logbook",
            title=f"Entry {n}",
            narrative="x" * 400,
        )
        for n in range(count)
    )
    Entry.themes.through.objects.bulk_create(
        Entry.themes.through(entry_id=entry.pk, theme_id=theme.pk)
        for entry in made
        for theme in themes
    )


def _peak_while_writing(researcher, fmt):
    import tempfile

    from logbook import exports_http, selectors

    filters = selectors.EntryFilters()
    entries, codebook = exports_http.prepare(viewer=researcher, filters=filters, fmt=fmt)
    with tempfile.TemporaryFile() as out:
        gc.collect()
        tracemalloc.start()
        exports_http.write(
            out, viewer=researcher, entries=entries, codebook=codebook, filters=filters, fmt=fmt
        )
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        size = out.tell()
    return size, peak


@pytest.mark.parametrize("fmt", ["xlsx", "qdpx"])
def test_zip_formats_hold_no_more_at_ten_times_the_entries(researcher, stages, fmt, monkeypatch):
    """Entries are read a chunk at a time and written out as they come: what
    the writer holds at 6,000 entries is what it holds at 600 (a chunk of
    entries, a row, the codebook). Chunks of 500 here, so that both sizes
    take several."""
    monkeypatch.setattr(exports, "CHUNK", 500)
    _peak_while_writing(researcher, fmt)  # libraries imported, caches filled
    _bulk_entries(researcher, 600)
    small_size, small_peak = _peak_while_writing(researcher, fmt)
    _bulk_entries(researcher, 5400)
    large_size, large_peak = _peak_while_writing(researcher, fmt)
    assert large_size > 8 * small_size
    assert large_peak < 1.25 * small_peak, (small_peak, large_peak)


def test_a_qdpx_of_many_chunks_names_every_source_once_and_validates(client, researcher, stages):
    from lxml import etree

    _bulk_entries(researcher, 1200)  # more than two chunks of entries
    client.force_login(researcher)
    _, body = _get(client, "qdpx")
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    document = etree.fromstring(archive.read("project.qde"))
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(document)
    paths = [s.get("plainTextPath") for s in document.iter(f"{Q}TextSource")]
    assert len(paths) == len(set(paths)) == 1200
    assert {f"sources/{p.removeprefix('internal://')}" for p in paths} == {
        name for name in archive.namelist() if name.startswith("sources/")
    }
    assert len(list(document.iter(f"{Q}Coding"))) == 1200 * 3
