"""The register's access policy as a matrix: persona x action x open/closed file."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from clients import access, services
from clients.access import Action
from clients.models import Client

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
    visible = access.clients_visible_to(user).filter(pk=person.pk).exists()
    assert visible is (A.VIEW in allowed)
    if not visible:
        with pytest.raises(Http404):
            access.get_client_for(user, person.pk, action)
    elif action in allowed:
        assert access.get_client_for(user, person.pk, action) == person
    else:
        with pytest.raises(PermissionDenied):
            access.get_client_for(user, person.pk, action)


def test_anonymous_sees_nobody(person):
    from django.contrib.auth.models import AnonymousUser

    assert not access.clients_visible_to(AnonymousUser()).exists()


def test_a_peer_who_left_the_team_no_longer_sees_the_person(person, peer, coordinator):
    services.team_end_membership(
        acting_user=coordinator, membership=person.memberships.get(member=peer)
    )
    assert not access.clients_visible_to(peer).filter(pk=person.pk).exists()


def test_a_merged_away_record_is_nobodys_to_see(person, coordinator):
    duplicate = Client.objects.create(display_name="Lène", created_by=coordinator)
    services.client_merge(acting_user=coordinator, keep=person, merge_away=duplicate, reason="x")
    assert not access.clients_visible_to(coordinator).filter(pk=duplicate.pk).exists()
    assert access.merged_destination_for(coordinator, duplicate.pk) == person


def test_peers_and_clinicians_find_people_outside_their_teams_only(person, peer, other_peer):
    assert person in access.clients_findable_by(other_peer)
    assert person not in access.clients_findable_by(peer)


def test_researchers_and_coordinators_find_nobody_to_join(person, researcher, coordinator):
    assert not access.clients_findable_by(researcher).exists()
    assert not access.clients_findable_by(coordinator).exists()


def test_only_field_roles_and_coordinators_use_the_register(researcher, outsider, peer):
    assert not access.clients_visible_to(researcher).exists()
    assert not access.clients_visible_to(outsider).exists()


def test_every_role_reads_partners_and_only_coordinators_keep_them(
    peer, clinician, researcher, coordinator, outsider
):
    for user in (peer, clinician, researcher, coordinator):
        assert access.partners_visible_to(user).model.__name__ == "Partner"
        assert access.partners_visible_to(user).query.is_empty() is False
    assert access.partners_visible_to(outsider).query.is_empty()
    assert [
        u for u in (peer, clinician, researcher, coordinator) if access.can_manage_partners(u)
    ] == [coordinator]
