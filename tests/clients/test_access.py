"""The register's access policy as a matrix: persona x action x open/closed file."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from clients import access, services
from clients.access import (
    Action,
    care_team_membership_policy,
    client_join_policy,
    client_merge_policy,
    client_policy,
    client_research_policy,
    consent_policy,
    living_situation_policy,
)
from clients.models import CareTeamMembership, Client, ClientMerge, Consent, LivingSituation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A = Action
ON_TEAM_OPEN = {A.VIEW, A.EDIT, A.RECORD_SITUATION, A.RECORD_CONSENT, A.WITHDRAW_CONSENT, A.CLOSE}
ON_TEAM_CLOSED = {A.VIEW, A.WITHDRAW_CONSENT, A.REOPEN}
EXPECTED = {
    # persona: (allowed on an open file, allowed on a closed file)
    "peer": (ON_TEAM_OPEN, ON_TEAM_CLOSED),
    "clinician": (ON_TEAM_OPEN, ON_TEAM_CLOSED),
    "other_peer": (set(), set()),
    "other_clinician": (set(), set()),
    "researcher": (set(), set()),
    "outsider": (set(), set()),
    "coordinator": (ON_TEAM_OPEN | {A.MANAGE_TEAM, A.MERGE}, ON_TEAM_CLOSED | {A.MANAGE_TEAM}),
}


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
@pytest.mark.parametrize("persona", list(EXPECTED))
@pytest.mark.parametrize("action", list(Action))
def test_policy_matrix(request, person, coordinator, persona, action, closed):
    if closed:
        services.client_close(acting_user=coordinator, client=person, reason="moved")
    user = request.getfixturevalue(persona)
    allowed = EXPECTED[persona][1 if closed else 0]
    visible = client_policy.visible_to(user).filter(pk=person.pk).exists()
    assert visible is (A.VIEW in allowed)
    if not visible:
        with pytest.raises(Http404):
            client_policy.get_for(user, person.pk, action)
    elif action in allowed:
        assert client_policy.get_for(user, person.pk, action) == person
    else:
        with pytest.raises(PermissionDenied):
            client_policy.get_for(user, person.pk, action)


def test_anonymous_sees_nobody(person):
    from django.contrib.auth.models import AnonymousUser

    assert not client_policy.visible_to(AnonymousUser()).exists()


def test_a_peer_who_left_the_team_no_longer_sees_the_person(person, peer, coordinator):
    services.team_end_membership(
        acting_user=coordinator, membership=person.memberships.get(member=peer)
    )
    assert not client_policy.visible_to(peer).filter(pk=person.pk).exists()


def test_a_merged_away_record_is_nobodys_to_see(person, coordinator):
    duplicate = Client.objects.create(display_name="Lène", created_by=coordinator)
    services.client_merge(acting_user=coordinator, keep=person, merge_away=duplicate, reason="x")
    assert not client_policy.visible_to(coordinator).filter(pk=duplicate.pk).exists()
    assert access.merged_destination_for(coordinator, duplicate.pk) == person


def test_peers_and_clinicians_find_people_outside_their_teams_only(person, peer, other_peer):
    assert person in client_join_policy.visible_to(other_peer)
    assert person not in client_join_policy.visible_to(peer)


def test_researchers_and_coordinators_find_nobody_to_join(person, researcher, coordinator):
    assert not client_join_policy.visible_to(researcher).exists()
    assert not client_join_policy.visible_to(coordinator).exists()


def test_only_field_roles_and_coordinators_use_the_register(researcher, outsider, peer):
    assert not client_policy.visible_to(researcher).exists()
    assert not client_policy.visible_to(outsider).exists()


# Asked with no person: may they do it at all (register someone, merge, manage teams)?
WITHOUT_A_PERSON = {
    "peer": set(Action) - {A.MANAGE_TEAM, A.MERGE},
    "clinician": set(Action) - {A.MANAGE_TEAM, A.MERGE},
    "researcher": set(),
    "outsider": set(),
    "coordinator": set(Action),
}


@pytest.mark.parametrize("persona", list(WITHOUT_A_PERSON))
@pytest.mark.parametrize("action", list(Action))
def test_policy_without_a_person(request, persona, action):
    user = request.getfixturevalue(persona)
    assert client_policy.can(user, action) is (action in WITHOUT_A_PERSON[persona])


def test_registering_is_asked_without_a_person_never_of_one(person, coordinator):
    assert client_policy.can(coordinator, A.CREATE)
    assert not client_policy.can(coordinator, A.CREATE, person)


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
@pytest.mark.parametrize("action", list(Action))
def test_users_who_can_agree_with_can(request, person, coordinator, action, closed):
    if closed:
        services.client_close(acting_user=coordinator, client=person, reason="moved")
    everyone = [request.getfixturevalue(name) for name in EXPECTED]
    chosen = set(client_policy.users_who_can(action, person))
    assert chosen == {user for user in everyone if client_policy.can(user, action, person)}
    anyone = set(client_policy.users_who_can(action))
    assert anyone == {user for user in everyone if client_policy.can(user, action)}


def test_a_deactivated_account_has_no_access_at_all(person, peer, other_peer, coordinator):
    for user in (peer, other_peer, coordinator):
        user.is_active = False
        user.save()
        user.refresh_from_db()
    assert not client_policy.visible_to(peer).exists()
    assert not client_policy.visible_to(coordinator).exists()
    assert not client_join_policy.visible_to(other_peer).exists()
    for action in Action:
        assert not client_policy.can(peer, action, person)
        assert not client_policy.can(coordinator, action)
    assert not client_join_policy.can(other_peer, client_join_policy.Action.JOIN, person)
    assert peer not in client_policy.users_who_can(A.VIEW, person)
    assert other_peer not in client_join_policy.users_who_can(client_join_policy.Action.JOIN)


def test_the_member_picker_offers_the_active_peers_and_clinicians(
    peer, clinician, other_peer, researcher, coordinator, outsider
):
    other_peer.is_active = False
    other_peer.save()
    offered = set(client_join_policy.users_who_can(client_join_policy.Action.JOIN))
    assert offered == {peer, clinician}


def test_joining_is_asked_of_open_records_and_merged_ones_are_refused(
    person, other_peer, coordinator
):
    J = client_join_policy.Action
    assert client_join_policy.can(other_peer, J.JOIN, person)
    assert client_join_policy.get_for(other_peer, person.pk, J.JOIN) == person
    with pytest.raises(Http404):
        client_join_policy.get_for(coordinator, person.pk, J.JOIN)
    duplicate = Client.objects.create(display_name="Lène", created_by=coordinator)
    services.client_merge(acting_user=coordinator, keep=person, merge_away=duplicate, reason="x")
    duplicate.refresh_from_db()
    assert not client_join_policy.can(other_peer, J.JOIN, duplicate)
    assert duplicate not in client_join_policy.visible_to(other_peer)


# A person's records follow the person.


@pytest.fixture
def records(person, coordinator, peer):
    situation = services.client_record_situation(
        acting_user=coordinator, client=person, situation="street"
    )
    consent = services.consent_record(
        acting_user=coordinator, client=person, purpose="research", decision="refused"
    )
    membership = person.memberships.get(member=peer)
    return situation, consent, membership


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_a_persons_records_are_seen_by_who_sees_the_person(request, person, records, persona):
    user = request.getfixturevalue(persona)
    sees_person = A.VIEW in EXPECTED[persona][0]
    situation, consent, membership = records
    for policy, row in (
        (living_situation_policy, situation),
        (consent_policy, consent),
        (care_team_membership_policy, membership),
    ):
        assert policy.visible_to(user).filter(pk=row.pk).exists() is sees_person
        assert policy.can(user, "view", row) is sees_person


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
@pytest.mark.parametrize("persona", list(EXPECTED))
def test_a_persons_records_are_changed_by_who_may_change_the_person(
    request, person, records, coordinator, persona, closed
):
    if closed:
        services.client_close(acting_user=coordinator, client=person, reason="moved")
    user = request.getfixturevalue(persona)
    allowed = EXPECTED[persona][1 if closed else 0]
    *_, membership = records
    cells = [
        (living_situation_policy, "record", LivingSituation(client=person), A.RECORD_SITUATION),
        (consent_policy, "record", Consent(client=person), A.RECORD_CONSENT),
        (consent_policy, "withdraw", Consent(client=person), A.WITHDRAW_CONSENT),
        (care_team_membership_policy, "add", CareTeamMembership(client=person), A.MANAGE_TEAM),
        (care_team_membership_policy, "end", membership, A.MANAGE_TEAM),
    ]
    for policy, action, row, on_person in cells:
        assert policy.can(user, action, row) is (on_person in allowed), (policy, action)
        assert (user in policy.users_who_can(action, row)) is (on_person in allowed)


def test_an_unknown_action_on_a_record_is_refused(person, records, coordinator):
    situation, _consent, _membership = records
    assert not living_situation_policy.can(coordinator, "edit", situation)
    assert not living_situation_policy.users_who_can("edit", situation).exists()


def test_a_merge_needs_both_records_mergeable(person, coordinator, peer):
    elsewhere = Client.objects.get(display_name="Someone else")
    M = client_merge_policy.Action
    assert client_merge_policy.can(coordinator, M.MERGE, ClientMerge(kept=person, merged=elsewhere))
    assert not client_merge_policy.can(peer, M.MERGE, ClientMerge(kept=person, merged=elsewhere))
    services.client_close(acting_user=coordinator, client=elsewhere, reason="moved")
    assert not client_merge_policy.can(
        coordinator, M.MERGE, ClientMerge(kept=person, merged=elsewhere)
    )


def test_a_merge_record_is_seen_with_the_record_kept(person, coordinator, peer, other_peer):
    elsewhere = Client.objects.get(display_name="Someone else")
    merge = services.client_merge(
        acting_user=coordinator, keep=person, merge_away=elsewhere, reason="Same"
    )
    stranger_to_both = UserFactory(username="stranger", roles=["peer"])
    assert merge in client_merge_policy.visible_to(peer)
    assert merge in client_merge_policy.visible_to(other_peer)  # moved to the kept team
    assert merge not in client_merge_policy.visible_to(stranger_to_both)


# People counted in de-identified statistics.


def test_only_those_who_study_the_programme_count_people(
    person, researcher, coordinator, peer, outsider
):
    R = client_research_policy.Action
    counted = set(client_research_policy.visible_to(researcher))
    assert person in counted and counted == set(Client.objects.filter(merged_into__isnull=True))
    assert set(client_research_policy.visible_to(coordinator)) == counted
    for user in (peer, outsider):
        assert not client_research_policy.visible_to(user).exists()
        assert not client_research_policy.can(user, R.VIEW)
    assert set(client_research_policy.users_who_can(R.VIEW)) == {researcher, coordinator}


def test_research_rows_need_research_consent_in_force(person, researcher, coordinator):
    R = client_research_policy.Action
    elsewhere = Client.objects.get(display_name="Someone else")
    assert not client_research_policy.visible_to(researcher, R.EXPORT_ROWS).exists()
    services.consent_record(
        acting_user=coordinator,
        client=person,
        purpose="research",
        decision="given",
        method="written",
    )
    services.consent_record(
        acting_user=coordinator, client=elsewhere, purpose="research", decision="refused"
    )
    assert list(client_research_policy.visible_to(researcher, R.EXPORT_ROWS)) == [person]
    assert client_research_policy.can(researcher, R.EXPORT_ROWS, person)
    assert not client_research_policy.can(researcher, R.EXPORT_ROWS, elsewhere)
    assert client_research_policy.can(researcher, R.VIEW, elsewhere)
    assert not client_research_policy.users_who_can(R.EXPORT_ROWS, elsewhere).exists()
