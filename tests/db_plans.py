"""PostgreSQL's plan for a query, as the tests about indexes read it."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def explain(sql: str, params: Sequence[Any] | None = None, *, dear: Iterable[str] = ()) -> str:
    """``EXPLAIN`` of ``sql`` in the test's transaction. ``dear``: planner
    methods turned off for it (``"seqscan"`` sets ``enable_seqscan = off``),
    so that a test's small tables are planned as a large database's would be."""
    with connection.cursor() as cursor:
        for method in dear:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
