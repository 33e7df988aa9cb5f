"""Follow-ups' world: a person on the care team of the peer, another peer and
the clinician; a clinician on someone else's team; a kind of accompaniment
whose encounter records an activity; a factory of follow-ups."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from agenda.models import AccompanimentKind, FollowUp
from interventions.models import Activity
from tests.factories import ClientFactory, put_on_team


@pytest.fixture
def person(peer, other_peer, clinician, other_clinician):
    person = ClientFactory(display_name="Hélène Agenda")
    for member in (peer, other_peer, clinician):
        put_on_team(person, member)
    elsewhere = ClientFactory(display_name="Someone Else")
    put_on_team(elsewhere, other_clinician)
    return person


@pytest.fixture
def court_activity(db):
    return Activity.objects.create(name_en="Went to court (test)", name_fr="Tribunal (test)")


@pytest.fixture
def court_kind(court_activity):
    # The seeded "Court" kind, with an activity of the test's own.
    kind, _ = AccompanimentKind.objects.update_or_create(
        name_en="Court", defaults={"name_fr": "Tribunal", "activity": court_activity}
    )
    return kind


@pytest.fixture
def make_follow_up(person, peer):
    """A follow-up about ``person`` held by ``peer``, due ``days`` from today
    (negative: overdue); ``kind`` makes it an accompaniment at 10:00."""

    def make(client=None, assigned_to=None, *, days=1, kind=None, **fields):
        holder = assigned_to or peer
        fields.setdefault("what", "Call the housing office back about the flat.")
        if kind is not None:
            fields.setdefault("due_time", time(10, 0))
        return FollowUp.objects.create(
            client=client or person,
            assigned_to=holder,
            created_by=fields.pop("created_by", holder),
            due_on=timezone.localdate() + timedelta(days=days),
            kind=kind,
            **fields,
        )

    return make
