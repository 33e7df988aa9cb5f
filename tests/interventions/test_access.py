"""The notes policy as a matrix: persona x audience x state x action, every cell."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients import services as client_services
from clients.choices import Purpose
from interventions import access
from interventions.access import Action
from interventions.choices import Audience
from interventions.models import EmergencyAccess

pytestmark = pytest.mark.django_db

# Who reads a signed note of each audience while consent to share is in force.
# "author" wrote it: a peer for peer-team and care-team notes, a clinician for
# clinical-team notes (peers never write those).
PERSONAS = [
    "author",
    "other_peer_on_team",
    "peer_off_team",
    "clinician_on_team",
    "clinician_off_team",
    "coordinator",
    "researcher",
]
READERS_WHEN_SIGNED = {
    Audience.PEER_TEAM: {"author", "other_peer_on_team"},
    Audience.CARE_TEAM: {"author", "other_peer_on_team", "clinician_on_team"},
    Audience.CLINICAL_TEAM: {"author", "clinician_on_team"},
}
READERS_WHEN_CONSENT_WITHDRAWN = {
    Audience.PEER_TEAM: {"author", "other_peer_on_team"},
    Audience.CARE_TEAM: {"author", "other_peer_on_team"},
    Audience.CLINICAL_TEAM: {"author", "clinician_on_team"},
}
# The safety exception is used by the clinician on the team and the coordinator.
EXCEPTION_USERS = {"clinician_on_team", "coordinator"}
STATES = ["draft", "signed", "consent_withdrawn", "exception_active", "exception_expired"]


def readers(audience, state):
    match state:
        case "draft":
            return {"author"}
        case "signed" | "exception_expired":
            return READERS_WHEN_SIGNED[audience]
        case "consent_withdrawn":
            return READERS_WHEN_CONSENT_WITHDRAWN[audience]
        case "exception_active":
            return READERS_WHEN_SIGNED[audience] | EXCEPTION_USERS


def allowed(persona, audience, state, action):
    if persona not in readers(audience, state):
        return False
    if action in (Action.LIST, Action.VIEW):
        return True
    if persona != "author":
        return False
    if action in (Action.EDIT, Action.SIGN):
        return state == "draft"
    return state != "draft"  # addendum, widen, narrow: signed notes only


@pytest.fixture
def cast(request, person, peer, peer_b, clinician, clinician_b, other_peer, other_clinician):
    def cast_for(audience):
        clinical = audience == Audience.CLINICAL_TEAM
        return {
            "author": clinician_b if clinical else peer,
            "other_peer_on_team": peer_b,
            "peer_off_team": other_peer,
            "clinician_on_team": clinician,
            "clinician_off_team": other_clinician,
            "coordinator": request.getfixturevalue("coordinator"),
            "researcher": request.getfixturevalue("researcher"),
        }

    return cast_for


def _grant(user, client, *, expired):
    now = timezone.now()
    start = now - timedelta(hours=3) if expired else now - timedelta(minutes=1)
    return EmergencyAccess.objects.create(
        client=client,
        user=user,
        reason="risk_to_self",
        justification="Test",
        granted_at=start,
        expires_at=start + timedelta(hours=1),
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("audience", list(Audience))
def test_notes_policy_matrix(cast, person, make_note, coordinator, audience, state):
    users = cast(audience)
    note = make_note(person, users["author"], audience, signed=state != "draft")
    if state == "consent_withdrawn":
        client_services.consent_withdraw(
            acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
        )
    if state.startswith("exception"):
        for persona in EXCEPTION_USERS:
            _grant(users[persona], person, expired=state == "exception_expired")
    for persona in PERSONAS:
        user = users[persona]
        can_read = access.notes_visible_to(user).filter(pk=note.pk).exists()
        assert can_read is (persona in readers(audience, state)), (persona, "read")
        for action in Action:
            assert access.can(user, action, note) is allowed(persona, audience, state, action), (
                persona,
                action,
            )


def test_superusers_read_no_note_by_being_superusers(person, make_note, peer):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True, roles=["coordinator"])
    note = make_note(person, peer, Audience.PEER_TEAM)
    assert not access.notes_visible_to(root).filter(pk=note.pk).exists()
    assert access.note_metadata_visible_to(root).filter(pk=note.pk).exists()


def test_an_author_who_left_the_team_no_longer_reads_signed_notes_but_keeps_drafts(
    person, make_note, peer, coordinator
):
    signed = make_note(person, peer, Audience.PEER_TEAM)
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False)
    client_services.team_end_membership(
        acting_user=coordinator, membership=person.memberships.get(member=peer)
    )
    assert not access.notes_visible_to(peer).filter(pk=signed.pk).exists()
    assert access.notes_visible_to(peer).filter(pk=draft.pk).exists()


def test_a_peer_who_left_the_team_loses_the_others_notes(
    person, make_note, peer, peer_b, coordinator
):
    note = make_note(person, peer, Audience.PEER_TEAM)
    client_services.team_end_membership(
        acting_user=coordinator, membership=person.memberships.get(member=peer_b)
    )
    assert not access.notes_visible_to(peer_b).filter(pk=note.pk).exists()


def test_clinicians_are_told_how_many_notes_consent_hides(
    person, make_note, peer, clinician, coordinator
):
    make_note(person, peer, Audience.CARE_TEAM)
    make_note(person, peer, Audience.CARE_TEAM)
    make_note(person, peer, Audience.PEER_TEAM)
    assert access.notes_hidden_by_consent(clinician, person) == 0
    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    assert access.notes_hidden_by_consent(clinician, person) == 2
    assert access.notes_hidden_by_consent(peer, person) == 0


def test_audiences_offered_start_with_the_narrowest_for_the_role(
    person, peer, clinician, coordinator
):
    assert access.audiences_for(peer, person) == [Audience.PEER_TEAM, Audience.CARE_TEAM]
    assert access.audiences_for(clinician, person) == [Audience.CLINICAL_TEAM, Audience.CARE_TEAM]
    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    assert access.audiences_for(peer, person) == [Audience.PEER_TEAM]
    assert access.audiences_for(coordinator, person) == []


def test_encounters_are_seen_by_the_care_team_and_coordinators(
    person, peer, clinician, other_peer, coordinator, researcher
):
    from interventions.models import Encounter

    encounter = Encounter.objects.create(client=person, setting="street", author=peer)
    anonymous = Encounter.objects.create(anonymous_count=3, setting="street", author=other_peer)
    encounter.participants.add(other_peer)  # tagged, but not on the person's team
    assert set(access.encounters_visible_to(clinician)) == {encounter}
    assert set(access.encounters_visible_to(other_peer)) == {anonymous}
    assert set(access.encounters_visible_to(coordinator)) == {encounter, anonymous}
    assert not access.encounters_visible_to(researcher).exists()
