"""The logbook policy as a matrix: persona x action x own/other entry x deleted."""

import pytest
from django.utils import timezone

from logbook import access
from logbook.access import Action

pytestmark = pytest.mark.django_db

# persona: (actions on their own entry, on someone else's, on a deleted one)
EXPECTED = {
    "peer": ({Action.VIEW, Action.EDIT, Action.DELETE}, set(), set()),
    "clinician": ({Action.VIEW, Action.EDIT, Action.DELETE}, set(), set()),
    "researcher": (
        {Action.VIEW, Action.EDIT, Action.CODE, Action.DELETE},
        {Action.VIEW, Action.EDIT, Action.CODE, Action.DELETE},
        {Action.VIEW, Action.RESTORE},
    ),
    "coordinator": ({Action.VIEW}, {Action.VIEW}, set()),
    "outsider": (set(), set(), set()),
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_logbook_policy_matrix(request, make_entry, other_peer, persona):
    user = request.getfixturevalue(persona)
    own = make_entry(user)
    other = make_entry(other_peer)
    deleted = make_entry(other_peer, deleted_at=timezone.now())
    for entry, allowed in zip((own, other, deleted), EXPECTED[persona], strict=True):
        for action in Action:
            assert access.can(user, action, entry) is (action in allowed), (entry.title, action)
    listed = set(access.entries_visible_to(user))
    assert (own in listed) is (Action.VIEW in EXPECTED[persona][0])
    assert (other in listed) is (Action.VIEW in EXPECTED[persona][1])
    assert deleted not in listed
    in_bin = set(access.entries_visible_to(user, deleted=True))
    assert (deleted in in_bin) is (Action.RESTORE in EXPECTED[persona][2])


def test_researchers_see_no_register(researcher):
    from clients.access import clients_visible_to

    assert not clients_visible_to(researcher).exists()
