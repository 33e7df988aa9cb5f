"""The logbook's search reads trigram indexes on PostgreSQL (migration
logbook/0006), so a search in 20,000 narratives does not read them all."""

import pytest
from django.db import connection

from logbook import selectors
from logbook.selectors import EntryFilters

pytestmark = pytest.mark.django_db

INDEXES = {"logbook_entry_title_trgm", "logbook_entry_narrative_trgm"}


def _index_names():
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "logbook_entry"))


def _plan_without_scans(queryset):
    """The plan when reading the whole table, or walking an index in the list's
    order, is made too dear: a bitmap over an index that matches the search's
    expression is then chosen, and one that does not match cannot be."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        # The matrix's index (0007) holds every entry not in the bin: a bitmap
        # over it is the cheapest way to every row of a tiny table. Out of the
        # way for this transaction only (the test's, rolled back after it).
        cursor.execute("DROP INDEX logbook_entry_state")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_search_indexes_exist_on_postgresql_only():
    present = INDEXES & _index_names()
    assert present == (INDEXES if connection.vendor == "postgresql" else set())


def test_a_search_finds_a_word_inside_a_title_or_a_narrative(researcher, make_entry):
    make_entry(researcher, title="Housing fair", narrative="Nothing else")
    make_entry(researcher, title="Meeting", narrative="Talked about HOUSING waits")
    make_entry(researcher, title="Court", narrative="A hearing")
    found = selectors.entry_list(viewer=researcher, filters=EntryFilters(q="housing"))
    assert sorted(entry.title for entry in found) == ["Housing fair", "Meeting"]


@pytest.mark.postgresql_only
def test_a_search_reads_both_trigram_indexes(researcher, make_entry):
    make_entry(researcher, title="Housing fair")
    plan = _plan_without_scans(
        selectors.entry_list(viewer=researcher, filters=EntryFilters(q="housing"))
    )
    assert "logbook_entry_title_trgm" in plan
    assert "logbook_entry_narrative_trgm" in plan


@pytest.mark.postgresql_only
def test_the_matrix_asks_whether_the_entries_changed_of_an_index_alone(
    researcher, make_entry, stages
):
    """Migration logbook/0007: the entries not in the bin, by latest change and
    number, the matrix's test of whether its kept counts still hold."""
    from django.test.utils import CaptureQueriesContext

    make_entry(researcher)
    with CaptureQueriesContext(connection) as queries:
        selectors.theme_matrix(viewer=researcher)
    (state,) = [
        query["sql"]
        for query in queries.captured_queries
        if 'MAX("logbook_entry"."updated_at")' in query["sql"]
    ]
    with connection.cursor() as cursor:
        # Reading the table, or the index then the table, made too dear: what
        # is left is the index alone, if it holds all the query asks for (the
        # server's choice between them follows how much of the table was
        # vacuumed since it last changed, which a test does not control).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + state)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using logbook_entry_state" in plan
