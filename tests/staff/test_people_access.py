# ruff: noqa: F811 (the fixtures imported below are then requested by name)
"""Who may read a peer's wellness action plan, persona by persona: its owner,
and their supervisor of today when the newest version is shared. Nobody
else, whatever their role: not a reference person, another peer, a
clinician, a researcher, a coordinator, a superuser, nor a clinician holding
the safety exception. Also who sees backings, checklists and declarations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients.access import dual_relationship_policy
from clients.models import DualRelationship
from staff.access import backing_policy, onboarding_item_policy, wellness_plan_policy
from staff.choices import BackingRole, OnboardingStep
from staff.models import Backing, OnboardingItem, WellnessPlan
from tests.staff.people_world import (  # noqa: F401 (fixtures, by name)
    reference,
    safety_clinician,
    superuser,
    supervisor,
    write_plan,
)

pytestmark = pytest.mark.django_db

# Everyone but the owner and their supervisor.
OTHERS = [
    "reference",
    "other_clinician",
    "researcher",
    "coordinator",
    "superuser",
    "safety_clinician",
    "outsider",
]


def _reads(user, plan):
    return wellness_plan_policy.visible_to(user).filter(
        pk=plan.pk
    ).exists() and wellness_plan_policy.can(user, wellness_plan_policy.Action.VIEW, plan)


def test_the_owner_reads_every_version_of_their_plan(peer, write_plan):
    older = write_plan(text="first")
    newer = write_plan(text="second", shared=True)
    assert _reads(peer, older) and _reads(peer, newer)


def test_the_supervisor_reads_the_newest_version_when_it_is_shared(supervisor, write_plan):
    plan = write_plan(shared=True)
    assert _reads(supervisor, plan)


def test_the_supervisor_reads_nothing_when_it_is_not_shared(supervisor, write_plan):
    plan = write_plan(shared=False)
    assert not _reads(supervisor, plan)


def test_the_supervisor_never_reads_an_older_shared_version(supervisor, write_plan):
    older = write_plan(text="shared once", shared=True)
    newest = write_plan(text="private now", shared=False)
    assert not _reads(supervisor, older)
    assert not _reads(supervisor, newest)


def test_the_supervisor_reads_only_the_newest_even_when_every_version_is_shared(
    supervisor, write_plan
):
    older = write_plan(text="one", shared=True)
    newest = write_plan(text="two", shared=True)
    assert not _reads(supervisor, older)
    assert _reads(supervisor, newest)


def test_a_supervisor_whose_backing_ended_reads_nothing(supervisor, peer, write_plan):
    plan = write_plan(shared=True)
    Backing.objects.filter(peer=peer, backer=supervisor).update(
        ended_on=timezone.localdate() - timedelta(days=1)
    )
    assert not _reads(supervisor, plan)


@pytest.mark.parametrize("persona", OTHERS)
@pytest.mark.parametrize("shared", [True, False])
def test_nobody_else_reads_the_plan(request, persona, shared, supervisor, write_plan):
    plan = write_plan(shared=shared)
    user = request.getfixturevalue(persona)
    assert not _reads(user, plan)
    assert not wellness_plan_policy.visible_to(user).exists()


def test_another_peer_reads_nothing_even_when_they_supervise_someone_else(
    other_peer, other_clinician, coordinator, supervisor, write_plan
):
    Backing.objects.create(
        peer=other_peer, backer=other_clinician, role=BackingRole.SUPERVISOR, set_by=coordinator
    )
    plan = write_plan(shared=True)
    assert not _reads(other_peer, plan)
    assert not _reads(other_clinician, plan)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("peer", True),
        ("clinician", False),
        ("researcher", False),
        ("coordinator", False),
        ("outsider", False),
    ],
)
def test_only_a_peer_saves_a_plan_and_only_their_own(request, persona, allowed, peer):
    user = request.getfixturevalue(persona)
    assert wellness_plan_policy.can(user, wellness_plan_policy.Action.SAVE) is allowed
    theirs = WellnessPlan(peer=user)
    assert wellness_plan_policy.can(user, wellness_plan_policy.Action.SAVE, theirs) is allowed
    if persona != "peer":
        assert not wellness_plan_policy.can(
            user, wellness_plan_policy.Action.SAVE, WellnessPlan(peer=peer)
        )


# Backings, checklists and declarations.


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("peer", True),  # the backed peer
        ("clinician", True),  # the supervisor
        # The reference person sees their own backing, not the supervisor's.
        ("other_peer", False),
        ("other_clinician", False),
        ("researcher", False),
        ("coordinator", True),
        ("outsider", False),
    ],
)
def test_who_sees_a_backing(request, persona, sees, supervisor, reference, peer):
    backing = Backing.objects.get(peer=peer, role=BackingRole.SUPERVISOR)
    user = request.getfixturevalue(persona)
    assert backing_policy.visible_to(user).filter(pk=backing.pk).exists() is sees


def test_a_reference_person_sees_their_own_backing(reference, peer):
    assert backing_policy.visible_to(reference).filter(peer=peer, backer=reference).exists()


@pytest.mark.parametrize(
    ("persona", "sees", "keeps"),
    [
        ("peer", True, False),
        ("other_peer", False, False),
        ("clinician", False, False),
        ("researcher", False, False),
        ("coordinator", True, True),
        ("outsider", False, False),
    ],
)
def test_who_sees_and_keeps_a_checklist(request, persona, sees, keeps, peer, coordinator):
    item = OnboardingItem.objects.create(
        peer=peer, step=OnboardingStep.OFFICE, due_on=timezone.localdate(), created_by=coordinator
    )
    user = request.getfixturevalue(persona)
    assert onboarding_item_policy.visible_to(user).filter(pk=item.pk).exists() is sees
    assert onboarding_item_policy.can(user, onboarding_item_policy.Action.KEEP, item) is keeps


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("peer", True),
        ("other_peer", False),
        ("clinician", False),
        ("researcher", False),
        ("coordinator", True),
        ("outsider", False),
    ],
)
def test_who_sees_a_declaration(request, persona, sees, peer):
    declaration = DualRelationship.objects.create(user=peer, details="Used the name Al in 2015")
    user = request.getfixturevalue(persona)
    assert dual_relationship_policy.visible_to(user).filter(pk=declaration.pk).exists() is sees
