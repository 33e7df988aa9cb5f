"""Rows read from the database as an export writes them out.

On PostgreSQL ``QuerySet.iterator()`` reads through a server-side cursor.
Outside a transaction Django declares it WITH HOLD, and PostgreSQL then
computes the whole result (narratives included) before the first row comes
back; inside one the rows come as they are found. So the rows are read in a
transaction of their own, which ends (and closes the cursor) when the reading
ends, however it ends: finished, or a download given up half-way.
"""

from collections.abc import Generator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet


def streamed_rows(rows: QuerySet[Any], *, chunk_size: int) -> Generator[Any, None, None]:
    """``rows`` one at a time, ``chunk_size`` fetched at a time. Inside a
    transaction already (a test, or a caller that prepared something for the
    query) it reads in that one, without a savepoint."""
    with transaction.atomic(savepoint=False):
        yield from rows.iterator(chunk_size=chunk_size)
