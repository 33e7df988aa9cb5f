"""The demo's support group, as the demo peer finds it: a weekly group they
facilitate, with four past sessions, each with some of their people named
and others counted, on those people's timelines; seeding twice adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from groups import selectors
from groups.access import group_attendance_policy
from groups.models import GroupSession, SupportGroup
from peersupport.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded_demo")
class TestTheDemoGroup:
    def test_the_peer_facilitates_a_weekly_group_with_four_past_sessions(self):
        peer = User.objects.get(username="peer")
        (group,) = selectors.groups_list(viewer=peer)
        assert group.is_mine and group.recurrence == "weekly"
        sessions = selectors.group_sessions(viewer=peer, group=group)
        assert len(sessions) == 4
        assert all(s.held_on <= timezone.localdate() for s in sessions)
        assert all(s.counts.seen >= 1 and s.counts.anonymous >= 2 for s in sessions)

    def test_everyone_named_is_one_of_the_peer_s_people(self):
        peer = User.objects.get(username="peer")
        named = set(
            GroupSession.objects.values_list("attendances__client", flat=True).exclude(
                attendances__isnull=True
            )
        )
        theirs = set(group_attendance_policy.clients_for_record(peer).values_list("pk", flat=True))
        assert named and named <= theirs

    def test_seeding_again_adds_nothing(self):
        call_command("seed_demo", force=True, verbosity=0)
        assert SupportGroup.objects.count() == 1
        assert GroupSession.objects.count() == 4
