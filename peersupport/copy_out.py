"""An export's rows straight from PostgreSQL's ``COPY … TO STDOUT``, as they come.

``COPY (query) TO STDOUT WITH (FORMAT csv)`` has the server write the CSV
itself: the fastest way out of the database, with no Python object per row.
psycopg2 writes a COPY's rows into a file object and returns only when the
COPY has ended; so the COPY runs in a thread of its own, on the
request's own connection (inside its transaction), and passes the file on
in pieces through a short queue while this thread sends them. The queue
holds at most ``HELD`` pieces of about ``PIECE`` bytes: a download that
goes slowly slows the COPY down, and memory does not grow with the rows.

A download given up half-way cancels the COPY (libpq's cancel request, which
is what it is for) and waits for the thread to end before the transaction
does.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import transaction

PIECE = 64 * 1024  # bytes
HELD = 4  # pieces

_END = object()


class _Pieces:
    """The file object psycopg2 writes the COPY into, one row at a time; each
    piece goes into the queue with the number of rows it holds."""

    def __init__(self, stop: threading.Event) -> None:
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=HELD)
        self.stop = stop
        self._buffer: list[bytes] = []
        self._size = 0

    def write(self, row: bytes) -> None:
        self._buffer.append(row)
        self._size += len(row)
        if self._size >= PIECE:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            piece = (b"".join(self._buffer), len(self._buffer))
            self._buffer, self._size = [], 0
            self.put(piece)

    def put(self, item: Any) -> None:
        """Into the queue, unless the download was given up."""
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue


class CopyOut:
    """``COPY (query) TO STDOUT WITH (FORMAT csv)`` as an iterator of bytes.

    Iterate it inside the transaction the query needs; ``rows`` says how many
    rows have been handed on so far (all of them once the iteration ends)."""

    def __init__(self, connection: Any, query: str, params: list[Any] | tuple[Any, ...]) -> None:
        self.connection = connection
        self.query = query
        self.params = params
        self.rows = 0

    def __iter__(self) -> Iterator[bytes]:
        self.connection.ensure_connection()
        raw = self.connection.connection
        with self.connection.cursor() as cursor:
            statement = "COPY (%s) TO STDOUT WITH (FORMAT csv)" % (  # noqa: UP031 (SQL, not a message)
                cursor.mogrify(self.query, self.params).decode()
            )
        stop = threading.Event()
        pieces = _Pieces(stop)
        started = time.monotonic()

        def copy() -> None:
            try:
                with raw.cursor() as cursor:
                    cursor.copy_expert(statement, pieces, size=PIECE)
                pieces.flush()
                pieces.put(_END)
            except BaseException as error:  # handed to the thread that sends the file
                pieces.put(error)

        thread = threading.Thread(target=copy, name="copy out", daemon=True)
        thread.start()
        try:
            while True:
                piece = pieces.queue.get()
                if piece is _END:
                    break
                if isinstance(piece, BaseException):
                    raise piece
                text, rows = piece
                self.rows += rows
                yield text
        finally:
            if thread.is_alive():  # given up half-way: the COPY stops now
                stop.set()
                raw.cancel()
                thread.join()
            if self.connection.queries_logged:
                # As Django's own cursor would: the statement counts among the request's queries.
                self.connection.queries_log.append(
                    {"sql": statement, "time": f"{time.monotonic() - started:.3f}"}
                )


def copied(
    prepare: Callable[[Any], tuple[str, Sequence[Any]]], done: Callable[[int], None]
) -> Iterator[bytes]:
    """The rows of the query ``prepare(connection)`` gives, copied out in a
    transaction of their own (``prepare`` may set what that transaction
    needs first, ``SET LOCAL``); ``done(rows)`` with the rows handed on, once
    the iteration ends, however it ends. A download cut short stops the COPY
    before its transaction ends."""
    with transaction.atomic():
        connection = transaction.get_connection()
        copy = CopyOut(connection, *prepare(connection))
        pieces = iter(copy)
        try:
            yield from pieces
        finally:
            pieces.close()  # type: ignore[attr-defined]  # a generator
            done(copy.rows)
