"""The three policies of support groups, persona by persona (groups/access.py):
groups and their sessions are seen by those who work with people; a session
is changed by its group's facilitators; its note is read by the facilitators
its audience names, and by nobody else; a registered person who came is seen
by whoever sees that person, the rest are counts."""

import pytest
from django.utils import timezone

from groups.access import (
    attendance_counts,
    group_attendance_policy,
    group_session_policy,
    support_group_policy,
)
from groups.choices import SessionNoteAudience
from groups.models import GroupAttendance, SupportGroup

pytestmark = pytest.mark.django_db

# peer and clinician facilitate the group; other_peer and other_clinician do not.
PERSONAS = [
    "peer",
    "other_peer",
    "clinician",
    "other_clinician",
    "researcher",
    "coordinator",
    "outsider",
    "anonymous",
]
G = support_group_policy.Action
S = group_session_policy.Action
A = group_attendance_policy.Action


def _who(request, persona):
    return request.getfixturevalue(persona)


# Groups ------------------------------------------------------------------------

SEES = {"peer", "other_peer", "clinician", "other_clinician", "coordinator"}
RUNS = {"peer", "other_peer", "clinician", "other_clinician"}
FACILITATES = {"peer", "clinician"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_groups_and_starts_one(request, group, persona):
    user = _who(request, persona)
    assert support_group_policy.can(user, G.LIST) is (persona in SEES)
    assert support_group_policy.can(user, G.VIEW, group) is (persona in SEES)
    assert list(support_group_policy.visible_to(user)) == ([group] if persona in SEES else [])
    assert support_group_policy.can(user, G.CREATE) is (persona in RUNS)
    assert support_group_policy.can(user, G.CREATE, SupportGroup()) is (persona in RUNS)
    # A saved group is never "created" again.
    assert support_group_policy.can(user, G.CREATE, group) is False


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_change_a_group_and_record_its_sessions(request, group, persona):
    user = _who(request, persona)
    assert support_group_policy.can(user, G.EDIT, group) is (persona in FACILITATES)
    assert support_group_policy.can(user, G.RECORD_SESSION, group) is (persona in FACILITATES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_retired_group_records_no_session_but_its_facilitators_still_change_it(
    request, group, persona
):
    group.is_active = False
    group.save()
    user = _who(request, persona)
    assert support_group_policy.can(user, G.RECORD_SESSION, group) is False
    assert support_group_policy.can(user, G.EDIT, group) is (persona in FACILITATES)


def test_the_facilitator_picker_offers_active_peers_and_clinicians_only(
    peer, other_peer, clinician, researcher, coordinator, outsider
):
    offered = set(support_group_policy.users_who_can(G.FACILITATE))
    assert {peer, other_peer, clinician} <= offered
    assert offered.isdisjoint({researcher, coordinator, outsider})
    other_peer.is_active = False
    other_peer.save()
    assert other_peer not in set(support_group_policy.users_who_can(G.FACILITATE))


def test_those_who_record_a_group_s_sessions_are_its_facilitators(group, peer, clinician):
    assert set(support_group_policy.users_who_can(G.RECORD_SESSION, group)) == {peer, clinician}


# Sessions ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_and_changes_a_session(request, session, persona):
    user = _who(request, persona)
    assert group_session_policy.can(user, S.VIEW, session) is (persona in SEES)
    assert list(group_session_policy.visible_to(user)) == ([session] if persona in SEES else [])
    assert group_session_policy.can(user, S.EDIT, session) is (persona in FACILITATES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_cancelled_session_is_changed_by_nobody(request, session, persona):
    session.cancelled_at = timezone.now()
    session.save()
    assert group_session_policy.can(_who(request, persona), S.EDIT, session) is False


# Who reads the note, by its audience: only facilitators, never a coordinator.
READERS = {
    SessionNoteAudience.PEERS: {"peer"},
    SessionNoteAudience.CLINICIANS: {"clinician"},
    SessionNoteAudience.FACILITATORS: {"peer", "clinician"},
}


@pytest.mark.parametrize("audience", list(SessionNoteAudience))
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_note_is_read_by_the_facilitators_its_audience_names(
    request, session, persona, audience
):
    session.note_audience = audience
    session.save()
    user = _who(request, persona)
    reads = persona in READERS[audience]
    assert group_session_policy.can(user, S.READ_NOTE, session) is reads
    assert (session in set(group_session_policy.notes_visible_to(user))) is reads


@pytest.mark.parametrize("audience", list(SessionNoteAudience))
def test_the_note_s_readers_are_listed_for_its_audience(
    request, session, audience, peer, clinician
):
    session.note_audience = audience
    session.save()
    readers = {u.username for u in group_session_policy.users_who_can(S.READ_NOTE, session)}
    assert readers == READERS[audience]


def test_leaving_the_facilitators_ends_the_reading(session, group, peer, clinician):
    group.facilitators.set([clinician])
    assert group_session_policy.can(peer, S.READ_NOTE, session) is False
    assert group_session_policy.can(peer, S.EDIT, session) is False


COUNTS = {"researcher", "coordinator"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_researchers_and_coordinators_count_sessions_without_reading_them(
    request, session, make_session, persona
):
    cancelled = make_session(cancelled_at=timezone.now())
    user = _who(request, persona)
    assert group_session_policy.can(user, S.COUNT) is (persona in COUNTS)
    counted = set(group_session_policy.metadata_visible_to(user))
    assert counted == ({session} if persona in COUNTS else set())
    assert cancelled not in counted
    # Counting one session is not a thing: counts are of many.
    assert group_session_policy.can(user, S.COUNT, session) is False


# Attendance ------------------------------------------------------------------------


# Whose attendance each persona sees by name: the person on the peer's and the
# clinician's teams, the other on the other clinician's; the coordinator sees
# every person, researchers none.
SEEN = {
    "peer": {"person"},
    "other_peer": set(),
    "clinician": {"person"},
    "other_clinician": {"elsewhere"},
    "researcher": set(),
    "coordinator": {"person", "elsewhere"},
    "outsider": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_person_who_came_is_seen_by_whoever_sees_them_and_counted_by_the_rest(
    request, session, person, elsewhere, persona
):
    user = _who(request, persona)
    names = {person.pk: "person", elsewhere.pk: "elsewhere"}
    seen = {names[a.client_id] for a in group_attendance_policy.visible_to(user)}
    assert seen == SEEN[persona]
    hidden, anonymous = attendance_counts(user, session)
    assert (hidden, anonymous) == (2 - len(SEEN[persona]), 2)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_facilitator_names_only_their_own_people_as_having_come(
    request, group, make_session, person, elsewhere, persona
):
    blank = make_session()
    user = _who(request, persona)
    for client, allowed in ((person, persona in {"peer", "clinician"}), (elsewhere, False)):
        attendance = GroupAttendance(session=blank, client=client)
        assert group_attendance_policy.can(user, A.RECORD, attendance) is allowed


def test_a_closed_file_is_not_offered_to_be_named(peer, person):
    assert list(group_attendance_policy.clients_for_record(peer)) == [person]
    person.closed_on = timezone.localdate()
    person.save()
    assert list(group_attendance_policy.clients_for_record(peer)) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_facilitator_takes_off_the_list_only_someone_they_see(
    request, session, person, elsewhere, persona
):
    user = _who(request, persona)
    mine = GroupAttendance.objects.get(session=session, client=person)
    theirs = GroupAttendance.objects.get(session=session, client=elsewhere)
    assert group_attendance_policy.can(user, A.REMOVE, mine) is (persona in FACILITATES)
    assert group_attendance_policy.can(user, A.REMOVE, theirs) is False


def test_nobody_takes_anyone_off_a_cancelled_session(session, person, peer):
    session.cancelled_at = timezone.now()
    session.save()
    mine = GroupAttendance.objects.get(session=session, client=person)
    assert group_attendance_policy.can(peer, A.REMOVE, mine) is False
