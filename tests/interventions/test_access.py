"""The policies of the interventions app. Notes as a matrix: persona x audience x
state x action, every cell; who may write, log, use the safety exception, ask
for a peer, answer, and read their notifications."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients import services as client_services
from clients.choices import Purpose
from interventions.access import (
    emergency_access_policy,
    encounter_policy,
    note_policy,
    notification_policy,
    peer_request_policy,
)
from interventions.choices import Audience
from interventions.models import EmergencyAccess, Encounter, Note, Notification, PeerRequest
from peersupport.request_memo import RequestMemo

pytestmark = pytest.mark.django_db
Action = note_policy.Action

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
    if action is Action.CREATE:
        return False  # a note that exists is not written again (see the matrix below)
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
        can_read = note_policy.visible_to(user).filter(pk=note.pk).exists()
        assert can_read is (persona in readers(audience, state)), (persona, "read")
        for action in Action:
            assert note_policy.can(user, action, note) is allowed(
                persona, audience, state, action
            ), (
                persona,
                action,
            )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("audience", list(Audience))
def test_notes_policy_matrix_holds_inside_a_request(
    cast, person, make_note, coordinator, audience, state
):
    # Inside a request the rule gives SQL the viewer's people as numbers, read
    # once (clients.access.care_teams): every cell is the same.
    users = cast(audience)
    note = make_note(person, users["author"], audience, signed=state != "draft")
    with RequestMemo():
        for persona in PERSONAS:  # what the request reads first, changed after
            note_policy.visible_to(users[persona]).filter(pk=note.pk).exists()
        if state == "consent_withdrawn":
            client_services.consent_withdraw(
                acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
            )
        if state.startswith("exception"):
            for persona in EXCEPTION_USERS:
                _grant(users[persona], person, expired=state == "exception_expired")
        for persona in PERSONAS:
            user = users[persona]
            can_read = note_policy.visible_to(user).filter(pk=note.pk).exists()
            assert can_read is (persona in readers(audience, state)), (persona, "read")
            for action in Action:
                expected = allowed(persona, audience, state, action)
                assert note_policy.can(user, action, note) is expected, (persona, action)


def _readable(viewers):
    return {user.username: set(note_policy.visible_to(user)) for user in viewers}


def test_every_case_reads_the_same_notes_inside_and_outside_a_request(
    request, person, make_note, peer, peer_b, clinician, clinician_b, other_clinician, coordinator
):
    """Left teams, merged and own records, consent expired or never given,
    answers, drafts, the safety exception: the same notes either way."""
    from clients.models import CareTeamMembership, DualRelationship
    from tests.factories import ClientFactory, put_on_team

    expired, never, left, merged, own = (ClientFactory() for _ in range(5))
    for someone in (expired, never, left, merged, own):
        put_on_team(someone, peer)
        put_on_team(someone, clinician)
    client_services.consent_record(
        acting_user=coordinator,
        client=expired,
        purpose=Purpose.CARE_TEAM_SHARING,
        decision="given",
        decided_on=timezone.localdate() - timedelta(days=60),
        expires_on=timezone.localdate() - timedelta(days=1),
        method="verbal",
    )
    for someone in (person, expired, never, left, merged, own):
        for audience in Audience:
            author = clinician if audience == Audience.CLINICAL_TEAM else peer
            start = make_note(someone, author, audience)
            make_note(someone, clinician, Audience.CARE_TEAM, answers=start)
            make_note(someone, author, audience, signed=False)
    CareTeamMembership.objects.filter(client=left, member=peer).update(left_on=timezone.localdate())
    merged.merged_into = person
    merged.save()
    DualRelationship.objects.create(user=clinician, record=own)
    _grant(other_clinician, never, expired=False)
    _grant(clinician_b, expired, expired=True)
    viewers = [peer, peer_b, clinician, clinician_b, other_clinician, coordinator]
    viewers += [request.getfixturevalue(name) for name in ("researcher", "outsider")]
    outside = _readable(viewers)
    with RequestMemo():
        assert _readable(viewers) == outside
    assert outside["other_clinician"] and outside["peer"] and outside["clinician"]


def _grow_register(people, make_note, coordinator, other_peer, other_clinician):
    """``people`` more people, none on the viewers' teams, with their notes and consents."""
    from tests.factories import ClientFactory, put_on_team

    for _ in range(people):
        someone = ClientFactory()
        put_on_team(someone, other_peer)
        put_on_team(someone, other_clinician)
        client_services.consent_record(
            acting_user=coordinator,
            client=someone,
            purpose=Purpose.CARE_TEAM_SHARING,
            decision="given",
            method="verbal",
        )
        for audience in Audience:
            make_note(someone, other_clinician, audience)


