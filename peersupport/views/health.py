"""Health check for load balancers and monitoring."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..key_check import check_keys


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 with ``{"status": "ok"}`` when the database answers and the note
    encryption keys read what it holds; 503 otherwise, naming the failed check
    (never which rows: the probe is public)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    checks = {"database": database}
    if database == "ok":
        # Thorough: the key check and the oldest and newest row of each column.
        status = check_keys(thorough=True)
        if not status.is_known:
            checks["keys"] = "unknown"  # the key check's table is missing: not migrated
        else:
            checks["keys"] = "ok" if status.is_usable else "wrong"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
