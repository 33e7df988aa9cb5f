"""The partner directory's policy as a matrix: persona x action."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from partners.access import Action, partner_policy
from partners.models import Partner

pytestmark = pytest.mark.django_db

PERSONAS = ["peer", "clinician", "researcher", "coordinator", "outsider"]
EXPECTED = {
    "peer": {Action.VIEW, Action.UPDATE_STATUS},
    "clinician": {Action.VIEW, Action.UPDATE_STATUS},
    "researcher": {Action.VIEW},
    "coordinator": {Action.VIEW, Action.CREATE, Action.EDIT, Action.UPDATE_STATUS},
    "outsider": set(),
}


def test_every_role_reads_partners_and_only_coordinators_keep_them(
    peer, clinician, researcher, coordinator, outsider
):
    for user in (peer, clinician, researcher, coordinator):
        assert partner_policy.visible_to(user).model is Partner
        assert partner_policy.visible_to(user).query.is_empty() is False
    assert partner_policy.visible_to(outsider).query.is_empty()
    assert [
        u
        for u in (peer, clinician, researcher, coordinator)
        if partner_policy.can(u, Action.CREATE)
    ] == [coordinator]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_matrix(request, persona, shelter):
    user = request.getfixturevalue(persona)
    allowed = {action for action in Action if partner_policy.can(user, action, shelter)}
    assert allowed == EXPECTED[persona]
    assert {action for action in Action if partner_policy.can(user, action)} == allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_for_answers_404_to_who_cannot_read_and_403_to_who_cannot_edit(
    request, persona, shelter
):
    user = request.getfixturevalue(persona)
    if Action.VIEW not in EXPECTED[persona]:
        with pytest.raises(Http404):
            partner_policy.get_for(user, shelter.pk)
        return
    assert partner_policy.get_for(user, shelter.pk) == shelter
    if Action.EDIT in EXPECTED[persona]:
        assert partner_policy.get_for(user, shelter.pk, Action.EDIT) == shelter
    else:
        with pytest.raises(PermissionDenied):
            partner_policy.get_for(user, shelter.pk, Action.EDIT)


def test_a_partner_that_does_not_exist_is_404(coordinator):
    with pytest.raises(Http404):
        partner_policy.get_for(coordinator, 999_999)


def test_inactive_partners_stay_readable(peer, closed_dropin):
    assert partner_policy.get_for(peer, closed_dropin.pk) == closed_dropin


def test_users_who_can_follow_the_matrix(peer, clinician, researcher, coordinator, outsider):
    assert set(partner_policy.users_who_can(Action.VIEW)) == {
        peer,
        clinician,
        researcher,
        coordinator,
    }
    assert list(partner_policy.users_who_can(Action.EDIT)) == [coordinator]
    assert list(partner_policy.users_who_can(Action.CREATE)) == [coordinator]
    assert set(partner_policy.users_who_can(Action.UPDATE_STATUS)) == {
        peer,
        clinician,
        coordinator,
    }


def test_a_deactivated_account_can_do_nothing(coordinator, shelter):
    coordinator.is_active = False
    coordinator.save()
    coordinator.refresh_from_db()
    assert not partner_policy.visible_to(coordinator).exists()
    assert not any(partner_policy.can(coordinator, action, shelter) for action in Action)
    assert coordinator not in partner_policy.users_who_can(Action.VIEW)
