"""WSGI entry point (gunicorn peersupport.wsgi)."""

import gc
import itertools
import os

from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")

application = get_wsgi_application()

# The requests of a worker after which what it has loaded since is frozen too
# (``settle``): the templates, translations and caches that pages fill the
# first time they are served.
SETTLE_AGAIN_AT = frozenset({10, 50, 200})
_served = itertools.count(1)


def settle() -> None:
    """Load the URLs (and with them every view module) now, then freeze what
    is loaded: it lives as long as the worker, and the garbage collector no
    longer walks it at each full collection. Unfrozen, those 90,000 objects
    made a full collection take 50 to 60 ms in the middle of whatever page
    was being served (the spikes of the benchmark's p95).

    What the first pages load (templates, the URLs' reverse lookups,
    translations: 40,000 to 60,000 objects more) still made a full collection
    take 16 to 20 ms, a few times a minute where exports churn through many
    objects; so it is frozen too, at the start of the worker's 10th, 50th and
    200th requests (2 ms a collection after). At the start of a request a
    sync worker holds little of one (its environ, the server's objects for
    it; a kept count being counted again behind a reader, if one is): what
    of that is in reference cycles is frozen for good, three times at most."""
    get_resolver().url_patterns  # noqa: B018 (loading them is the point)
    gc.freeze()
    request_started.connect(settle_again, dispatch_uid="settle_again")


def settle_again(**kwargs) -> None:
    """``request_started``: at the requests of ``SETTLE_AGAIN_AT``, what the
    worker holds goes out of the collector's way, its garbage first."""
    if next(_served) in SETTLE_AGAIN_AT:
        gc.collect()
        gc.freeze()


settle()
