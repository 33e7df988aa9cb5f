"""COPY straight out (peersupport/copy_out.py): every row, counted, in
pieces; an error in the query reaches the one reading; a reading given up
half-way stops the COPY, and the connection goes on as before."""

import threading

import psycopg2.errors
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from peersupport.copy_out import PIECE, CopyOut

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db]

SERIES = "SELECT n, repeat('x', 50) FROM generate_series(1, %s) AS n"


def copied(query, params):
    """As an export reads it: inside a transaction of its own."""
    copy = CopyOut(connection, query, params)
    with transaction.atomic():
        yield from copy
    yield copy.rows


def copy_threads():
    return [thread for thread in threading.enumerate() if thread.name == "copy out"]


def test_every_row_comes_out_as_csv_in_pieces_and_is_counted():
    *pieces, rows = copied(SERIES, [20_000])
    assert rows == 20_000
    assert len(pieces) > 1 and all(len(piece) < 2 * PIECE for piece in pieces)
    lines = b"".join(pieces).decode().splitlines()
    assert len(lines) == 20_000
    assert lines[0] == "1," + "x" * 50 and lines[-1] == "20000," + "x" * 50


def test_the_statement_is_among_the_queries_of_the_request():
    with CaptureQueriesContext(connection) as queries:
        list(copied(SERIES, [10]))
    assert any(query["sql"].startswith("COPY (SELECT n") for query in queries.captured_queries)


def test_an_error_of_the_query_reaches_the_reader():
    with pytest.raises(psycopg2.errors.DivisionByZero):
        list(copied("SELECT 1 / 0", []))
    assert not copy_threads()


def test_a_reading_given_up_half_way_stops_the_copy_and_the_connection_goes_on():
    pieces = copied(SERIES, [20_000_000])  # a gigabyte, were it all read
    next(pieces)
    assert copy_threads()  # still copying, a few pieces ahead
    pieces.close()
    assert not copy_threads()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
