"""The demo's work beyond encounters, as the demo accounts find it: the peer's
meetings, training, outreach, a supervision and a debriefing held; a request
still open on the supervisor's home; seeding twice adds nothing."""

import pytest
from django.urls import reverse

from demo.staff_work import seed_staff_work
from peersupport.models import User
from staff.access import supervisor_of
from staff.choices import DebriefingStatus
from staff.models import DebriefingRequest, WorkActivity
from staff.work_selectors import time_by_kind

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded_demo")
class TestTheDemoWork:
    def test_the_peer_has_each_kind_of_their_weeks(self):
        peer = User.objects.get(username="peer")
        kinds = set(WorkActivity.objects.filter(attendees=peer).values_list("kind", flat=True))
        assert {"meeting", "training", "outreach", "supervision", "debriefing"} <= kinds

    def test_one_request_held_one_open_with_the_supervisor(self):
        peer = User.objects.get(username="peer")
        requests = DebriefingRequest.objects.filter(peer=peer)
        assert sorted(requests.values_list("status", flat=True)) == [
            DebriefingStatus.HELD,
            DebriefingStatus.OPEN,
        ]
        assert {r.supervisor for r in requests} == {supervisor_of(peer)}

    def test_the_supervisor_sees_the_open_one_on_their_home(self, client):
        peer = User.objects.get(username="peer")
        waiting = DebriefingRequest.objects.get(peer=peer, status=DebriefingStatus.OPEN)
        client.force_login(supervisor_of(peer))
        home = client.get(reverse("home")).content.decode()
        assert f"Request #{waiting.pk}" in home

    def test_the_peer_s_time_shows_hours(self):
        peer = User.objects.get(username="peer")
        months = time_by_kind(peer, peer, 2)
        assert sum(month.total for month in months) > 0

    def test_seeding_again_adds_nothing(self):
        assert seed_staff_work() == 0
