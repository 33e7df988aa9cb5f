"""Who may say a partner's service status, and who reads its history: a
persona matrix, like the directory's own (tests/partners/test_access.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from partners.access import Action, partner_policy, partner_status_policy
from partners.models import PartnerStatus

pytestmark = pytest.mark.django_db

PERSONAS = ["peer", "clinician", "researcher", "coordinator", "outsider"]
# Field workers and coordinators say statuses; researchers only read them.
UPDATES = {"peer": True, "clinician": True, "researcher": False, "coordinator": True}
READS_HISTORY = {"peer", "clinician", "researcher", "coordinator"}


@pytest.fixture
def said(shelter, coordinator, say_status):
    return say_status(shelter, "reduced", "half the beds", by=coordinator)


@pytest.mark.parametrize("persona", PERSONAS)
def test_field_workers_and_coordinators_update_a_status_researchers_do_not(
    request, persona, shelter
):
    user = request.getfixturevalue(persona)
    expected = UPDATES.get(persona, False)
    assert partner_policy.can(user, Action.UPDATE_STATUS) is expected
    assert partner_policy.can(user, Action.UPDATE_STATUS, shelter) is expected
    if expected:
        assert partner_policy.get_for(user, shelter.pk, Action.UPDATE_STATUS) == shelter


def test_a_researcher_who_reads_the_partner_is_refused_the_update_with_403(researcher, shelter):
    with pytest.raises(PermissionDenied):
        partner_policy.get_for(researcher, shelter.pk, Action.UPDATE_STATUS)


@pytest.mark.parametrize("persona", ["peer", "clinician", "coordinator"])
def test_an_inactive_partner_takes_no_status_from_anyone(request, persona, closed_dropin):
    user = request.getfixturevalue(persona)
    assert partner_policy.can(user, Action.VIEW, closed_dropin)
    assert not partner_policy.can(user, Action.UPDATE_STATUS, closed_dropin)
    assert not partner_policy.users_who_can(Action.UPDATE_STATUS, closed_dropin).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_history_is_read_by_whoever_reads_the_directory(request, persona, said):
    user = request.getfixturevalue(persona)
    reads = persona in READS_HISTORY
    assert list(partner_status_policy.visible_to(user)) == ([said] if reads else [])
    assert partner_status_policy.can(user, partner_status_policy.Action.VIEW, said) is reads
    assert partner_status_policy.can(user, partner_status_policy.Action.CREATE) is UPDATES.get(
        persona, False
    )


def test_anonymous_sees_no_status_and_may_say_none(said):
    anonymous = AnonymousUser()
    assert not partner_status_policy.visible_to(anonymous).exists()
    assert not partner_status_policy.can(anonymous, partner_status_policy.Action.VIEW)
    assert not partner_policy.can(anonymous, Action.UPDATE_STATUS)
    assert PartnerStatus.objects.count() == 1
