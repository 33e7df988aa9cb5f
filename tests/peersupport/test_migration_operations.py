"""SQL only PostgreSQL runs: the trigram indexes of the name searches apply
on PostgreSQL, change nothing on SQLite, and serve the searches' own SQL."""

import random
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from clients import selectors
from clients.models import Client, fold
from peersupport.migration_operations import RunSQLOnPostgreSQL, trigram_indexes
from tests.db_plans import explain

pytestmark = pytest.mark.django_db

SIZE = 5_000
TRIGRAM_INDEXES = {"client_search_text_trgm", "client_display_key_trgm"}


def _indexes(table):
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def test_the_register_migration_is_applied_with_its_name_index():
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("clients", "0007_register_name_index_and_trigram_search") in applied
    by_name = _indexes("clients_client")["client_by_name"]
    # PostgreSQL's also holds the searched text (clients 0009), after its keys.
    held = ["search_text"] if connection.vendor == "postgresql" else []
    assert by_name["columns"] == ["display_key", "id", *held] and by_name["index"]


@pytest.mark.postgresql_only
def test_postgresql_searches_the_register_in_its_name_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'client_by_name'")
        (definition,) = cursor.fetchone()
    assert definition.endswith(
        "(display_key, id) INCLUDE (search_text) WHERE (merged_into_id IS NULL)"
    ), definition


def test_sql_for_postgresql_runs_nowhere_else():
    ran = []
    sqlite = SimpleNamespace(
        connection=SimpleNamespace(vendor="sqlite", alias="default"),
        execute=lambda sql, params=None: ran.append(sql),
    )
    operation = trigram_indexes("clients_client", {"x_trgm": '"search_text"'})
    operation.database_forwards("clients", sqlite, None, None)
    operation.database_backwards("clients", sqlite, None, None)
    assert ran == []


def test_the_trigram_operation_creates_the_extension_then_the_indexes_and_drops_only_them():
    operation = trigram_indexes("t", {"a_trgm": '"a"', "b_trgm": 'UPPER("b")'})
    assert isinstance(operation, RunSQLOnPostgreSQL)
    assert operation.sql == [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        'CREATE INDEX IF NOT EXISTS "a_trgm" ON "t" USING gin ("a" gin_trgm_ops)',
        'CREATE INDEX IF NOT EXISTS "b_trgm" ON "t" USING gin (UPPER("b") gin_trgm_ops)',
    ]
    assert operation.reverse_sql == [
        'DROP INDEX IF EXISTS "a_trgm"',
        'DROP INDEX IF EXISTS "b_trgm"',
    ]


def test_trigram_indexes_exist_on_postgresql_only():
    present = TRIGRAM_INDEXES & set(_indexes("clients_client"))
    assert present == (TRIGRAM_INDEXES if connection.vendor == "postgresql" else set())


# On PostgreSQL.


SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def _made_up_name(rng):
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title() for _ in range(2)
    )


@pytest.fixture
def register(coordinator):
    """A register of some size, so that the planner weighs its indexes as it
    does on a real one: SIZE people with made-up names, and one Hélène Zuzuzu."""
    rng = random.Random(14)  # noqa: S311 (names, not secrets)
    people = [Client(display_name=_made_up_name(rng), created_by=coordinator) for _ in range(SIZE)]
    people.append(Client(display_name="Hélène Zuzuzu", created_by=coordinator))
    for person in people:
        person.search_text = person.display_key = fold(person.display_name)
    Client.objects.bulk_create(people)
    with connection.cursor() as cursor:
        # What autovacuum does after a load: rows inserted since the index was
        # built wait in its pending list, which the planner counts as a cost.
        for name in TRIGRAM_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        cursor.execute("ANALYZE clients_client")


def _plan(queryset):
    return explain(*queryset.query.sql_with_params())


@pytest.mark.postgresql_only
def test_postgresql_has_trigram_indexes_on_the_folded_names():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'clients_client'"
        )
        found = dict(cursor.fetchall())
    assert set(found) >= TRIGRAM_INDEXES
    assert "gin (search_text gin_trgm_ops)" in found["client_search_text_trgm"]
    assert "gin (display_key gin_trgm_ops)" in found["client_display_key_trgm"]


@pytest.mark.postgresql_only
def test_going_back_drops_the_trigram_indexes_and_forward_makes_them_again():
    from importlib import import_module

    migration = import_module("clients.migrations.0007_register_name_index_and_trigram_search")
    operation = migration.Migration.operations[-1]
    with connection.schema_editor() as editor:
        operation.database_backwards("clients", editor, None, None)
    assert not TRIGRAM_INDEXES & set(_indexes("clients_client"))
    with connection.schema_editor() as editor:
        operation.database_forwards("clients", editor, None, None)
        operation.database_forwards("clients", editor, None, None)  # twice: no error
    assert set(_indexes("clients_client")) >= TRIGRAM_INDEXES


@pytest.mark.postgresql_only
def test_the_register_search_uses_its_trigram_index(coordinator, register):
    rows = selectors.client_list(viewer=coordinator, filters=selectors.ClientFilters(q="zuzuzu"))
    assert "client_search_text_trgm" in _plan(rows[:26])


@pytest.mark.postgresql_only
def test_the_search_outside_ones_teams_uses_its_trigram_index(peer, register):
    found = selectors.others_matching(viewer=peer, q="ZUZUZU")
    assert [row["display_name"] for row in found] == ["Hélène Zuzuzu"]
    from clients.access import client_join_policy

    rows = client_join_policy.visible_to(peer).filter(display_key__contains="zuzuzu")
    assert "client_display_key_trgm" in _plan(rows.order_by("display_key", "pk")[:20])
