"""Export files as HTTP responses, and as files for the management command."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from typing import Any, BinaryIO

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone

from peersupport.audit import record_export, record_streamed_file

from . import exports, selectors
from .access import theme_policy
from .csv_file import CsvFile
from .models import Entry, Theme

# Zip formats are built in a temporary file kept in memory up to this size, on
# disk beyond: small, as moving the memory to disk copies it once more, and the
# disk is as fast for a file read back once.
SPOOL_BYTES = 1024 * 1024


def filters_record(filters: selectors.EntryFilters) -> dict[str, Any]:
    record = asdict(filters)
    record["stage"] = getattr(filters.stage, "name", filters.stage) or None
    for key in ("since", "until"):
        record[key] = record[key].isoformat() if record[key] else None
    return {key: value for key, value in record.items() if value not in (None, "", False)}


def prepare(
    *, viewer: Any, filters: selectors.EntryFilters, fmt: str
) -> tuple[QuerySet[Entry], QuerySet[Theme]]:
    """The entries and codebook of an export, recorded in the audit trail first."""
    entries = selectors.entry_list(viewer=viewer, filters=filters)
    codebook = theme_policy.visible_to(viewer).select_related("parent").order_by("pk")
    record_export(
        user=viewer,
        dataset="logbook",
        format=fmt,
        filters=filters_record(filters),
        row_count=entries.count(),
    )
    return entries, codebook


def write(
    fileobj: BinaryIO,
    *,
    viewer: Any,
    entries: QuerySet[Entry],
    codebook: QuerySet[Theme],
    filters: selectors.EntryFilters,
    fmt: str,
) -> None:
    """Write an export into a binary file object."""
    if fmt == "csv":
        for piece in CsvFile(entries):
            fileobj.write(piece)
    elif fmt == "json":
        for chunk in exports.json_chunks(entries, codebook, filters_record(filters)):
            fileobj.write(chunk.encode("utf-8"))
    elif fmt == "xlsx":
        exports.write_xlsx(entries, codebook, fileobj)
    elif fmt == "qdpx":
        exports.write_qdpx(
            entries, codebook, fileobj, project_name="peersupport logbook", viewer=viewer
        )
    else:
        raise ValueError(fmt)


def export_response(*, viewer: Any, filters: selectors.EntryFilters, fmt: str) -> HttpResponseBase:
    filename = f"logbook-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        # Not counted first: the audit trail has its rows once they have left.
        entries = selectors.entry_list(viewer=viewer, filters=filters)
        response = StreamingHttpResponse(
            record_streamed_file(
                user=viewer,
                dataset="logbook",
                format=fmt,
                filters=filters_record(filters),
                file=CsvFile(entries),
            ),
            content_type=exports.FORMATS[fmt],
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    entries, codebook = prepare(viewer=viewer, filters=filters, fmt=fmt)
    if fmt == "json":
        response = StreamingHttpResponse(
            exports.json_chunks(entries, codebook, filters_record(filters)),
            content_type=exports.FORMATS[fmt],
        )
    else:
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
        try:
            write(
                spool, viewer=viewer, entries=entries, codebook=codebook, filters=filters, fmt=fmt
            )
        except BaseException:
            spool.close()  # no response will: let its disk space go now
            raise
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename=filename, content_type=exports.FORMATS[fmt]
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
