"""Every write the generator counted as accepted is in the database exactly once.

The locustfile appends one JSON line per accepted write (its marker, what it
was, who sent it) to a file; after the run, ``python writes.py ACCEPTED`` is
run with the load test's settings and database: it reads every note through
the Django model (note bodies are encrypted at rest, so SQL would see
ciphertext), counts the markers, and compares.

``compare`` is plain Python, tested in tests/scripts/test_loadtest.py.
"""

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pages import MARKER

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Verdict:
    accepted: int
    missing: list[str]
    # Marker -> how many times it is in the database (more than once).
    duplicated: dict[str, int]
    # Markers in the database that no accepted write named: a request the
    # generator gave up on (stopped mid-flight) that the server still saved.
    # Not a failure: the person would see it saved when they look.
    unclaimed: list[str]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.duplicated


def compare(accepted: list[str], found: Counter) -> Verdict:
    """``accepted``: the markers of the writes the generator saw succeed (a
    marker accepted twice is a generator bug, counted as a duplicate);
    ``found``: how many times each marker is in the database."""
    claimed = Counter(accepted)
    missing = [marker for marker in claimed if found[marker] == 0]
    duplicated = {
        marker: max(found[marker], count)
        for marker, count in claimed.items()
        if found[marker] > 1 or count > 1
    }
    unclaimed = sorted(marker for marker in found if marker not in claimed)
    return Verdict(len(claimed), missing, duplicated, unclaimed)


def read_accepted(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def markers_in_database() -> Counter:
    """How many notes carry each marker, read through the model (decrypted)."""
    from interventions.models import Note

    found: Counter = Counter()
    for body in Note._base_manager.values_list("body", flat=True).iterator():
        found.update(MARKER.findall(body or ""))
    return found


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    import django

    django.setup()
    accepted = read_accepted(Path(argv[0]))
    verdict = compare([write["marker"] for write in accepted], markers_in_database())
    print(json.dumps({"verdict": verdict.__dict__, "ok": verdict.ok}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
