"""A staff member who declared a dual relationship never sees their own record
through the intervention policies either: not its encounters, notes (a draft
they wrote on it included), uses of the safety exception or requests for a
peer, even with a role that sees the whole register; and they are never the
one told to review or answer something about it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients.models import DualRelationship
from interventions.access import (
    emergency_access_policy,
    encounter_policy,
    note_policy,
    peer_request_policy,
)
from interventions.choices import Audience
from interventions.models import EmergencyAccess, Encounter, PeerRequest
from peersupport.models import User
from peersupport.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def second_coordinator(db):
    return UserFactory(username="coordinator_b", roles=[Role.COORDINATOR])


@pytest.fixture
def declared(coordinator, person):
    """The coordinator was once served by the programme: ``person`` is them."""
    DualRelationship.objects.create(user=coordinator, record=person, details="Served in 2016")
    return person


def _exception_on(client, user):
    now = timezone.now()
    return EmergencyAccess.objects.create(
        client=client,
        user=user,
        reason="risk_to_self",
        justification="Feared for their safety",
        granted_at=now,
        expires_at=now + timedelta(hours=1),
    )


def test_their_own_records_encounters_are_hidden_from_a_coordinator(
    coordinator, second_coordinator, declared, peer
):
    encounter = Encounter.objects.create(client=declared, setting="street", author=peer)
    assert not encounter_policy.visible_to(coordinator).filter(pk=encounter.pk).exists()
    assert encounter_policy.visible_to(second_coordinator).filter(pk=encounter.pk).exists()


def test_their_own_records_signed_notes_are_hidden_even_as_metadata(
    coordinator, second_coordinator, declared, peer, make_note
):
    note = make_note(declared, peer, Audience.CARE_TEAM)
    assert not note_policy.metadata_visible_to(coordinator).filter(pk=note.pk).exists()
    assert note_policy.metadata_visible_to(second_coordinator).filter(pk=note.pk).exists()


def test_a_draft_they_wrote_on_their_own_record_is_hidden_from_them(peer, person, make_note):
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False)
    assert note_policy.visible_to(peer).filter(pk=draft.pk).exists()
    DualRelationship.objects.create(user=peer, record=person)
    assert not note_policy.visible_to(peer).filter(pk=draft.pk).exists()


def test_the_safety_exception_cannot_be_used_on_their_own_record(
    coordinator, second_coordinator, declared
):
    # As on the next request: the user is read afresh (own_record_pk keeps
    # its answer on the user object for the rest of a request).
    coordinator = User.objects.get(pk=coordinator.pk)
    attempt = EmergencyAccess(client=declared, user=coordinator)
    assert not emergency_access_policy.can(
        coordinator, emergency_access_policy.Action.OPEN, attempt
    )
    assert emergency_access_policy.can(
        second_coordinator,
        emergency_access_policy.Action.OPEN,
        EmergencyAccess(client=declared, user=second_coordinator),
    )


def test_a_use_of_the_exception_on_their_record_is_neither_shown_nor_sent_to_them(
    coordinator, second_coordinator, declared, clinician
):
    used = _exception_on(declared, clinician)
    assert not emergency_access_policy.visible_to(coordinator).filter(pk=used.pk).exists()
    assert emergency_access_policy.visible_to(second_coordinator).filter(pk=used.pk).exists()
    reviewers = emergency_access_policy.users_who_can(emergency_access_policy.Action.REVIEW, used)
    assert set(reviewers) == {second_coordinator}


def test_a_request_for_a_peer_for_them_is_neither_shown_nor_assigned_by_them(
    coordinator, second_coordinator, declared, clinician, peer, peer_b
):
    asked = PeerRequest.objects.create(client=declared, requested_by=clinician, reason="Court")
    assert not peer_request_policy.visible_to(coordinator).filter(pk=asked.pk).exists()
    assert peer_request_policy.visible_to(second_coordinator).filter(pk=asked.pk).exists()
    assigners = peer_request_policy.users_who_can(peer_request_policy.Action.ASSIGN, asked)
    assert set(assigners) == {second_coordinator}
    # A peer who declared the record is not offered it to take.
    DualRelationship.objects.create(user=peer_b, record=declared)
    takers = peer_request_policy.users_who_can(peer_request_policy.Action.TAKE, asked)
    assert peer in takers and peer_b not in takers
