"""scripts/backup.py: a backup restored into a fresh database reads back every
encrypted column, holds no key, and a restore never overwrites a database by
surprise. On the engine the suite runs on (SQLite, or PostgreSQL in CI)."""

import importlib.util
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from peersupport.fields import decrypt_text
from peersupport.key_check import check_keys, forget_key_status
from peersupport.models import KeyCheck
from tests.peersupport.encrypted_rows import column_id, encrypted_columns, make_row

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "backup.py"
_spec = importlib.util.spec_from_file_location("backup_script", SCRIPT)
backup_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backup_script)


def run_script(*args, env):
    base = {"PATH": os.environ["PATH"]}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(autouse=True)
def _fresh_key_status():
    yield
    forget_key_status()


def _one_row_per_encrypted_column():
    """(table, column, pk, text) of a row written for each encrypted column."""
    written = []
    for model, field in encrypted_columns():
        if model is KeyCheck:
            check_keys()
            pk, text = KeyCheck.objects.get().pk, "peersupport: the note encryption keys read this"
        else:
            text = f"Backed-up words in {column_id((model, field))}"
            pk = make_row(model, {field.name: text}).pk
        written.append((model._meta.db_table, field.column, model._meta.pk.column, pk, text))
    return written


def _read_back(cursor, written, placeholder):
    found = {}
    for table, column, pk_column, pk, _text in written:
        cursor.execute(
            f'SELECT "{column}" FROM "{table}" WHERE "{pk_column}" = {placeholder}',  # noqa: S608
            [pk],
        )
        found[f"{table}.{column}"] = decrypt_text(cursor.fetchone()[0])
    return found


def _postgres_url(name):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{name}"


def _keys():
    return [*settings.NOTE_ENCRYPTION_KEYS, settings.RESEARCH_PSEUDONYM_KEY, settings.SECRET_KEY]


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_reads_back_every_encrypted_column(tmp_path):
    written = _one_row_per_encrypted_column()
    expected = {f"{table}.{column}": text for table, column, _pk, _id, text in written}
    assert len(expected) == len(encrypted_columns())
    env = {"DATABASE_URL": ""}
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = _postgres_url(connection.settings_dict["NAME"])
        made = run_script("backup", "--to", str(tmp_path), env=env)
        assert made.returncode == 0, made.stderr
        (backup,) = tmp_path.glob("peersupport-*.dump")
        assert backup.read_bytes()[:5] == b"PGDMP"
        fresh = f"outage_restore_{uuid.uuid4().hex[:12]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{fresh}"')
        try:
            env["DATABASE_URL"] = _postgres_url(fresh)
            restored = run_script("restore", str(backup), env=env)
            assert restored.returncode == 0, restored.stderr
            import psycopg2

            other = psycopg2.connect(backup_script.libpq_url(env["DATABASE_URL"]))
            try:
                with other.cursor() as cursor:
                    found = _read_back(cursor, written, "%s")
            finally:
                other.close()
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
    else:
        # The suite's SQLite database lives in memory: copied through the
        # script's own function, then restored by the script into a file.
        backup = tmp_path / "peersupport-test.sqlite3"
        connection.ensure_connection()
        backup_script.backup_sqlite(connection.connection, backup)
        for _table, _column, _pk, _id, text in written:
            assert text.encode() not in backup.read_bytes()
        target = tmp_path / "restored" / "db.sqlite3"
        restored = run_script("restore", str(backup), env={"DATABASE_URL": f"sqlite:///{target}"})
        assert restored.returncode == 0, restored.stderr
        with sqlite3.connect(target) as other:
            found = _read_back(other.cursor(), written, "?")
    assert found == expected
    contents = backup.read_bytes()
    assert not [key for key in _keys() if key.encode() in contents]
    assert "Restored" in restored.stdout


def _small_database(path, rows=("one",)):
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE notes (body TEXT)")
        database.executemany("INSERT INTO notes VALUES (?)", [(row,) for row in rows])
    return path


def _bodies(path):
    with sqlite3.connect(path) as database:
        return [row for (row,) in database.execute("SELECT body FROM notes ORDER BY body")]


def test_a_backup_goes_to_a_dated_file_only_its_owner_reads_and_says_where_the_keys_belong(
    tmp_path,
):
    source = _small_database(tmp_path / "db.sqlite3", rows=("kept",))
    folder = tmp_path / "backups"
    made = run_script("backup", "--to", str(folder), env={"DATABASE_URL": f"sqlite:///{source}"})
    assert made.returncode == 0, made.stderr
    (backup,) = folder.glob("peersupport-*.sqlite3")
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert _bodies(backup) == ["kept"]
    assert f"Backed up SQLite {source} to {backup}" in made.stdout
    assert "Keep NOTE_ENCRYPTION_KEYS" in made.stdout
    assert not list(folder.glob("*.partial"))


def test_a_backup_refuses_a_folder_that_holds_an_encryption_key(tmp_path):
    source = _small_database(tmp_path / "db.sqlite3")
    folder = tmp_path / "backups"
    folder.mkdir()
    key = "c2VjcmV0LWtleS1vZi10aGlzLXRlc3QtMDAwMDAwMDA="
    (folder / "production.env").write_text(f"NOTE_ENCRYPTION_KEYS={key}\n")
    refused = run_script(
        "backup",
        "--to",
        str(folder),
        env={"DATABASE_URL": f"sqlite:///{source}", "NOTE_ENCRYPTION_KEYS": key},
    )
    assert refused.returncode == 2
    assert "production.env holds an encryption key" in refused.stderr
    assert not list(folder.glob("peersupport-*"))


def test_a_restore_refuses_a_database_with_tables_unless_forced(tmp_path):
    backup = _small_database(tmp_path / "backup.sqlite3", rows=("from the backup",))
    target = _small_database(tmp_path / "db.sqlite3", rows=("already there",))
    env = {"DATABASE_URL": f"sqlite:///{target}"}
    refused = run_script("restore", str(backup), env=env)
    assert refused.returncode == 2
    assert "already holds tables" in refused.stderr and "FORCE=1" in refused.stderr
    assert _bodies(target) == ["already there"]
    forced = run_script("restore", str(backup), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert _bodies(target) == ["from the backup"]
    assert f"Restored {backup} into SQLite {target}" in forced.stdout


def test_a_restore_refuses_what_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    refused = run_script(
        "restore", str(not_a_backup), env={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    )
    assert refused.returncode != 0
    assert (
        not (tmp_path / "db.sqlite3").exists()
        or backup_script.sqlite_tables(tmp_path / "db.sqlite3") == []
    )
