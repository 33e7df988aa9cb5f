"""WSGI entry point (gunicorn peersupport.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")

application = get_wsgi_application()


def settle() -> None:
    """Load the URLs (and with them every view module) now, then freeze what
    is loaded: it lives as long as the worker, and the garbage collector no
    longer walks it at each full collection. Unfrozen, those 90,000 objects
    made a full collection take 50 to 60 ms in the middle of whatever page
    was being served (the spikes of the benchmark's p95)."""
    get_resolver().url_patterns  # noqa: B018 (loading them is the point)
    gc.freeze()


settle()