def test_the_note_rules_sql_does_not_grow_with_the_register(
    person, make_note, peer, clinician, coordinator, other_peer, other_clinician
):
    import re

    def sql(viewer):
        outside = str(note_policy.visible_to(viewer).query)
        with RequestMemo():
            inside = str(note_policy.visible_to(viewer).query)
        # The moment the safety exception is asked at changes from call to call.
        moment = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?(\+00:00)?")
        return moment.sub("<now>", outside), moment.sub("<now>", inside)

    small = {viewer: sql(viewer) for viewer in (peer, clinician)}
    _grow_register(40, make_note, coordinator, other_peer, other_clinician)
    assert {viewer: sql(viewer) for viewer in (peer, clinician)} == small
    # In a request, consent was read once for the viewer's own people: the
    # statement asks no consent, and names only the viewer's people.
    outside, inside = small[clinician]
    assert "clients_consent" in outside and "clients_consent" not in inside
    assert "clients_careteammembership" not in inside
    assert len(inside) < len(outside)


@pytest.mark.parametrize("persona", ["peer", "clinician"])
def test_the_note_rule_costs_the_same_queries_whatever_the_caseload_and_register(
    request, person, make_note, coordinator, other_peer, other_clinician, persona
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ClientFactory, put_on_team

    viewer = request.getfixturevalue(persona)
    viewer.sorted_roles()

    def queries():
        with RequestMemo(), CaptureQueriesContext(connection) as counted:
            readable = list(note_policy.visible_to(viewer))
            assert note_policy.can(viewer, Action.VIEW, readable[0])
            note_policy.audiences_for(viewer, person)
            note_policy.count_hidden_by_consent(viewer, person)
        return len(counted)

    make_note(person, viewer, Audience.CARE_TEAM)
    one = queries()
    for _ in range(30):  # the viewer's caseload, then the register, grow
        someone = ClientFactory()
        put_on_team(someone, viewer)
        make_note(someone, viewer, Audience.CARE_TEAM)
    _grow_register(30, make_note, coordinator, other_peer, other_clinician)
    assert queries() == one
    # The viewer's care teams and uses of the safety exception (once), the
    # notes, the note asked of; on the team and sharing, nothing more.
    assert one == 2 + 1 + 1


def test_superusers_read_no_note_by_being_superusers(person, make_note, peer):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True, roles=["coordinator"])
    note = make_note(person, peer, Audience.PEER_TEAM)
    assert not note_policy.visible_to(root).filter(pk=note.pk).exists()
    assert note_policy.metadata_visible_to(root).filter(pk=note.pk).exists()


def test_an_author_who_left_the_team_no_longer_reads_signed_notes_but_keeps_drafts(
    person, make_note, peer, coordinator
):
    signed = make_note(person, peer, Audience.PEER_TEAM)
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False)
    client_services.team_end_membership(
        acting_user=coordinator, membership=person.memberships.get(member=peer)
    )
    assert not note_policy.visible_to(peer).filter(pk=signed.pk).exists()
    assert note_policy.visible_to(peer).filter(pk=draft.pk).exists()


def test_a_peer_who_left_the_team_loses_the_others_notes(
    person, make_note, peer, peer_b, coordinator
):
    note = make_note(person, peer, Audience.PEER_TEAM)
    client_services.team_end_membership(
        acting_user=coordinator, membership=person.memberships.get(member=peer_b)
    )
    assert not note_policy.visible_to(peer_b).filter(pk=note.pk).exists()


def test_clinicians_are_told_how_many_notes_consent_hides(
    person, make_note, peer, clinician, coordinator
):
    make_note(person, peer, Audience.CARE_TEAM)
    make_note(person, peer, Audience.CARE_TEAM)
    make_note(person, peer, Audience.PEER_TEAM)
    assert note_policy.count_hidden_by_consent(clinician, person) == 0
    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    assert note_policy.count_hidden_by_consent(clinician, person) == 2
    assert note_policy.count_hidden_by_consent(peer, person) == 0


def test_audiences_offered_start_with_the_narrowest_for_the_role(
    person, peer, clinician, coordinator
):
    assert note_policy.audiences_for(peer, person) == [Audience.PEER_TEAM, Audience.CARE_TEAM]
    assert note_policy.audiences_for(clinician, person) == [
        Audience.CLINICAL_TEAM,
        Audience.CARE_TEAM,
    ]
    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    assert note_policy.audiences_for(peer, person) == [Audience.PEER_TEAM]
    assert note_policy.audiences_for(coordinator, person) == []


