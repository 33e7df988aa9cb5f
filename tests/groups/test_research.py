"""/research/activity/ counts support group sessions and attendance per month,
through the sessions' policy, with the page's small-cell suppression: never a
name, never a note, never a cancelled session."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupAttendance, GroupSession
from logbook import research
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def months(group, peer, person):
    """March: 6 sessions, 6 registered (one person, every time) and 12 others.
    April: 1 session, 1 registered and 6 others. May: one cancelled session."""

    def session(day, anonymous, came=(), **fields):
        made = GroupSession.objects.create(
            group=group,
            held_on=day,
            anonymous_count=anonymous,
            note="Never counted, never shown.",
            recorded_by=peer,
            **fields,
        )
        for client in came:
            GroupAttendance.objects.create(session=made, client=client, recorded_by=peer)

    for day in range(1, 7):
        session(date(2026, 3, day), 2, [person])
    session(date(2026, 4, 2), 6, [person])
    session(date(2026, 5, 2), 9, [person], cancelled_at=timezone.now())


def test_sessions_and_attendance_are_counted_per_month_with_small_cells_hidden(researcher, months):
    rows = {row["month"]: row for row in research.group_months(viewer=researcher)}
    assert rows[date(2026, 3, 1)] == {
        "month": date(2026, 3, 1),
        "sessions": 6,
        "attendance": 18,
        "registered": 6,
        "anonymous": 12,
    }
    # One session, one registered person: small; the others (6) would give it
    # away from the total (7), so they are hidden too.
    assert rows[date(2026, 4, 1)] == {
        "month": date(2026, 4, 1),
        "sessions": "<5",
        "attendance": 7,
        "registered": "<5",
        "anonymous": "×",
    }
    # A cancelled session is not counted.
    assert date(2026, 5, 1) not in rows


@pytest.mark.parametrize("persona", ["peer", "clinician", "outsider"])
def test_only_those_who_count_the_programme_get_the_figures(request, persona, months):
    assert research.group_months(viewer=request.getfixturevalue(persona)) == []


def test_the_activity_page_shows_the_groups_table_without_names_or_notes(
    client, coordinator, months, person
):
    client.force_login(coordinator)
    response = client.get(reverse("research:activity"))
    text = response.content.decode()
    assert "Support groups by month" in text
    assert len(response.context["group_months"]) == 2
    assert person.display_name not in text and "Never counted" not in text
    assert "Entre pairs" not in text


def test_attendance_does_not_multiply_the_head_counts(researcher, group, peer):
    # Five registered people at one session: the head count is added once.
    session = GroupSession.objects.create(
        group=group, held_on=date(2026, 6, 3), anonymous_count=5, recorded_by=peer
    )
    for n in range(5):
        GroupAttendance.objects.create(
            session=session, client=ClientFactory(display_name=f"P{n}"), recorded_by=peer
        )
    (june,) = research.group_months(viewer=researcher)
    assert (june["registered"], june["anonymous"], june["attendance"]) == (5, 5, 10)


def test_the_figures_take_a_fixed_number_of_queries(researcher, months, django_assert_num_queries):
    researcher.roles  # noqa: B018 (read once per request, by the middleware)
    # The sessions just recorded are counted at the first read (in a fixed
    # number of queries: tests/logbook/test_research_summary.py). Then: whether
    # anything changed since, and the kept figures, whatever the number of months.
    research.group_months(viewer=researcher)
    with django_assert_num_queries(2):
        research.group_months(viewer=researcher)
