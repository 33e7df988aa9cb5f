"""Back up the database DATABASE_URL names, and restore such a backup.

    python scripts/backup.py backup [--to DIR]          (make backup)
    python scripts/backup.py restore FILE [--force]     (make restore FILE=... [FORCE=1])

PostgreSQL: ``pg_dump`` in its custom format, read back by ``pg_restore``.
SQLite: a consistent copy through SQLite's backup API (a live file copied
with ``cp`` can be caught half-written).

The backup holds the confidential texts as the database does: encrypted.
The keys that read them (NOTE_ENCRYPTION_KEYS, and RESEARCH_PSEUDONYM_KEY and
SECRET_KEY with them) are never written into it, and must be kept apart: in
the password manager or secrets store the server's configuration comes from,
never in the folder or on the medium the backups go to. A backup without its
keys is unreadable; keys stored beside it would make it readable by whoever
finds it. So this script refuses to write into a folder where it finds one of
the configured keys, and a restore says which keys the data needs.

A restore refuses a database that already has tables unless ``--force``
(``FORCE=1``) is given.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "backups"
DEFAULT_SQLITE = ROOT / "db.sqlite3"
# The settings that must never travel with a backup.
KEY_SETTINGS = ("NOTE_ENCRYPTION_KEYS", "RESEARCH_PSEUDONYM_KEY", "SECRET_KEY")
KEYS_ADVICE = (
    "Keep NOTE_ENCRYPTION_KEYS (every key still listed), RESEARCH_PSEUDONYM_KEY and "
    "SECRET_KEY apart from the backups, in the secrets store the server's configuration "
    "comes from: the backup is encrypted text, readable only with those keys."
)


class Refused(Exception):
    """Something the script will not do; the message says why and what to do."""


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def engine_of(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in {"postgres", "postgresql", "pgsql"}:
        return "postgres"
    raise Refused("DATABASE_URL must start with sqlite:// or postgres://.")


def sqlite_path(url: str) -> Path:
    # Read as the settings read it (django-environ: sqlite:////absolute/path).
    import environ

    path = environ.Env.db_url_config(url)["NAME"]
    if not path or path == ":memory:":
        raise Refused("An in-memory SQLite database has nothing to back up or restore into.")
    return Path(path)


def libpq_url(url: str) -> str:
    # libpq reads postgresql:// and postgres://; django-environ also allows pgsql://.
    return "postgresql://" + url.split("://", 1)[1]


def configured_keys() -> list[str]:
    keys = []
    for name in KEY_SETTINGS:
        for value in os.environ.get(name, "").split(","):
            if len(value.strip()) >= 16:
                keys.append(value.strip())
    return keys


def keys_beside(folder: Path) -> list[Path]:
    """Files in ``folder`` that hold one of the configured keys (a copied .env)."""
    keys = [key.encode() for key in configured_keys()]
    found = []
    if not keys or not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.stat().st_size <= 1_000_000:
            content = path.read_bytes()
            if any(key in content for key in keys):
                found.append(path)
    return found


def _needs(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise Refused(
            f"{program} is needed (PostgreSQL's client tools: apt-get install postgresql-client)."
        )
    return found


def backup_sqlite(source: Path | sqlite3.Connection, target: Path) -> None:
    """A consistent copy, even of a database in use (SQLite's backup API)."""
    source_connection = source if isinstance(source, sqlite3.Connection) else None
    if source_connection is None:
        if not Path(source).exists():
            raise Refused(f"No SQLite database at {source}.")
        source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target_connection = sqlite3.connect(target)
    try:
        with target_connection:
            source_connection.backup(target_connection)
    finally:
        target_connection.close()
        if source_connection is not source:
            source_connection.close()


def sqlite_tables(path: Path) -> list[str]:
    if not path.exists() or path.stat().st_size == 0:
        return []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    finally:
        connection.close()
    return [name for (name,) in rows]


def restore_sqlite(backup: Path, target: Path, *, force: bool) -> None:
    if sqlite_tables(target) and not force:
        raise Refused(
            f"{target} already holds tables: restoring would replace them. "
            "Give --force (make restore FORCE=1) to replace it."
        )
    if not sqlite_tables(backup):
        raise Refused(f"{backup} is not a SQLite backup with tables in it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    backup_sqlite(backup, target)


def backup_postgres(url: str, target: Path) -> None:
    subprocess.run(  # noqa: S603 (a fixed program; the URL is the operator's own setting)
        [
            _needs("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            f"--dbname={libpq_url(url)}",
        ],
        check=True,
    )


def postgres_tables(url: str) -> list[str]:
    import psycopg2

    connection = psycopg2.connect(libpq_url(url), connect_timeout=10)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' ORDER BY table_name"
            )
            return [name for (name,) in cursor.fetchall()]
    finally:
        connection.close()


def restore_postgres(backup: Path, url: str, *, force: bool) -> None:
    if postgres_tables(url) and not force:
        raise Refused(
            "The database DATABASE_URL names already holds tables: restoring would replace "
            "them. Give --force (make restore FORCE=1) to replace it."
        )
    subprocess.run(  # noqa: S603 (a fixed program; the URL is the operator's own setting)
        [
            _needs("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={libpq_url(url)}",
            str(backup),
        ],
        check=True,
    )


def describe(url: str) -> str:
    """The database named without its password."""
    if engine_of(url) == "sqlite":
        return f"SQLite {sqlite_path(url)}"
    parts = urlsplit(url)
    return f"PostgreSQL {parts.hostname}:{parts.port or 5432}{parts.path}"


def backup(url: str, folder: Path, *, now: datetime.datetime | None = None) -> Path:
    engine = engine_of(url)
    folder.mkdir(parents=True, exist_ok=True)
    beside = keys_beside(folder)
    if beside:
        raise Refused(
            f"{', '.join(str(p) for p in beside)} holds an encryption key, in the folder the "
            f"backups go to. {KEYS_ADVICE} Move it away, then back up again."
        )
    stamp = (now or datetime.datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    target = folder / f"peersupport-{stamp}.{'dump' if engine == 'postgres' else 'sqlite3'}"
    partial = target.with_name(target.name + ".partial")
    if engine == "postgres":
        backup_postgres(url, partial)
    else:
        backup_sqlite(sqlite_path(url), partial)
    partial.rename(target)
    os.chmod(target, 0o600)
    return target


def restore(url: str, backup_file: Path, *, force: bool) -> None:
    if not backup_file.is_file():
        raise Refused(f"No backup at {backup_file}.")
    engine = engine_of(url)
    if engine == "postgres":
        if backup_file.read_bytes()[:5] != b"PGDMP":
            raise Refused(f"{backup_file} is not a pg_dump custom-format backup.")
        restore_postgres(backup_file, url, force=force)
    else:
        restore_sqlite(backup_file, sqlite_path(url), force=force)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write a backup of the database")
    make.add_argument("--to", type=Path, default=DEFAULT_DIR, help="folder (default: backups/)")
    back = commands.add_parser("restore", help="restore a backup into the database")
    back.add_argument("file", type=Path)
    back.add_argument("--force", action="store_true", help="replace a database that has tables")
    arguments = parser.parse_args(argv)
    url = database_url()
    try:
        if arguments.command == "backup":
            target = backup(url, arguments.to)
            print(f"Backed up {describe(url)} to {target} ({target.stat().st_size} bytes).")
            print("The confidential texts in it are encrypted; no key was written into it.")
            print(KEYS_ADVICE)
        else:
            restore(url, arguments.file, force=arguments.force)
            print(f"Restored {arguments.file} into {describe(url)}.")
            print(
                "It reads only with the NOTE_ENCRYPTION_KEYS that wrote it: start the app with "
                "them, then `python manage.py check --database default` (or /healthz) says "
                "whether they decrypt the restored rows."
            )
            if not os.environ.get("NOTE_ENCRYPTION_KEYS"):
                print(
                    "WARNING: NOTE_ENCRYPTION_KEYS is not set here. Only a development database "
                    "(DJANGO_DEBUG=true, its built-in key) reads without it; in production the "
                    "app closes the confidential pages until the keys that wrote it are set.",
                    file=sys.stderr,
                )
    except Refused as refusal:
        print(f"Refused: {refusal}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"Failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