def test_encounters_are_seen_by_the_care_team_and_coordinators(
    person, peer, clinician, other_peer, coordinator, researcher
):
    from interventions.models import Encounter

    encounter = Encounter.objects.create(client=person, setting="street", author=peer)
    anonymous = Encounter.objects.create(anonymous_count=3, setting="street", author=other_peer)
    encounter.participants.add(other_peer)  # tagged, but not on the person's team
    assert set(encounter_policy.visible_to(clinician)) == {encounter}
    assert set(encounter_policy.visible_to(other_peer)) == {anonymous}
    assert set(encounter_policy.visible_to(coordinator)) == {encounter, anonymous}
    assert not encounter_policy.visible_to(researcher).exists()


# Who may start what about a person: the flags of the person's page and the
# first check of each service. ``person``'s team: peer, peer_b, clinician, clinician_b.

EVERYONE = [
    "peer",
    "peer_b",
    "other_peer",
    "clinician",
    "clinician_b",
    "other_clinician",
    "coordinator",
    "researcher",
]
ON_TEAM = {"peer", "peer_b", "clinician", "clinician_b"}
STARTS = {
    "write_note": ON_TEAM,
    "log_encounter": ON_TEAM,
    "open_emergency": {"clinician", "clinician_b", "coordinator"},
    "request_peer": {"clinician", "clinician_b"},
}


def _starts(user, person, what):
    match what:
        case "write_note":
            return note_policy.can(user, Action.CREATE, Note(client=person))
        case "log_encounter":
            return encounter_policy.can(
                user, encounter_policy.Action.CREATE, Encounter(client=person)
            )
        case "open_emergency":
            return emergency_access_policy.can(
                user, emergency_access_policy.Action.OPEN, EmergencyAccess(client=person)
            )
        case "request_peer":
            return peer_request_policy.can(
                user, peer_request_policy.Action.CREATE, PeerRequest(client=person)
            )


@pytest.mark.parametrize("what", list(STARTS))
def test_who_may_start_what_about_a_person(request, person, what):
    for persona in EVERYONE:
        user = request.getfixturevalue(persona)
        assert _starts(user, person, what) is (persona in STARTS[what]), persona


def test_nobody_logs_an_encounter_with_a_closed_file_but_notes_go_on(person, peer, coordinator):
    from clients import services as client_services

    client_services.client_close(acting_user=coordinator, client=person, reason="moved")
    person.refresh_from_db()
    assert not encounter_policy.can(peer, encounter_policy.Action.CREATE, Encounter(client=person))
    assert not encounter_policy.clients_for_new(peer).filter(pk=person.pk).exists()
    assert note_policy.can(peer, Action.CREATE, Note(client=person))


def test_who_may_log_encounters_at_all(request, person):
    for persona in EVERYONE:
        user = request.getfixturevalue(persona)
        expected = persona not in {"coordinator", "researcher"}
        assert encounter_policy.can(user, encounter_policy.Action.CREATE) is expected, persona


def test_who_may_be_named_among_those_who_took_part(person, peer, peer_b, clinician, clinician_b):
    TAKE_PART = encounter_policy.Action.TAKE_PART
    with_person = set(encounter_policy.users_who_can(TAKE_PART, Encounter(client=person)))
    assert with_person == {peer, peer_b, clinician, clinician_b}
    # With no person chosen yet (the form's picker): every peer and clinician.
    in_the_field = {u.username for u in encounter_policy.users_who_can(TAKE_PART)}
    assert in_the_field == ON_TEAM | {"other_peer", "other_clinician"}


def test_at_an_anonymous_contact_the_authors_colleagues_may_be_named(
    person, peer, peer_b, clinician, clinician_b, other_clinician
):
    TAKE_PART = encounter_policy.Action.TAKE_PART
    contact = Encounter(author=peer)  # no person: their teammates on any of their teams
    assert set(encounter_policy.users_who_can(TAKE_PART, contact)) == {
        peer,
        peer_b,
        clinician,
        clinician_b,
    }
    assert encounter_policy.can(clinician, TAKE_PART, contact)
    assert not encounter_policy.can(other_clinician, TAKE_PART, contact)


ANSWERS = {
    # action: personas allowed (with no request in particular)
    "list": {"peer", "peer_b", "other_peer", "coordinator"},
    "fulfil": {"peer", "peer_b", "other_peer", "coordinator"},
    "assign": {"coordinator"},
    "read_reason": {"coordinator"},
    "take": {"peer", "peer_b", "other_peer"},
}


