"""The research export streams straight from one query: the same file as
before (``research_reference.export_rows``), its pseudonyms computed by the
database, its memory the same at ten times the rows, a fixed number of
queries, and the audit record's row count written when the stream ends,
however it ends."""

import gc
import random
import tracemalloc
from datetime import datetime, timedelta

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.choices import ConsentMethod, Decision, Purpose
from interventions.models import Activity, Encounter
from logbook import research, research_views
from logbook.exports import csv_stream
from partners.models import Partner
from peersupport import copy_out
from peersupport.models import ExportRecord
from tests.factories import ClientFactory
from tests.logbook import research_reference as reference

pytestmark = pytest.mark.django_db
HEADER = [name for name, _ in research.EXPORT_COLUMNS]


def _consent(person, coordinator, decision):
    client_services.consent_record(
        acting_user=coordinator,
        client=person,
        purpose=Purpose.RESEARCH,
        decision=decision,
        method=ConsentMethod.WRITTEN if decision == Decision.GIVEN else "",
        decided_on=timezone.localdate() - timedelta(days=2),
    )


@pytest.fixture
def programme(peer, clinician, coordinator):
    """Forty people (most consenting, some refusing or withdrawn, one merged
    away), 300 encounters at every hour of the day, activities whose names a
    spreadsheet would run or an XML file could not carry."""
    rng = random.Random(7)  # noqa: S311 (test data)
    Activity.objects.create(name_en="=HYPERLINK(1)", name_fr="=x", hifis_code="-code", position=0)
    Activity.objects.create(name_en="Tab\x0bbed", name_fr="t", hifis_code="", position=99)
    activities = list(Activity.objects.all())
    partners = [
        Partner.objects.create(name="Refuge", kind="shelter"),
        Partner.objects.create(name="Aide", kind="legal"),
    ]
    people = [ClientFactory() for _ in range(40)]
    for number, person in enumerate(people):
        if number % 7 == 3:
            _consent(person, coordinator, Decision.REFUSED)
        else:
            _consent(person, coordinator, Decision.GIVEN)
            if number % 9 == 4:
                _consent(person, coordinator, Decision.WITHDRAWN)
    start = timezone.make_aware(datetime(2025, 1, 1, 0, 30))
    for _ in range(300):
        encounter = Encounter.objects.create(
            client=rng.choice(people),
            setting=rng.choice(["street", "partner", "clinic"]),
            partner=rng.choice([None, *partners]),
            duration_minutes=rng.choice([None, 0, 15, 45]),
            situation=rng.choice(["", "shelter", "unsheltered"]),
            author=peer,
            occurred_at=start + timedelta(minutes=rng.randrange(60 * 24 * 400)),
        )
        encounter.activities.set(rng.sample(activities, rng.randint(1, 3)))
        if rng.random() < 0.4:
            encounter.participants.set([clinician])
    for _ in range(5):
        Encounter.objects.create(anonymous_count=2, setting="street", author=peer)
    client_services.client_merge(
        acting_user=coordinator, keep=people[0], merge_away=people[1], reason="Same person."
    )
    return people


def _download(client, **params):
    response = client.get(reverse("research:export"), {"format": "csv", **params})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def _as_before(viewer, dates):
    """The file as written before, its lines ending in LF as the database writes them."""
    _, rows = reference.export_rows(viewer=viewer, dates=dates)
    return "".join(csv_stream(HEADER, rows)).replace("\r\n", "\n")


@pytest.mark.parametrize("dates", ["shift", "week"])
def test_the_streamed_file_is_the_file_exported_before(client, researcher, programme, dates):
    client.force_login(researcher)
    streamed = _download(client, dates=dates)
    assert streamed == _as_before(researcher, dates)
    assert streamed.count("\n") > 200 and "\r" not in streamed
    assert "'=HYPERLINK(1)" in streamed and "'-code" in streamed and "Tabbed" in streamed


def test_pseudonyms_computed_by_the_database_follow_a_long_key(
    client, researcher, programme, settings
):
    # Keys longer than SHA-256's block are hashed first (RFC 2104).
    settings.RESEARCH_PSEUDONYM_KEY = "k" * 100
    client.force_login(researcher)
    streamed = _download(client)
    assert streamed == _as_before(researcher, "shift")
    assert research.pseudonym(programme[2].pk) in streamed


def test_the_pseudonym_key_never_enters_a_statement(client, researcher, programme, settings):
    # PostgreSQL shows a statement's text to other sessions and logs slow or
    # failed ones: neither the key nor the pads derived from it may be in it.
    settings.RESEARCH_PSEUDONYM_KEY = "a key nobody may read in a log"
    inner, outer = research._hmac_pads()
    client.force_login(researcher)
    with CaptureQueriesContext(connection) as queries:
        streamed = _download(client)
    assert research.pseudonym(programme[2].pk) in streamed
    statements = "\n".join(query["sql"] for query in queries.captured_queries)
    assert "encounter" in statements  # the export's query was captured
    for secret in (settings.RESEARCH_PSEUDONYM_KEY, inner.hex(), outer.hex()):
        assert secret not in statements


