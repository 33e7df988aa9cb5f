"""Who sees and changes referrals, persona by persona (referrals/access.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from clients.choices import Purpose
from referrals.access import (
    consents_missing,
    consents_needed,
    referral_count_policy,
    referral_policy,
    referral_status_change_policy,
)
from referrals.models import Referral
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
A = referral_policy.Action

# persona: (sees the referral, reads its texts, may record a step)
MATRIX = {
    "peer": (True, True, True),
    "clinician": (True, True, True),
    "other_peer": (False, False, False),
    "researcher": (False, False, False),
    "coordinator": (True, False, False),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize("persona", MATRIX)
def test_each_persona_sees_reads_and_changes_as_the_matrix_says(request, persona, referral):
    user = request.getfixturevalue(persona)
    sees, reads, changes = MATRIX[persona]
    assert referral_policy.visible_to(user).filter(pk=referral.pk).exists() is sees
    assert referral_policy.can(user, A.VIEW, referral) is sees
    assert referral_policy.can(user, A.READ_TEXT, referral) is reads
    assert referral_policy.can(user, A.CHANGE_STATUS, referral) is changes
    history = referral_status_change_policy.visible_to(user).filter(referral=referral)
    assert history.exists() is sees


@pytest.mark.parametrize("persona", MATRIX)
def test_only_the_care_team_may_refer_the_person(request, persona, person):
    user = request.getfixturevalue(persona)
    may_refer = MATRIX[persona][2]
    assert referral_policy.can(user, A.CREATE, Referral(client=person)) is may_refer


def test_anonymous_visitors_see_and_count_nothing(referral):
    anonymous = AnonymousUser()
    assert not referral_policy.visible_to(anonymous).exists()
    assert not referral_count_policy.visible_to(anonymous).exists()
    assert not referral_policy.can(anonymous, A.VIEW)


def test_a_member_who_left_the_team_stops_seeing_the_referrals(referral, peer):
    peer.care_memberships.update(left_on=referral.referred_on)
    assert not referral_policy.visible_to(peer).filter(pk=referral.pk).exists()
    assert not referral_policy.can(peer, A.CHANGE_STATUS, referral)


def test_a_closed_file_keeps_its_referrals_readable_but_takes_no_new_step(referral, peer):
    referral.client.closed_on = referral.referred_on
    referral.client.save()
    referral.client.refresh_from_db()
    assert referral_policy.can(peer, A.READ_TEXT, referral)
    assert not referral_policy.can(peer, A.CHANGE_STATUS, referral)
    assert not referral_policy.can(peer, A.CREATE, Referral(client=referral.client))


def test_an_ended_referral_takes_no_further_step(referral, peer):
    referral.status = "attended"
    assert not referral_policy.can(peer, A.CHANGE_STATUS, referral)


def test_the_pickers_name_the_current_care_team(referral, peer, clinician, coordinator):
    writers = set(referral_policy.users_who_can(A.CHANGE_STATUS, referral))
    assert writers == {peer, clinician}
    assert coordinator not in set(referral_policy.users_who_can(A.READ_TEXT, referral))


def test_partner_counts_are_open_to_every_directory_reader_research_counts_to_statisticians(
    referral, peer, researcher, coordinator, outsider
):
    count = referral_count_policy.Action
    for user in (peer, researcher, coordinator):
        assert referral_count_policy.visible_to(user, count.COUNT_FOR_PARTNER).count() == 1
    assert not referral_count_policy.visible_to(outsider, count.COUNT_FOR_PARTNER).exists()
    assert not referral_count_policy.visible_to(peer, count.COUNT_FOR_RESEARCH).exists()
    assert referral_count_policy.visible_to(researcher, count.COUNT_FOR_RESEARCH).count() == 1


def test_a_community_partner_needs_both_consents_a_service_of_ours_only_the_first(
    shelter, clinic_service
):
    assert consents_needed(shelter) == [Purpose.PEER_SUPPORT, Purpose.PARTNER_REFERRAL]
    assert consents_needed(clinic_service) == [Purpose.PEER_SUPPORT]


def test_missing_consents_are_those_not_in_force(person, shelter, clinic_service):
    assert consents_missing(person, shelter) == [Purpose.PARTNER_REFERRAL]
    assert consents_missing(person, clinic_service) == []
    nobody_asked = ClientFactory()
    assert consents_missing(nobody_asked, clinic_service) == [Purpose.PEER_SUPPORT]
