"""The demo's follow-ups, as the demo accounts find them: the peer has an
accompaniment today and something overdue; every worker has something due;
some are done, one cancelled; a clinician was handed one and told."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from agenda.choices import FollowUpStatus
from agenda.models import FollowUp
from agenda.selectors import due_for
from interventions.models import Notification
from peersupport.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded_demo")
class TestTheDemoFollowUps:
    def test_the_peer_has_an_accompaniment_today_first_on_their_home(self):
        peer = User.objects.get(username="peer")
        due = due_for(viewer=peer)
        today = timezone.localdate()
        assert any(f.is_accompaniment and f.due_on == today for f in due)
        assert any(f.due_on < today for f in due)

    @pytest.mark.parametrize("username", ["peer", "peer2", "clinician"])
    def test_every_worker_has_something_due_or_overdue(self, username):
        assert due_for(viewer=User.objects.get(username=username))

    def test_some_are_closed_with_who_and_when(self):
        done = FollowUp.objects.filter(status=FollowUpStatus.DONE)
        assert done.exists()
        assert FollowUp.objects.filter(status=FollowUpStatus.CANCELLED).exists()
        assert all(f.closed_by_id and f.closed_at for f in done)
        assert any(f.outcome for f in done)

    def test_one_came_from_an_encounter_and_one_was_handed_to_a_clinician(self):
        assert FollowUp.objects.filter(from_encounter__isnull=False).exists()
        clinician = User.objects.get(username="clinician")
        handed = FollowUp.objects.filter(assigned_to=clinician).exclude(created_by=clinician)
        assert handed.exists()
        assert Notification.objects.filter(recipient=clinician, kind="follow_up_assigned").exists()

    def test_every_holder_is_on_the_person_s_care_team(self):
        for follow_up in FollowUp.objects.select_related("client"):
            assert follow_up.client.memberships.filter(
                member=follow_up.assigned_to_id, left_on__isnull=True
            ).exists()

    def test_nothing_is_stamped_with_the_moment_of_seeding(self):
        assert not FollowUp.objects.filter(created_at__date=timezone.localdate()).exists()

    def test_seeding_again_adds_nothing(self):
        before = FollowUp.objects.count()
        call_command("seed_demo", force=True, verbosity=0)
        assert FollowUp.objects.count() == before
