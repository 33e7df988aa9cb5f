"""The logbook's CSV file (logbook/csv_file.py): on PostgreSQL, written by
COPY, byte for byte the file Python's writer makes of the same entries;
lines ending in LF on every database; the rows that left, counted."""

import csv
import io
from datetime import date

import pytest

from logbook import selectors, services
from logbook.csv_file import CsvFile
from logbook.exports import COLUMNS
from logbook.models import Stage, Theme
from partners.models import Partner
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def entries_of(viewer, **filters):
    return selectors.entry_list(viewer=viewer, filters=selectors.EntryFilters(**filters))


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))


@pytest.fixture
def awkward(researcher, make_entry, stages):
    """Entries with everything a cell must clean or keep: line ends of every
    kind, control characters, what a spreadsheet would run as a formula,
    accents that sort, themes and partners by the codebook's order and by
    name, roles the model no longer knows or not in a list, empty texts,
    authors named or not (names that end in a letter a trim could take, or
    in spaces only Python calls spaces)."""
    barriers = Theme.objects.get(name="Barriers")
    Stage.objects.filter(pk=stages[1].pk).update(name="=Déploiement\r\nà l'échelle")
    themes = [
        Theme.objects.create(name=name, polarity="barrier", parent=barriers)
        for name in ("Écart", "ecart", "+Zèle", "Apport\x0b")
    ]
    partners = [Partner.objects.create(name=name) for name in ("Zoé", "@Abri", "émile", "Abri")]
    named = UserFactory(first_name="\t", last_name="-Lune ")
    unnamed = UserFactory(first_name="", last_name="", username="=whoever")
    ivanov = UserFactory(first_name="\u00a0Steve", last_name="Ivanov\u2003")
    first = make_entry(
        researcher,
        date(2025, 8, 2),
        title="-2 peers\r\ntrained",
        narrative="Line one\r\nLine two\rLine three\nPasted\x0c from\x1b a PDF \ufffe.",
        kind="barrier",
        involved=["peers", "unknown", "funders", "peers"],
        what_changed="\tindented",
        why_changed="",
        who_decided="=SUM(A1)",
    )
    first.themes.set(themes)
    first.partners.set(partners)
    second = make_entry(named, date(2025, 8, 2), title="@mention", involved={"peers": 1})
    second.themes.set(themes[1:2])
    make_entry(unnamed, date(2025, 2, 1), title="", narrative="", involved=[])
    make_entry(ivanov, date(2025, 2, 1), title="100% d'écart_", involved=["peers"])
    deleted = make_entry(researcher, date(2025, 3, 3), title="Gone")
    services.entry_delete(acting_user=researcher, entry=deleted)  # into the bin
    return first, second


@pytest.mark.postgresql_only
def test_copy_writes_the_very_file_python_writes(researcher, awkward):
    copied = CsvFile(entries_of(researcher))
    written = CsvFile(entries_of(researcher))
    copied_bytes = b"".join(copied)
    assert copied_bytes == b"".join(written._written())
    assert copied.rows == written.rows == 4
    rows = rows_of(copied_bytes)
    assert [row["title"] for row in rows] == [
        "'@mention",
        "'-2 peers\ntrained",
        "100% d'écart_",
        "",
    ]
    first = rows[1]
    assert first["narrative"] == "Line one\nLine two\nLine three\nPasted from a PDF ."
    assert first["stage"] == "'=Déploiement\nà l'échelle"
    assert first["roles_involved"] == "peers; funders; peers"
    assert first["what_changed"] == "'\tindented"
    assert first["who_decided"] == "'=SUM(A1)"
    authors = [row["author"] for row in rows]
    assert authors[0] == "'-Lune" and authors[3] == "'=whoever"
    assert authors[2] == "Steve Ivanov"  # Python's spaces trimmed, not a last letter
    assert rows[0]["roles_involved"] == ""  # a dictionary is not a list of roles


@pytest.mark.postgresql_only
@pytest.mark.parametrize(
    ("filters", "titles"),
    [
        ({"kind": "barrier"}, ["'-2 peers\ntrained"]),
        ({"q": "100% d'écart_"}, ["100% d'écart_"]),
        ({"deleted": True}, ["Gone"]),
    ],
)
def test_copy_follows_the_filters_of_the_list(researcher, awkward, filters, titles):
    entries = entries_of(researcher, **filters)
    copied = b"".join(CsvFile(entries))
    assert copied == b"".join(CsvFile(entries)._written())
    assert [row["title"] for row in rows_of(copied)] == titles


def test_the_file_starts_with_a_byte_order_mark_and_ends_its_lines_in_lf(researcher, awkward):
    data = b"".join(CsvFile(entries_of(researcher)))
    assert data.startswith("\ufeff".encode())
    assert b"\r" not in data
    header = data.decode("utf-8").lstrip("\ufeff").split("\n", 1)[0]
    assert header == ",".join(COLUMNS)


def test_a_logbook_with_nothing_to_export_is_a_header(researcher, stages):
    file = CsvFile(entries_of(researcher))
    assert rows_of(b"".join(file)) == []
    assert file.rows == 0
