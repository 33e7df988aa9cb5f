"""Exports against PostgreSQL's own ``COPY``: rows a second, and the server's memory.

Each export is downloaded from gunicorn (one worker, restarted before each
download so that no earlier request has grown it; see ``server.Server``)
while the worker's resident memory is read from /proc: its peak during the
download (the kernel's high-water mark ``VmHWM``, reset just before, and
samples of ``VmRSS`` every few milliseconds), less what it held just before.

The yardstick is ``COPY (SELECT ...) TO STDOUT WITH CSV`` through psycopg2's
``copy_expert`` of the same rows: the queryset the export's policy or
selector gives the same account, every column of its table, compiled by
Django to SQL. The export's rows are counted in its file (CSV) or are those
rows (XLSX, QDPX: one entry each).
"""

import contextlib
import csv
import gzip
import http.client
import io
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from . import stats


def rows_queryset(rows: str, username: str) -> Any:
    """The rows an export writes for ``username``, as its own code selects them."""
    from peersupport.models import User

    viewer = User.objects.get(username=username)
    if rows == "research":
        from interventions.access import encounter_research_policy

        action = encounter_research_policy.Action.EXPORT_ROWS
        return encounter_research_policy.visible_to(viewer, action)
    if rows == "logbook":
        from logbook import selectors

        return selectors.entry_list(viewer=viewer)
    raise ValueError(rows)


def copy_statement(queryset: Any) -> str:
    """``COPY (the queryset, every column of its table) TO STDOUT WITH CSV``."""
    from django.db import connection

    columns = [field.attname for field in queryset.model._meta.concrete_fields]
    sql, params = queryset.order_by().values(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        select = cursor.cursor.mogrify(sql, params).decode()
    return f"COPY ({select}) TO STDOUT WITH CSV"


def copy_rows(rows: str, username: str, repeats: int) -> dict:
    """Median time of ``repeats`` COPYs of an export's rows, and how many rows."""
    from django.db import connection

    statement = copy_statement(rows_queryset(rows, username))
    times = []
    counted = 0
    for number in range(repeats):
        with tempfile.TemporaryFile() as sink, connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.cursor.copy_expert(statement, sink)
            times.append(time.perf_counter() - started)
            if number == 0:
                sink.seek(0)
                counted = count_csv_rows(sink)
    return {"rows": counted, "seconds": stats.median(times), "statement": statement}


def count_csv_rows(binary: Any, *, header: bool = False) -> int:
    """Records in a CSV file (a quoted cell may hold line breaks)."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        total = sum(1 for _ in csv.reader(text))
    finally:
        text.detach()
    return total - 1 if header and total else total


# The worker's memory, from /proc.


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (kB) of a process."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def reset_peak(pid: int) -> bool:
    """Start the kernel's high-water mark again from now (clear_refs "5")."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class PeakMemory:
    """The largest resident memory of ``pid`` from ``start()`` to ``stop()``, in kB."""

    INTERVAL = 0.005

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self) -> int:
        """Begin; returns the memory held now (the baseline)."""
        self.high_water = reset_peak(self.pid)
        baseline = memory_kb(self.pid)["VmRSS"]
        self.peak = baseline
        self._thread.start()
        return baseline

    def _sample(self) -> None:
        while not self._done.wait(self.INTERVAL):
            try:
                self.peak = max(self.peak, memory_kb(self.pid)["VmRSS"])
            except (OSError, KeyError):
                return

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        if self.high_water:
            # A worker stopped by its time-out has no memory left to read.
            with contextlib.suppress(OSError, KeyError):
                self.peak = max(self.peak, memory_kb(self.pid)["VmHWM"])
        return self.peak


def download_export(
    server: Any, cookies: dict[str, str], path: str, folder: Path, *, csv_file: bool
) -> dict:
    """One export from a fresh worker: seconds to the last byte, bytes, the
    worker's memory growth (MB) and, for a CSV file, its data rows."""
    from .server import Answer, Browser

    pid = server.fresh_worker()
    browser = Browser(server.port, cookies, timeout=server.timeout + 60)
    # Modules, templates and the database connection, as any worker has them after its first pages.
    for warm in ("/bench/probe/", "/logbook/"):
        browser.get(warm)
    memory = PeakMemory(pid)
    baseline = memory.start()
    target = folder / "export.download"
    started = time.perf_counter()
    try:
        with target.open("wb") as sink:
            answer = browser.get(path, sink=sink)
    except (OSError, http.client.HTTPException):
        # No answer at all: the worker was stopped (its time-out) before the first byte.
        answer = Answer(0, {}, b"", time.perf_counter() - started, complete=False)
    finally:
        peak = memory.stop()
    result = {
        "seconds": answer.seconds,
        "status": answer.status,
        "complete": answer.complete,
        "bytes": target.stat().st_size,
        "baseline_mb": baseline / 1024,
        "peak_mb": (peak - baseline) / 1024,
        "peak_source": "VmHWM and VmRSS samples" if memory.high_water else "VmRSS samples",
    }
    encoding = answer.headers.get("Content-Encoding", "")
    if csv_file and answer.status == 200 and encoding in ("", "gzip"):
        with gzip.open(target) if encoding == "gzip" else target.open("rb") as written:
            result["rows"] = count_csv_rows(written, header=True)
    target.unlink()
    return result


def summarize_downloads(downloads: list[dict], copy: dict) -> dict:
    """An export at one size: median time, rows a second against COPY's, largest memory growth."""
    seconds = stats.median([download["seconds"] for download in downloads])
    rows = copy["rows"]
    counted = [download["rows"] for download in downloads if "rows" in download]
    return {
        "n": len(downloads),
        "rows": rows,
        "file_rows": counted[0] if counted else None,
        "seconds": seconds,
        "max_seconds": max(download["seconds"] for download in downloads),
        "rows_per_second": rows / seconds if seconds else 0.0,
        "copy_seconds": copy["seconds"],
        "copy_rows_per_second": rows / copy["seconds"] if copy["seconds"] else 0.0,
        "peak_mb": max(download["peak_mb"] for download in downloads),
        "baseline_mb": stats.median([download["baseline_mb"] for download in downloads]),
        "bytes": max(download["bytes"] for download in downloads),
        "statuses": sorted({str(download["status"]) for download in downloads}),
        "complete": all(download["complete"] for download in downloads),
        "peak_source": downloads[0]["peak_source"],
    }