@pytest.mark.parametrize("action", list(ANSWERS))
def test_who_answers_requests_for_a_peer(request, person, clinician, action):
    asked = PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    for persona in EVERYONE:
        user = request.getfixturevalue(persona)
        expected = persona in ANSWERS[action]
        assert peer_request_policy.can(user, action) is expected, persona
        assert peer_request_policy.can(user, action, asked) is expected, persona
        visible = peer_request_policy.visible_to(user).filter(pk=asked.pk).exists()
        assert visible is (persona in ANSWERS["list"]), persona


def test_peers_are_offered_for_a_request_and_coordinators_are_told(
    person, peer, peer_b, other_peer, coordinator
):
    take, assign = peer_request_policy.Action.TAKE, peer_request_policy.Action.ASSIGN
    assert set(peer_request_policy.users_who_can(take)) == {peer, peer_b, other_peer}
    assert set(peer_request_policy.users_who_can(assign)) == {coordinator}
    other_peer.is_active = False
    other_peer.save()
    assert set(peer_request_policy.users_who_can(take)) == {peer, peer_b}


def test_closed_requests_are_listed_for_nobody(person, clinician, coordinator):
    from interventions.choices import PeerRequestStatus

    asked = PeerRequest.objects.create(
        client=person, requested_by=clinician, reason="x", status=PeerRequestStatus.FULFILLED
    )
    assert not peer_request_policy.visible_to(coordinator).filter(pk=asked.pk).exists()


def test_coordinators_see_every_use_of_the_exception_others_their_own(
    person, clinician, clinician_b, coordinator, peer
):
    mine = _grant(clinician, person, expired=True)
    theirs = _grant(clinician_b, person, expired=True)
    visible = emergency_access_policy.visible_to
    assert set(visible(coordinator)) == {mine, theirs}
    assert set(visible(clinician)) == {mine}
    assert not visible(peer).exists()
    review = emergency_access_policy.Action.REVIEW
    disclose = emergency_access_policy.Action.RECORD_DISCLOSURE
    assert emergency_access_policy.can(coordinator, review, mine)
    assert not emergency_access_policy.can(clinician, review, mine)
    assert emergency_access_policy.can(clinician, disclose, mine)
    assert not emergency_access_policy.can(clinician, disclose, theirs)
    assert set(emergency_access_policy.users_who_can(review)) == {coordinator}


def test_each_user_reads_and_marks_only_their_own_notifications(peer, clinician):
    mine = Notification.objects.create(recipient=peer, kind="peer_requested")
    theirs = Notification.objects.create(recipient=clinician, kind="peer_requested")
    assert list(notification_policy.visible_to(peer)) == [mine]
    mark = notification_policy.Action.MARK_READ
    assert notification_policy.can(peer, mark, mine)
    assert not notification_policy.can(peer, mark, theirs)


def test_a_deactivated_account_keeps_no_access(person, peer, make_note, clinician):
    note = make_note(person, peer, Audience.PEER_TEAM)
    Notification.objects.create(recipient=peer, kind="peer_requested")
    peer.is_active = False
    peer.save()
    assert not note_policy.visible_to(peer).exists()
    assert not note_policy.can(peer, Action.VIEW, note)
    assert not encounter_policy.visible_to(peer).exists()
    assert not notification_policy.visible_to(peer).exists()
    assert not peer_request_policy.can(peer, peer_request_policy.Action.LIST)


def test_research_counts_every_encounter_and_exports_rows_of_consenting_people_only(
    person, peer, researcher, coordinator
):
    from clients.choices import ConsentMethod, Decision
    from interventions.access import encounter_research_policy

    with_person = Encounter.objects.create(client=person, setting="street", author=peer)
    anonymous = Encounter.objects.create(anonymous_count=2, setting="street", author=peer)
    counted = encounter_research_policy.visible_to
    rows = encounter_research_policy.Action.EXPORT_ROWS
    assert set(counted(researcher)) == {with_person, anonymous}
    assert not counted(researcher, rows).exists()  # no research consent yet
    client_services.consent_record(
        acting_user=coordinator,
        client=person,
        purpose=Purpose.RESEARCH,
        decision=Decision.GIVEN,
        method=ConsentMethod.VERBAL,
        decided_on=timezone.localdate() - timedelta(days=1),
    )
    assert list(counted(researcher, rows)) == [with_person]
    assert set(counted(coordinator)) == {with_person, anonymous}  # programme statistics
    assert not counted(peer).exists() and not encounter_research_policy.can(peer, "view")
    studying = encounter_research_policy.users_who_can(rows, with_person)
    assert set(studying) == {researcher, coordinator}
    assert not encounter_research_policy.users_who_can(rows, anonymous).exists()
