"""The WSGI entry point loads the URLs and freezes what is loaded, out of the
garbage collector's way (in a process of its own: freezing is for good)."""

import subprocess
import sys

from django.conf import settings


def printed_by(script: str) -> list[str]:
    """What ``script`` prints, in a Python process of its own, word by word."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    return done.stdout.split()


def test_the_application_loads_its_urls_then_freezes_what_is_loaded():
    script = (
        "import gc, sys\n"
        "import peersupport.wsgi\n"
        "print(gc.get_freeze_count(), 'logbook.views' in sys.modules)\n"
    )
    frozen, views_loaded = printed_by(script)
    assert int(frozen) > 50_000
    assert views_loaded == "True"


def test_what_the_first_requests_load_is_frozen_too_after_its_garbage_is_collected():
    script = (
        "import gc, weakref\n"
        "import peersupport.wsgi\n"
        "gc.disable()  # only the freeze's own collection may collect the cycle\n"
        "from django.core.signals import request_started\n"
        "class Cycle:\n"
        "    pass\n"
        "at_start = gc.get_freeze_count()\n"
        "loaded = [[number] for number in range(5000)]  # kept, as a page's caches are\n"
        "garbage = Cycle()\n"
        "garbage.itself = garbage\n"
        "gone = weakref.ref(garbage)\n"
        "del garbage\n"
        "for _ in range(9):\n"
        "    request_started.send(sender=None)\n"
        "ninth = gc.get_freeze_count()\n"
        "request_started.send(sender=None)\n"
        "print(at_start, ninth, gc.get_freeze_count(), gone() is None)\n"
    )
    at_start, ninth, tenth, collected = printed_by(script)
    assert int(ninth) <= int(at_start)  # nothing more frozen before the 10th request
    assert int(tenth) >= int(at_start) + 5000
    assert collected == "True"  # garbage is collected, not frozen for good
