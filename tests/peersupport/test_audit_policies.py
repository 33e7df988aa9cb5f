"""The audit trail's own policies: its entries and the export records are read
by coordinators who may read the trail, and by nobody else; a record's
history is read by whoever may see the record."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from clients.access import client_policy
from peersupport.audit import (
    HistoryPolicy,
    acting_as,
    audit_entry_policy,
    export_record_policy,
    record_export,
    record_view,
)
from peersupport.models import User
from peersupport.roles import Role
from tests.conftest import PERSONAS
from tests.factories import ClientFactory, UserFactory, put_on_team

pytestmark = pytest.mark.django_db

NOT_AUDITORS = [p for p in PERSONAS if p != "coordinator"]
TRAIL_POLICIES = [audit_entry_policy, export_record_policy]


@pytest.fixture
def export(researcher):
    return record_export(user=researcher, dataset="logbook", format="csv", filters={}, row_count=3)


@pytest.mark.parametrize("policy", TRAIL_POLICIES)
def test_a_coordinator_sees_every_entry_and_export(coordinator, export, policy):
    rows = policy.model._default_manager.all()
    assert rows.exists()
    assert set(policy.visible_to(coordinator)) == set(rows)
    assert policy.can(coordinator, policy.Action.VIEW)
    row = rows.first()
    assert policy.get_for(coordinator, row.pk) == row


@pytest.mark.parametrize("persona", NOT_AUDITORS)
def test_nobody_else_sees_any_entry_of_the_trail(request, export, persona):
    user = request.getfixturevalue(persona)
    row = LogEntry.objects.first()
    assert list(audit_entry_policy.visible_to(user)) == []
    assert not audit_entry_policy.can(user, audit_entry_policy.Action.VIEW)
    assert not audit_entry_policy.can(user, audit_entry_policy.Action.VIEW, row)
    with pytest.raises(Http404):
        audit_entry_policy.get_for(user, row.pk)


@pytest.mark.parametrize("persona", NOT_AUDITORS)
def test_nobody_else_sees_another_users_export(request, persona):
    someone = UserFactory(username="exporter", roles=[Role.RESEARCHER])
    row = record_export(user=someone, dataset="logbook", format="csv", filters={}, row_count=3)
    user = request.getfixturevalue(persona)
    assert list(export_record_policy.visible_to(user)) == []
    assert not export_record_policy.can(user, export_record_policy.Action.VIEW, row)
    with pytest.raises(Http404):
        export_record_policy.get_for(user, row.pk)
    assert list(export_record_policy.users_who_can(export_record_policy.Action.VIEW, row)) == [
        someone
    ]


def test_whoever_made_an_export_sees_its_record(researcher, export):
    assert list(export_record_policy.visible_to(researcher)) == [export]
    assert export_record_policy.can(researcher, export_record_policy.Action.VIEW, export)
    assert export_record_policy.get_for(researcher, export.pk) == export
    assert researcher in export_record_policy.users_who_can(
        export_record_policy.Action.VIEW, export
    )


@pytest.mark.parametrize("policy", TRAIL_POLICIES)
def test_a_deactivated_account_and_a_visitor_see_nothing(coordinator, researcher, export, policy):
    User.objects.filter(pk__in=[coordinator.pk, researcher.pk]).update(is_active=False)
    gone = [User.objects.get(pk=coordinator.pk), User.objects.get(pk=researcher.pk)]
    for user in (*gone, AnonymousUser()):
        assert list(policy.visible_to(user)) == []
        assert not policy.can(user, policy.Action.VIEW)


@pytest.mark.parametrize("policy", TRAIL_POLICIES)
def test_those_who_may_read_the_trail_are_the_active_coordinators(coordinator, peer, policy):
    UserFactory(username="gone", roles=[Role.COORDINATOR], is_active=False)
    assert list(policy.users_who_can(policy.Action.VIEW)) == [coordinator]


@pytest.fixture
def person(peer):
    with acting_as(peer):
        person = ClientFactory()
        person.display_name = "Renamed"
        person.save()
    put_on_team(person, peer)
    return person


def test_a_history_shows_the_changes_to_the_records_a_user_may_see(person, peer, clinician):
    history = HistoryPolicy(client_policy)
    with acting_as(peer):
        record_view(person)
    changes = LogEntry.objects.get_for_object(person).exclude(action=LogEntry.Action.ACCESS)
    assert changes.exists()
    assert set(history.visible_to(peer)) == set(changes)
    assert list(history.visible_to(clinician)) == []  # not on the care team
    assert list(history.of(peer, person)) == list(changes.order_by("-timestamp", "-pk"))
    assert list(history.of(clinician, person)) == []
    entry = changes.first()
    assert history.can(peer, history.Action.VIEW, entry)
    assert not history.can(clinician, history.Action.VIEW, entry)
    with pytest.raises(Http404):
        history.get_for(clinician, entry.pk)
    assert history.get_for(peer, entry.pk) == entry


def test_a_history_never_shows_the_reads(person, peer):
    with acting_as(peer):
        record_view(person)
    actions = set(HistoryPolicy(client_policy).visible_to(peer).values_list("action", flat=True))
    assert LogEntry.Action.ACCESS not in actions


def test_a_history_offers_no_other_action(person, peer):
    history = HistoryPolicy(client_policy)
    with pytest.raises(PermissionDenied):
        history.check(peer, "edit")
