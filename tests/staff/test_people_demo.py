"""The demo's supervision, onboarding and staff teams."""

import pytest
from django.utils import timezone

from demo.accounts import seed_accounts
from demo.staff_people import seed_staff_people
from peersupport.models import StaffTeam, User
from staff.access import supervisor_of, wellness_plan_policy
from staff.models import Backing, OnboardingItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seed_accounts()
    assert seed_staff_people() > 0
    return {user.username: user for user in User.objects.all()}


def test_the_demo_peer_is_supervised_backed_and_onboarded(seeded):
    peer = seeded["peer"]
    assert supervisor_of(peer) == seeded["clinician"]
    assert Backing.objects.filter(peer=peer, role="reference", backer=seeded["clinician2"])
    assert not OnboardingItem.objects.filter(peer=peer, done_on__isnull=True).exists()


def test_the_supervisor_reads_the_shared_plan(seeded):
    assert wellness_plan_policy.visible_to(seeded["clinician"]).filter(peer=seeded["peer"])
    assert not wellness_plan_policy.visible_to(seeded["coordinator"]).exists()


def test_the_newer_peer_has_one_step_overdue(seeded):
    overdue = [
        item
        for item in OnboardingItem.objects.filter(peer=seeded["peer2"])
        if item.is_overdue(timezone.localdate())
    ]
    assert [item.step for item in overdue] == ["record_access"]


def test_one_staff_team_holds_the_demo_staff_and_seeding_twice_changes_nothing(seeded):
    team = StaffTeam.objects.get()
    assert seeded["peer"] in team.members.all() and seeded["researcher"] not in team.members.all()
    counts = (Backing.objects.count(), OnboardingItem.objects.count(), StaffTeam.objects.count())
    assert seed_staff_people() == 0
    assert counts == (
        Backing.objects.count(),
        OnboardingItem.objects.count(),
        StaffTeam.objects.count(),
    )
