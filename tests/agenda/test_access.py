"""Who may see and do what with follow-ups: the person's current care team
reads and acts on them; coordinators count them without reading them;
researchers and everyone else see nothing. Each cell of the matrix is asserted."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from agenda.access import follow_up_policy
from agenda.choices import FollowUpStatus
from agenda.models import FollowUp
from clients.models import CareTeamMembership
from interventions.models import EmergencyAccess
from tests.factories import ClientFactory

A = follow_up_policy.Action

# Columns: peer (holds it), other_peer and clinician (on the team),
# other_clinician (off the team), researcher, coordinator, outsider.
PERSONAS = (
    "peer",
    "other_peer",
    "clinician",
    "other_clinician",
    "researcher",
    "coordinator",
    "outsider",
)
MATRIX = {
    A.LIST: (True, True, True, False, False, False, False),
    A.VIEW: (True, True, True, False, False, False, False),
    A.EDIT: (True, True, True, False, False, False, False),
    A.CLOSE: (True, True, True, False, False, False, False),
    A.HOLD: (True, True, True, False, False, False, False),
}


@pytest.fixture
def users(request, person):
    return {name: request.getfixturevalue(name) for name in PERSONAS}


@pytest.mark.parametrize("action", list(MATRIX))
def test_each_persona_may_do_what_the_matrix_says(users, make_follow_up, action):
    follow_up = make_follow_up()
    seen = {name: follow_up_policy.can(user, action, follow_up) for name, user in users.items()}
    assert seen == dict(zip(PERSONAS, MATRIX[action], strict=True))


def test_only_the_care_team_sees_the_follow_up_in_lists(users, make_follow_up):
    follow_up = make_follow_up()
    seeing = {
        name for name, user in users.items() if follow_up in follow_up_policy.visible_to(user)
    }
    assert seeing == {"peer", "other_peer", "clinician"}


def test_a_new_follow_up_may_be_promised_by_the_team_only(users, person):
    planned = FollowUp(client=person)
    creating = {
        name for name, user in users.items() if follow_up_policy.can(user, A.CREATE, planned)
    }
    assert creating == {"peer", "other_peer", "clinician"}


def test_an_accompaniment_is_logged_as_an_encounter_by_the_team_only(
    users, make_follow_up, court_kind
):
    accompaniment = make_follow_up(kind=court_kind)
    logging = {
        name
        for name, user in users.items()
        if follow_up_policy.can(user, A.LOG_ENCOUNTER, accompaniment)
    }
    assert logging == {"peer", "other_peer", "clinician"}


def test_a_plain_follow_up_is_never_logged_as_an_encounter(peer, make_follow_up):
    assert not follow_up_policy.can(peer, A.LOG_ENCOUNTER, make_follow_up())


def test_coordinators_count_follow_ups_but_never_read_them(coordinator, make_follow_up):
    follow_up = make_follow_up()
    assert follow_up_policy.can(coordinator, A.COUNT)
    assert not follow_up_policy.visible_to(coordinator).exists()
    counted = follow_up_policy.metadata_visible_to(coordinator)
    assert list(counted.values_list("pk", flat=True)) == [follow_up.pk]
    with pytest.raises(Http404):
        follow_up_policy.get_for(coordinator, follow_up.pk)


@pytest.mark.parametrize("name", ["peer", "clinician", "researcher", "outsider"])
def test_nobody_but_coordinators_counts_the_programme_s_follow_ups(request, name, person):
    user = request.getfixturevalue(name)
    assert not follow_up_policy.can(user, A.COUNT)
    assert not follow_up_policy.metadata_visible_to(user).exists()


def test_a_member_who_leaves_the_team_stops_seeing_even_what_they_hold(peer, make_follow_up):
    follow_up = make_follow_up(assigned_to=peer)
    CareTeamMembership.objects.filter(member=peer).update(left_on=timezone.localdate())
    assert follow_up not in follow_up_policy.visible_to(peer)
    assert not follow_up_policy.can(peer, A.CLOSE, follow_up)


def test_a_closed_file_keeps_its_follow_ups_readable_and_closable_but_takes_no_new_ones(
    peer, person, make_follow_up
):
    follow_up = make_follow_up()
    person.closed_on = timezone.localdate()
    person.save(update_fields=["closed_on"])
    follow_up.refresh_from_db()
    assert follow_up_policy.can(peer, A.VIEW, follow_up)
    assert follow_up_policy.can(peer, A.CLOSE, follow_up)
    assert not follow_up_policy.can(peer, A.EDIT, follow_up)
    assert not follow_up_policy.can(peer, A.CREATE, FollowUp(client=person))
    assert not follow_up_policy.users_who_can(A.HOLD, follow_up).exists()


def test_a_merged_record_s_follow_ups_are_seen_by_nobody(peer, person, make_follow_up):
    follow_up = make_follow_up()
    survivor = ClientFactory(display_name="Survivor")
    person.merged_into = survivor
    person.save(update_fields=["merged_into"])
    assert follow_up not in follow_up_policy.visible_to(peer)


def test_a_closed_follow_up_is_read_but_no_longer_changed(peer, make_follow_up):
    follow_up = make_follow_up()
    follow_up.status, follow_up.closed_at, follow_up.closed_by = (
        FollowUpStatus.DONE,
        timezone.now(),
        peer,
    )
    follow_up.save()
    assert follow_up_policy.can(peer, A.VIEW, follow_up)
    assert not follow_up_policy.can(peer, A.EDIT, follow_up)
    assert not follow_up_policy.can(peer, A.CLOSE, follow_up)
    with pytest.raises(PermissionDenied):
        follow_up_policy.get_for(peer, follow_up.pk, A.CLOSE)


def test_the_safety_exception_opens_no_follow_up(other_clinician, make_follow_up, person):
    # It opens a person's notes to a clinician off the team, for a while:
    # follow-ups are the team's working list, not what a crisis needs.
    follow_up = make_follow_up()
    now = timezone.now()
    EmergencyAccess.objects.create(
        client=person,
        user=other_clinician,
        reason="risk_to_self",
        justification="Said they had a plan.",
        granted_at=now,
        expires_at=now + timedelta(hours=1),
    )
    assert follow_up not in follow_up_policy.visible_to(other_clinician)


def test_being_a_superuser_changes_nothing(outsider, make_follow_up):
    follow_up = make_follow_up()
    outsider.is_superuser = True
    outsider.save(update_fields=["is_superuser"])
    assert follow_up not in follow_up_policy.visible_to(outsider)
    assert not follow_up_policy.can(outsider, A.COUNT)


def test_a_deactivated_account_sees_nothing(peer, make_follow_up):
    make_follow_up()
    peer.is_active = False
    peer.save(update_fields=["is_active"])
    assert not follow_up_policy.visible_to(peer).exists()


def test_those_who_may_hold_a_follow_up_are_the_current_team(
    peer, other_peer, clinician, make_follow_up
):
    follow_up = make_follow_up()
    assert set(follow_up_policy.users_who_can(A.HOLD, follow_up)) == {
        peer,
        other_peer,
        clinician,
    }
    CareTeamMembership.objects.filter(member=other_peer).update(left_on=timezone.localdate())
    assert set(follow_up_policy.users_who_can(A.HOLD, follow_up)) == {peer, clinician}


def test_people_for_new_follow_ups_are_the_open_files_of_the_viewer_s_teams(
    peer, other_clinician, person
):
    assert list(follow_up_policy.clients_for_new(peer)) == [person]
    assert person not in follow_up_policy.clients_for_new(other_clinician)
