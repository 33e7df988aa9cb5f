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


# The viewer's own care teams: read once per request from their memberships,
# and the same people whether given to SQL as numbers or as a subquery.


def _world(peer, clinician, coordinator):
    """People around ``peer`` and ``clinician``, named by what makes them differ."""
    from datetime import timedelta

    from django.utils import timezone

    from clients.choices import Decision, Purpose, TeamRole
    from clients.models import DualRelationship
    from tests.factories import ClientFactory, put_on_team

    people = {
        name: ClientFactory(display_name=name)
        for name in (
            "sharing",
            "not_sharing",
            "expired",
            "withdrawn",
            "left",
            "merged",
            "own",
            "elsewhere",
        )
    }
    for name, person in people.items():
        if name != "elsewhere":
            put_on_team(person, peer)
            put_on_team(person, clinician, TeamRole.REFERENCE if name == "expired" else None)
    yesterday = timezone.localdate() - timedelta(days=1)
    for name in ("sharing", "expired", "withdrawn"):
        services.consent_record(
            acting_user=coordinator,
            client=people[name],
            purpose=Purpose.CARE_TEAM_SHARING,
            decision=Decision.GIVEN,
            decided_on=yesterday - timedelta(days=30),
            expires_on=yesterday if name == "expired" else None,
            method="verbal",
        )
    services.consent_withdraw(
        acting_user=coordinator, client=people["withdrawn"], purpose=Purpose.CARE_TEAM_SHARING
    )
    CareTeamMembership.objects.filter(client=people["left"]).update(left_on=yesterday)
    people["merged"].merged_into = people["sharing"]
    people["merged"].save()
    # A record declared as the clinician's own, its memberships still there.
    DualRelationship.objects.create(user=clinician, record=people["own"])
    return people


def _named(people, ids):
    names = {person.pk: name for name, person in people.items()}
    return {names[pk] for pk in Client.objects.filter(pk__in=ids).values_list("pk", flat=True)}


@pytest.mark.parametrize(
    "who, roles, sharing, expected",
    [
        ("peer", None, False, {"sharing", "not_sharing", "expired", "withdrawn", "own"}),
        ("peer", ["peer"], True, {"sharing"}),
        ("clinician", None, False, {"sharing", "not_sharing", "expired", "withdrawn"}),
        ("clinician", ["clinician"], False, {"sharing", "not_sharing", "withdrawn"}),
        ("clinician", ["clinician", "reference"], True, {"sharing"}),
    ],
)
def test_team_people_are_the_same_inside_and_outside_a_request(
    request, peer, clinician, coordinator, who, roles, sharing, expected
):
    from peersupport.request_memo import RequestMemo

    people = _world(peer, clinician, coordinator)
    user = request.getfixturevalue(who)

    def on_team():
        return {name for name, person in people.items() if access.on_team_of(user, person, roles)}

    outside = access.team_people(user, roles, sharing=sharing)
    assert _named(people, outside) == expected
    with RequestMemo():
        inside = access.team_people(user, roles, sharing=sharing)
        assert isinstance(inside, list)
        assert _named(people, inside) == expected
        answered_inside = on_team()
    assert answered_inside == on_team()
    if not sharing:
        assert answered_inside == expected


def test_the_viewers_care_teams_are_read_once_per_request_in_one_query(
    peer, clinician, coordinator, django_assert_num_queries
):
    from peersupport.request_memo import RequestMemo

    people = _world(peer, clinician, coordinator)
    peer.sorted_roles()
    with RequestMemo(), django_assert_num_queries(1):
        for name, person in people.items():
            client_policy.is_on_team(peer, person)
            access.on_team_of(peer, person, ["peer"])
            if name not in ("left", "elsewhere"):  # else asked of the person's consents
                access.shares_with_care_team(person, asked_by=peer)
        access.team_people(peer)
        access.team_people(peer, ["peer"], sharing=True)
    # Merged away or one's own record: still a membership, never one of one's people.
    assert client_policy.is_on_team(clinician, people["own"])
    assert not access.on_team_of(clinician, people["own"])


def test_a_consent_withdrawn_during_a_request_counts_at_once(peer, clinician, coordinator):
    from clients.choices import Purpose
    from peersupport.request_memo import RequestMemo

    people = _world(peer, clinician, coordinator)
    with RequestMemo():
        assert access.shares_with_care_team(people["sharing"], asked_by=clinician)
        services.consent_withdraw(
            acting_user=coordinator, client=people["sharing"], purpose=Purpose.CARE_TEAM_SHARING
        )
        assert not access.shares_with_care_team(people["sharing"], asked_by=clinician)
        assert access.team_people(clinician, sharing=True) == []


def test_a_caseload_too_long_for_a_list_is_given_as_a_subquery_of_the_same_people(
    monkeypatch, peer, clinician, coordinator
):
    from django.db.models import QuerySet

    from peersupport.request_memo import RequestMemo

    people = _world(peer, clinician, coordinator)
    monkeypatch.setattr(access, "LISTED_PEOPLE_AT_MOST", 2)
    with RequestMemo():
        long = access.team_people(peer)
        assert isinstance(long, QuerySet)
        assert _named(people, long) == {"sharing", "not_sharing", "expired", "withdrawn", "own"}
