"""Time by kind per month: hours counted by hand from a month of encounters,
group sessions and work activities, for the peer and for a coordinator;
nothing for anyone else."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups.models import GroupSession, SupportGroup
from interventions.models import Encounter
from staff.work_selectors import time_by_kind
from tests.factories import ClientFactory
from tests.staff.work_world import make_work, supervisor  # noqa: F401 (fixtures)

TODAY = date(2026, 3, 15)


def _on(day: date, **fields):
    return {"occurred_on": day, **fields}


def _encounter(author, day, minutes, participants=()):
    encounter = Encounter.objects.create(
        client=ClientFactory(),
        author=author,
        setting="street",
        duration_minutes=minutes,
        occurred_at=timezone.make_aware(datetime.combine(day, time(12, 0))),
    )
    encounter.participants.set(participants)
    return encounter


def _work(kind, author, day, minutes, **fields):
    activity = make_work(kind, author, minutes=minutes, **fields)
    activity.occurred_on = day
    activity.save(update_fields=["occurred_on"])
    return activity


@pytest.fixture
def months_of_work(peer, other_peer, clinician, supervisor):  # noqa: F811
    # March: with people 90 + 30 + (no length) + a 60-minute session = 180 minutes;
    # meetings 45 + a 60-minute supervision = 105; training 150.
    _encounter(peer, date(2026, 3, 3), 90)
    _encounter(clinician, date(2026, 3, 10), 30, participants=[peer])
    _encounter(peer, date(2026, 3, 11), None)
    mine = SupportGroup.objects.create(name="Hearing voices", created_by=peer)
    mine.facilitators.set([peer])
    theirs = SupportGroup.objects.create(name="Other group", created_by=other_peer)
    theirs.facilitators.set([other_peer])
    GroupSession.objects.create(
        group=mine, held_on=date(2026, 3, 5), duration_minutes=60, recorded_by=peer
    )
    GroupSession.objects.create(
        group=theirs, held_on=date(2026, 3, 6), duration_minutes=120, recorded_by=other_peer
    )
    _work("meeting", clinician, date(2026, 3, 2), 45, attendees=[peer])
    _work(
        "supervision",
        supervisor,
        date(2026, 3, 9),
        60,
        attendees=[peer],
        peer=peer,
        led_by=supervisor,
        note="Private",
    )
    _work("training", peer, date(2026, 3, 12), 150)
    _work("meeting", other_peer, date(2026, 3, 12), 500)  # not the peer's
    # February: outreach 200, a presentation 30; a cancelled session counts nothing.
    _work("outreach", peer, date(2026, 2, 20), 200)
    _work("presentation", peer, date(2026, 2, 3), 30)
    GroupSession.objects.create(
        group=mine,
        held_on=date(2026, 2, 10),
        duration_minutes=90,
        recorded_by=peer,
        cancelled_at=timezone.now(),
    )
    # January: research 60; another peer's encounter is not the peer's.
    _work("research", peer, date(2026, 1, 8), 60)
    _encounter(other_peer, date(2026, 1, 9), 100)
    # December: before the three months shown.
    _work("meeting", peer, date(2025, 12, 1), 60)


EXPECTED = {
    date(2026, 3, 1): {
        "with_people": "3.0",
        "meetings": "1.8",
        "training": "2.5",
        "outreach": "0.0",
        "research": "0.0",
        "total": "7.3",
    },
    date(2026, 2, 1): {
        "with_people": "0.0",
        "meetings": "0.5",
        "training": "0.0",
        "outreach": "3.3",
        "research": "0.0",
        "total": "3.8",
    },
    date(2026, 1, 1): {
        "with_people": "0.0",
        "meetings": "0.0",
        "training": "0.0",
        "outreach": "0.0",
        "research": "1.0",
        "total": "1.0",
    },
}


def _as_table(months):
    return {
        month.month: {
            **{category.value: str(hours) for category, hours in month.hours},
            "total": str(month.total),
        }
        for month in months
    }


@pytest.mark.parametrize("viewer", ["peer", "coordinator"])
def test_hours_match_those_counted_by_hand(request, months_of_work, peer, viewer):
    months = time_by_kind(request.getfixturevalue(viewer), peer, 3, today=TODAY)
    assert [month.month for month in months] == list(EXPECTED)
    assert _as_table(months) == EXPECTED
    assert months[0].encounters_without_length == 1
    assert months[0].total == Decimal("7.3")


@pytest.mark.parametrize("viewer", ["other_peer", "clinician", "researcher", "outsider"])
def test_nobody_else_counts_the_peer_s_time(request, months_of_work, peer, viewer):
    assert time_by_kind(request.getfixturevalue(viewer), peer, 3, today=TODAY) == []


def test_the_count_takes_four_queries_whatever_the_data(peer, coordinator):
    def count():
        with CaptureQueriesContext(connection) as queries:
            time_by_kind(coordinator, peer, 6, today=TODAY)
        return len(queries)

    _work("meeting", peer, date(2026, 3, 2), 45)
    count()  # the coordinator's roles, read once per request
    one = count()
    # Whether the coordinator counts this peer, then activities, encounters, sessions.
    assert one == 4
    for day in range(1, 20):
        _work("training", peer, date(2026, 2, day), 30)
        _encounter(peer, date(2026, 1, day), 20)
    assert count() == one