def _encounters(peer, person, count):
    """``count`` encounters of one person with research consent, in bulk."""
    activity = Activity.objects.first()
    when = timezone.make_aware(datetime(2025, 3, 1, 10))
    made = Encounter.objects.bulk_create(
        Encounter(client=person, setting="street", author=peer, occurred_at=when)
        for _ in range(count)
    )
    Encounter.activities.through.objects.bulk_create(
        Encounter.activities.through(encounter_id=e.pk, activity_id=activity.pk) for e in made
    )


def _peak_while_streaming(client):
    response = client.get(reverse("research:export"), {"format": "csv"})
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    sent = sum(len(chunk) for chunk in response.streaming_content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return sent, peak


def test_the_export_holds_no_more_at_ten_times_the_rows(
    client, researcher, peer, coordinator, monkeypatch
):
    monkeypatch.setattr(research, "EXPORT_CHUNK", 100)
    monkeypatch.setattr(copy_out, "PIECE", 4096)
    people = [ClientFactory() for _ in range(2)]
    for person in people:
        _consent(person, coordinator, Decision.GIVEN)
    client.force_login(researcher)
    # Both sizes past a batch of the CSV writer (1000 rows) and a chunk of the
    # cursor (SQLite), or the pieces the COPY may hold ahead (PostgreSQL).
    _encounters(peer, people[0], 1500)
    small_sent, small_peak = _peak_while_streaming(client)
    _encounters(peer, people[1], 13500)
    large_sent, large_peak = _peak_while_streaming(client)
    assert large_sent > 9 * small_sent
    # What grows with the rows would be ten times larger; the rest (a chunk of
    # rows, a batch of CSV, the query machinery) is the same at both sizes.
    assert large_peak < 1.25 * small_peak, (small_peak, large_peak)


def test_the_export_takes_the_same_queries_at_ten_times_the_rows(
    client, researcher, peer, coordinator, monkeypatch
):
    monkeypatch.setattr(research, "EXPORT_CHUNK", 100)
    person = ClientFactory()
    _consent(person, coordinator, Decision.GIVEN)
    client.force_login(researcher)
    counts = []
    for size in (50, 450):
        _encounters(peer, person, size)
        with CaptureQueriesContext(connection) as queries:
            _download(client)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# The audit record: written before the first row leaves, counted when the stream ends.


def test_the_record_is_written_before_any_row_leaves(client, researcher, programme):
    client.force_login(researcher)
    response = client.get(reverse("research:export"), {"format": "csv"})
    record = ExportRecord.objects.get()
    assert (record.user, record.dataset, record.row_count) == (researcher, "research_encounters", 0)
    text = b"".join(response.streaming_content).decode("utf-8")
    record.refresh_from_db()
    assert record.row_count == text.count("\n") - 1 > 200


def test_an_interrupted_download_is_recorded_with_the_rows_that_left(
    rf, researcher, peer, coordinator
):
    person = ClientFactory()
    _consent(person, coordinator, Decision.GIVEN)
    _encounters(peer, person, 3500)
    request = rf.get(reverse("research:export"), {"format": "csv"})
    request.user = researcher
    response = research_views.export(request)
    chunks = iter(response.streaming_content)
    received = next(chunks) + next(chunks)  # the header and a first batch, then the client goes
    # What a WSGI server does then: close the response (the test keeps its
    # database connection, which the end of a real request would close).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    record = ExportRecord.objects.get()
    rows = received.count(b"\n") - 1
    assert 0 < rows <= record.row_count < 3500
    # Rows handed to the CSV writer but not yet sent: at most the batch it was filling.
    assert record.row_count - rows <= 1000


def test_the_trail_says_who_exported_and_how_many_rows_left(client, researcher, programme):
    from peersupport.audit import history_of, readable_entries

    client.force_login(researcher)
    text = _download(client, dates="week")
    record = ExportRecord.objects.get()
    entries = list(history_of(record))
    assert {entry.actor for entry in entries} == {researcher}
    lines = [line for item in readable_entries(entries) for line in item.lines]
    assert any(str(text.count("\n") - 1) in line for line in lines), lines


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_export_plans_for_reading_every_row_in_its_own_transaction_only(researcher):
    """Inside the export's transaction: no JIT, hash joins rather than nested
    loops, the sort in memory; outside it (the export's transaction is the
    request's own, not a test's), the server's own settings."""

    def settings():
        with connection.cursor() as cursor:
            found = []
            for name in ("jit", "enable_nestloop", "work_mem"):
                cursor.execute(f"SHOW {name}")
                found.append(cursor.fetchone()[0])
            return found

    before = settings()
    during = []
    original = research._planner_for_this_transaction

    def noting(connection):  # the COPY runs right after, in the same transaction
        original(connection)
        during.extend(settings())

    research._planner_for_this_transaction = noting
    try:
        b"".join(research.ExportFile(viewer=researcher, dates="shift"))
    finally:
        research._planner_for_this_transaction = original
    assert during == ["off", "off", research.EXPORT_WORK_MEM]
    assert settings() == before
