"""Moving Partner from the clients app to the partners app keeps every row:
the partners, what points at them and the audit trail about them."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from interventions.models import Encounter
from logbook.models import Entry
from partners.models import Partner

# The latest migrations before the move.
BEFORE_THE_MOVE = [
    ("clients", "0002_refold_names_without_hyphens_or_apostrophes"),
    ("interventions", "0002_seed_peer_activities"),
    ("logbook", "0002_seed_starting_codebook"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # what was just applied or unapplied
    return executor.loader


@pytest.mark.django_db(transaction=True)
def test_moving_the_partner_model_keeps_rows_links_and_audit_entries():
    loader = _migrate([*BEFORE_THE_MOVE, ("partners", None)])
    try:
        assert not any(app == "partners" for app, _ in loader.applied_migrations)
        old = loader.project_state(list(loader.applied_migrations)).apps
        OldPartner = old.get_model("clients", "Partner")
        assert OldPartner._meta.db_table == "clients_partner"
        OldContentType = old.get_model("contenttypes", "ContentType")
        old_ct, _ = OldContentType.objects.get_or_create(app_label="clients", model="partner")
        permission = old.get_model("auth", "Permission").objects.create(
            content_type=old_ct, codename="call_partner", name="Can call a partner"
        )
        author = old.get_model("peersupport", "User").objects.create(username="moved-peer")
        shelter = OldPartner.objects.create(name="Refuge du Plateau", kind="shelter")
        closed = OldPartner.objects.create(name="Halte", kind="drop_in", is_active=False)
        encounter = old.get_model("interventions", "Encounter").objects.create(
            anonymous_count=2,
            setting="shelter",
            partner=shelter,
            author=author,
            occurred_at=timezone.now(),
        )
        entry = old.get_model("logbook", "Entry").objects.create(
            occurred_on=timezone.localdate(),
            author=author,
            kind="observation",
            source="logbook",
            title="Visit",
            narrative="A visit to the shelter.",
        )
        entry.partners.add(shelter)
        audit = old.get_model("auditlog", "LogEntry").objects.create(
            content_type=old_ct,
            object_pk=str(shelter.pk),
            object_id=shelter.pk,
            object_repr="Refuge du Plateau",
            action=0,
            timestamp=timezone.now(),
        )
    finally:
        loader = _migrate(loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    assert set(loader.graph.leaf_nodes()) <= set(loader.applied_migrations)
    assert Partner._meta.db_table == "partners_partner"
    assert sorted(Partner.objects.values_list("pk", "name", "is_active")) == sorted(
        [(shelter.pk, "Refuge du Plateau", True), (closed.pk, "Halte", False)]
    )
    moved = Partner.objects.get(pk=shelter.pk)
    assert Encounter.objects.get(pk=encounter.pk).partner == moved
    assert list(Entry.objects.get(pk=entry.pk).partners.all()) == [moved]
    assert list(moved.encounters.all()) == [Encounter.objects.get(pk=encounter.pk)]
    partner_ct = ContentType.objects.get_for_model(Partner)
    assert partner_ct.pk == old_ct.pk
    assert not ContentType.objects.filter(app_label="clients", model="partner").exists()
    assert LogEntry.objects.get_for_object(moved).get().pk == audit.pk
    assert Permission.objects.get(pk=permission.pk).content_type == partner_ct
