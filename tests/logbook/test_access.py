"""The logbook policies as matrices: persona x action x own/other entry x
deleted, and persona x question about the whole logbook."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from logbook.access import Action, entry_bin_policy, entry_policy, stage_policy, theme_policy
from logbook.models import Theme

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
            assert entry_policy.can(user, action, entry) is (action in allowed), (
                entry.title,
                action,
            )
    listed = set(entry_policy.visible_to(user))
    assert (own in listed) is (Action.VIEW in EXPECTED[persona][0])
    assert (other in listed) is (Action.VIEW in EXPECTED[persona][1])
    assert deleted not in listed
    in_bin = set(entry_policy.deleted_visible_to(user))
    assert (deleted in in_bin) is (Action.RESTORE in EXPECTED[persona][2])


# persona: what they may do to the logbook as a whole (asked with no entry).
WHOLE = {
    "peer": {Action.VIEW, Action.CONTRIBUTE, Action.EDIT, Action.DELETE},
    "clinician": {Action.VIEW, Action.CONTRIBUTE, Action.EDIT, Action.DELETE},
    "researcher": set(Action),
    "coordinator": {Action.VIEW, Action.EXPORT},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", list(WHOLE))
def test_what_each_persona_may_do_to_the_logbook_as_a_whole(request, stages, persona):
    user = request.getfixturevalue(persona)
    for action in Action:
        assert entry_policy.can(user, action) is (action in WHOLE[persona]), action
        assert (user in entry_policy.users_who_can(action)) is (action in WHOLE[persona]), action
    keeps = Action.KEEP in WHOLE[persona]
    for policy in (theme_policy, stage_policy):
        assert policy.can(user, policy.Action.VIEW) is (Action.VIEW in WHOLE[persona])
        assert policy.can(user, policy.Action.EDIT) is keeps
        assert (user in policy.users_who_can(policy.Action.EDIT)) is keeps
        assert policy.visible_to(user).exists() is (Action.VIEW in WHOLE[persona])


def test_the_logbook_actions_asked_of_one_entry_stay_false(researcher, make_entry):
    entry = make_entry(researcher)
    for action in (Action.CONTRIBUTE, Action.EXPORT, Action.KEEP):
        assert not entry_policy.can(researcher, action, entry)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_users_who_can_agrees_with_can_for_one_entry(
    request, make_entry, peer, other_peer, persona
):
    user = request.getfixturevalue(persona)
    for entry in (make_entry(user), make_entry(other_peer, deleted_at=timezone.now())):
        for action in (Action.VIEW, Action.EDIT, Action.CODE, Action.DELETE, Action.RESTORE):
            assert (user in entry_policy.users_who_can(action, entry)) is entry_policy.can(
                user, action, entry
            ), (entry.is_deleted, action)


def test_a_deactivated_account_keeps_no_access(researcher, make_entry):
    entry = make_entry(researcher)
    researcher.is_active = False
    researcher.save()
    assert not any(entry_policy.can(researcher, action) for action in Action)
    assert not any(entry_policy.can(researcher, action, entry) for action in Action)
    assert not entry_policy.visible_to(researcher).exists()
    assert researcher not in entry_policy.users_who_can(Action.VIEW)


def test_get_for_answers_404_for_what_cannot_be_seen_and_403_for_what_cannot_be_done(
    peer, other_peer, coordinator, researcher, make_entry
):
    theirs = make_entry(other_peer)
    binned = make_entry(other_peer, deleted_at=timezone.now())
    with pytest.raises(Http404):
        entry_policy.get_for(peer, theirs.pk)
    with pytest.raises(PermissionDenied):
        entry_policy.get_for(coordinator, theirs.pk, Action.EDIT)
    with pytest.raises(Http404):
        entry_policy.get_for(coordinator, binned.pk)
    # The research team reaches the bin through get_for, to restore.
    assert entry_policy.get_for(researcher, binned.pk) == binned
    assert entry_policy.get_for(researcher, binned.pk, Action.RESTORE) == binned
    with pytest.raises(Http404):
        entry_policy.get_for(researcher, binned.pk, Action.EDIT)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_the_bin_is_the_research_teams_own_view(request, other_peer, make_entry, persona):
    user = request.getfixturevalue(persona)
    live = make_entry(other_peer)
    binned = make_entry(other_peer, deleted_at=timezone.now())
    keeps = Action.RESTORE in EXPECTED[persona][2]
    assert list(entry_bin_policy.visible_to(user)) == ([binned] if keeps else [])
    for action in entry_bin_policy.Action:
        assert entry_bin_policy.can(user, action) is keeps
        assert entry_bin_policy.can(user, action, binned) is keeps
        assert not entry_bin_policy.can(user, action, live)
        assert (user in entry_bin_policy.users_who_can(action, binned)) is keeps


def test_merged_themes_are_history_not_the_codebook(researcher):
    keep, away = Theme.objects.filter(parent__isnull=False)[:2]
    away.merged_into = keep
    away.save()
    assert away not in theme_policy.visible_to(researcher)
    with pytest.raises(Http404):
        theme_policy.get_for(researcher, away.pk, theme_policy.Action.EDIT)


def test_researchers_see_no_register(researcher):
    from clients.access import client_policy

    assert not client_policy.visible_to(researcher).exists()
