"""The WSGI entry point loads the URLs and freezes what is loaded, out of the
garbage collector's way (in a process of its own: freezing is for good)."""

import subprocess
import sys

from django.conf import settings


def test_the_application_loads_its_urls_then_freezes_what_is_loaded():
    script = (
        "import gc, sys\n"
        "import peersupport.wsgi\n"
        "print(gc.get_freeze_count(), 'logbook.views' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    frozen, views_loaded = done.stdout.split()
    assert int(frozen) > 50_000
    assert views_loaded == "True"
