"""Export files as HTTP responses, and as files for the management command."""

import tempfile
from dataclasses import asdict

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from peersupport.audit import record_export

from . import access, exports, selectors

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "qdpx": "application/zip",
}
# Zip formats are built in a temporary file kept in memory up to this size, on disk beyond.
SPOOL_BYTES = 8 * 1024 * 1024


def filters_record(filters: selectors.EntryFilters) -> dict:
    record = asdict(filters)
    record["stage"] = getattr(filters.stage, "name", filters.stage) or None
    for key in ("since", "until"):
        record[key] = record[key].isoformat() if record[key] else None
    return {key: value for key, value in record.items() if value not in (None, "", False)}


def prepare(*, viewer, filters, fmt):
    """The entries and codebook of an export, recorded in the audit trail first."""
    entries = selectors.entry_list(viewer=viewer, filters=filters)
    codebook = access.codebook_for(viewer).select_related("parent").order_by("pk")
    record_export(
        user=viewer,
        dataset="logbook",
        format=fmt,
        filters=filters_record(filters),
        row_count=entries.count(),
    )
    return entries, codebook


def write(fileobj, *, entries, codebook, filters, fmt) -> None:
    """Write an export into a binary file object."""
    if fmt == "csv":
        for chunk in exports.csv_chunks(entries):
            fileobj.write(chunk.encode("utf-8"))
    elif fmt == "json":
        for chunk in exports.json_chunks(entries, codebook, filters_record(filters)):
            fileobj.write(chunk.encode("utf-8"))
    elif fmt == "xlsx":
        exports.write_xlsx(entries, codebook, fileobj)
    elif fmt == "qdpx":
        exports.write_qdpx(entries, codebook, fileobj, project_name="peersupport logbook")
    else:
        raise ValueError(fmt)


def export_response(*, viewer, filters, fmt):
    entries, codebook = prepare(viewer=viewer, filters=filters, fmt=fmt)
    filename = f"logbook-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(entries), content_type=CONTENT_TYPES[fmt]
        )
    elif fmt == "json":
        response = StreamingHttpResponse(
            exports.json_chunks(entries, codebook, filters_record(filters)),
            content_type=CONTENT_TYPES[fmt],
        )
    else:
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
        write(spool, entries=entries, codebook=codebook, filters=filters, fmt=fmt)
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt]
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
