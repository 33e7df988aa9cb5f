"""What `make bench` requests, and as whom: the main pages of each persona and
the exports, as issue 14 lists them.

Paths may name ``{busy}``, the person who has the same long history at every
size (``generate_dataset --busy-encounters``), and ``{q}``, a fragment of a
name many people share.
"""

from dataclasses import dataclass

# The accounts `generate_dataset` always creates (docs: the dataset contract).
USERNAMES = {
    "peer": "bench-peer",
    "clinician": "bench-clinician",
    "coordinator": "bench-coordinator",
    "researcher": "bench-researcher",
}


@dataclass(frozen=True)
class Page:
    persona: str
    path: str
    # For an export: which rows it writes ("research": encounters; "logbook": entries).
    rows: str = ""

    @property
    def key(self) -> str:
        return f"{self.persona} {self.path}"

    @property
    def is_export(self) -> bool:
        return bool(self.rows)

    def url(self, context: dict) -> str:
        return self.path.format(**context)


PAGES = [
    Page("peer", "/"),
    Page("peer", "/clients/"),
    Page("peer", "/clients/{busy}/"),
    Page("peer", "/encounters/new/"),
    Page("peer", "/shared/"),
    Page("clinician", "/"),
    Page("clinician", "/shared/"),
    Page("clinician", "/clients/{busy}/"),
    Page("coordinator", "/"),
    Page("coordinator", "/clients/"),
    Page("coordinator", "/clients/?q={q}"),
    Page("coordinator", "/clients/{busy}/"),
    Page("coordinator", "/overview/"),
    Page("coordinator", "/audit/"),
    Page("researcher", "/research/activity/"),
    Page("researcher", "/logbook/"),
    Page("researcher", "/logbook/matrix/"),
]

EXPORTS = [
    Page("researcher", "/research/export/?format=csv", rows="research"),
    Page("researcher", "/logbook/export/?format=csv", rows="logbook"),
    Page("researcher", "/logbook/export/?format=xlsx", rows="logbook"),
    Page("researcher", "/logbook/export/?format=qdpx", rows="logbook"),
]

# Throughput (requests a second, 4 clients at once, under gunicorn), all as the
# coordinator: the register, Django's admin change list of the same model with
# the same page size, and a login-required view that makes one query. The last
# two exist only in the bench's URLs (scripts/bench/bench_urls.py).
THROUGHPUT = {
    "clients": "/clients/",
    "admin": "/bench/admin/clients/client/",
    "probe": "/bench/probe/",
}

ENCOUNTER_FORM = "/encounters/new/"
POST_KEY = "peer POST /encounters/new/"
