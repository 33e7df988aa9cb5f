"""The bench's databases: the sizes, their stamps, and a fresh copy for each run.

Each size is built once into ``bench_<label>`` (``bench_10k``, ``bench_1m``)
with ``manage.py generate_dataset``, then kept: building a million
encounters takes minutes. The database's comment (``COMMENT ON DATABASE``)
holds a stamp: the generator's arguments, its seed, the latest migration of
each app and a digest of the generator's code. A later run reuses the
database when the stamp is the one it would write, and builds it again
otherwise.

Each run measures a copy (``bench_<label>_run``, made from the built one as
a template), because the bench writes: sessions, audit entries, encounters
sent through the form. The built database stays as the generator left it,
so every run starts from the same data.
"""

import hashlib
import json
import re
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SIZES = "10k,1m"
PREFIX = "bench_"
# Folders that hold no app of the project.
NOT_APPS = {".venv", "node_modules", ".smoke", "staticfiles"}
MIGRATION = re.compile(r"^\d{4}_\w+\.py$")


@dataclass(frozen=True)
class Size:
    """One size of data; people, logbook and audit scale with encounters
    unless given: 10,000 encounters go with 500 people, 200 logbook entries
    and 15,000 audit entries."""

    encounters: int
    people: int
    logbook: int
    audit: int

    @classmethod
    def scaled(cls, encounters: int) -> "Size":
        return cls(encounters, max(1, encounters // 20), encounters // 50, encounters * 3 // 2)

    @property
    def label(self) -> str:
        return count_label(self.encounters)

    @property
    def database(self) -> str:
        return PREFIX + self.label

    def arguments(self, *, seed: int, busy: int) -> list[str]:
        return [
            *("--people", str(self.people)),
            *("--encounters", str(self.encounters)),
            *("--logbook", str(self.logbook)),
            *("--audit", str(self.audit)),
            *("--seed", str(seed)),
            *("--busy-encounters", str(busy)),
        ]


def count_label(number: int) -> str:
    """10000 -> "10k", 1000000 -> "1m", 2500 -> "2500"."""
    if number >= 1_000_000 and number % 1_000_000 == 0:
        return f"{number // 1_000_000}m"
    if number >= 1000 and number % 1000 == 0:
        return f"{number // 1000}k"
    return str(number)


def parse_count(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([km]?)\s*", text.lower())
    if not match:
        raise ValueError(f"not a count: {text!r} (a number, or one ending in k or m)")
    return int(match.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[match.group(2)]


def parse_sizes(text: str) -> list[Size]:
    """BENCH_SIZES: two sizes, smaller first, separated by commas. Each is a
    number of encounters ("10k", "1m", "2000"), or four numbers
    encounters:people:logbook:audit."""
    sizes = []
    for item in text.split(","):
        parts = item.split(":")
        if len(parts) == 1:
            sizes.append(Size.scaled(parse_count(parts[0])))
        elif len(parts) == 4:
            sizes.append(Size(*(parse_count(part) for part in parts)))
        else:
            raise ValueError(f"a size is encounters, or encounters:people:logbook:audit: {item!r}")
    if len(sizes) != 2 or sizes[0].encounters >= sizes[1].encounters:
        raise ValueError(f"BENCH_SIZES needs two sizes, the smaller first: {text!r}")
    if sizes[0].label == sizes[1].label:
        raise ValueError(f"two sizes with the same name: {text!r}")
    return sizes


def latest_migrations(root: Path) -> dict[str, str]:
    """The newest migration of each app of the project, by name."""
    latest = {}
    for folder in sorted(root.glob("*/migrations")):
        if folder.parent.name in NOT_APPS:
            continue
        names = sorted(path.stem for path in folder.iterdir() if MIGRATION.match(path.name))
        if names:
            latest[folder.parent.name] = names[-1]
    return latest


def generator_digest(root: Path) -> str:
    """A digest of the app that holds ``generate_dataset`` (its Python files):
    a generator that changed makes other data from the same seed."""
    commands = sorted(root.glob("*/management/commands/generate_dataset.py"))
    if not commands:
        return ""
    app = commands[0].parents[2]
    digest = hashlib.sha256()
    for path in sorted(app.rglob("*.py")):
        if "migrations" not in path.parts:
            digest.update(str(path.relative_to(app)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def wanted_stamp(
    size: Size, *, seed: int, busy: int, migrations: dict[str, str], generator: str = ""
) -> dict:
    """What a database of ``size`` built now would be stamped with."""
    return {
        "generator": generator,
        "arguments": size.arguments(seed=seed, busy=busy),
        "seed": seed,
        "migrations": migrations,
    }


def reusable(stamp: dict | None, wanted: dict) -> bool:
    """Whether a database stamped ``stamp`` holds the data ``wanted`` describes."""
    return stamp is not None and all(stamp.get(key) == value for key, value in wanted.items())


def history_day(kept: Iterable[dict], today: str) -> str:
    """The day a size built now ends its history on: the one a kept size's
    history ends on (so that "the last three weeks" hold the same share of
    both), else today."""
    return next((stamp["today"] for stamp in kept if stamp.get("today")), today)


# PostgreSQL.


def database_url(base: str, name: str) -> str:
    """``base`` (any PostgreSQL URL of the server) naming database ``name``."""
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"BENCH_DATABASE_URL must be a PostgreSQL URL: {base}")
    return urlunsplit(parts._replace(path="/" + name))


def _checked(name: str) -> str:
    if not re.fullmatch(PREFIX + r"[a-z0-9_]+", name):
        raise ValueError(f"the bench only touches databases named {PREFIX}...: {name!r}")
    return name


def server(base: str) -> Any:
    """A connection to the server's maintenance database, outside transactions."""
    import psycopg2

    connection = psycopg2.connect(database_url(base, "postgres"))
    connection.autocommit = True
    return connection


def read_stamp(base: str, name: str) -> dict | None:
    """The stamp of database ``name``; None when it does not exist or has none."""
    with closing(server(base)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        row = cursor.fetchone()
    if row is None or not row[0]:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return None


def write_stamp(base: str, name: str, stamp: dict) -> None:
    with closing(server(base)) as connection, connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{_checked(name)}" IS %s', [json.dumps(stamp)])


def recreate(base: str, name: str, *, template: str | None = None) -> None:
    """Drop ``name`` and create it again, empty or as a copy of ``template``."""
    with closing(server(base)) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{_checked(name)}" WITH (FORCE)')
        if template is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
        else:
            # A template may have no one connected while it is copied.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [_checked(template)],
            )
            # A file copy: much faster than the WAL-logged copy PostgreSQL 15 makes by default.
            strategy = " STRATEGY FILE_COPY" if connection.server_version >= 150000 else ""
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{strategy}')


def vacuum_analyze(url: str) -> None:
    """Fresh planner statistics and visibility maps, as a database in service has."""
    import psycopg2

    with closing(psycopg2.connect(url)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def server_facts(base: str) -> dict[str, str]:
    with closing(server(base)) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
        cursor.execute("SHOW jit")
        (jit,) = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        (shared_buffers,) = cursor.fetchone()
        cursor.execute("SHOW work_mem")
        (work_mem,) = cursor.fetchone()
    return {
        "version": version,
        "jit": jit,
        "shared_buffers": shared_buffers,
        "work_mem": work_mem,
    }
