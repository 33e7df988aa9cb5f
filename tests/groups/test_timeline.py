"""A group session a person came to shows on their page's timeline, under the
rules of everything else there: for those who see the person and their
attendance, linked to the session, never for a cancelled session."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.selectors import attendance_for_timeline
from interventions import selectors as intervention_selectors
from interventions.models import Encounter

pytestmark = pytest.mark.django_db


def _lines(viewer, person):
    page = intervention_selectors.timeline(viewer=viewer, client=person)
    return [entry.extra.item for entry in page.entries if entry.extra]


def test_the_person_s_page_says_they_came_to_the_group_with_a_link_to_the_session(
    client, peer, person, session
):
    client.force_login(peer)
    text = client.get(reverse("clients:detail", args=[person.pk])).content.decode()
    assert "Came to the group “Entre pairs”" in text
    assert reverse("groups:session_detail", args=[session.pk]) in text
    assert "Sleep and stress" in text
    # The session's note stays on the session's page.
    assert "Spoke about sleep" not in text


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("peer", True), ("clinician", True), ("coordinator", True), ("other_clinician", False)],
)
def test_the_attendance_shows_to_whoever_sees_the_person(request, person, session, persona, shown):
    lines = _lines(request.getfixturevalue(persona), person)
    assert [line.session_id for line in lines] == ([session.pk] if shown else [])


def test_a_cancelled_session_is_on_nobody_s_timeline(peer, person, session):
    session.cancelled_at = timezone.now()
    session.save()
    assert _lines(peer, person) == []


def test_sessions_take_their_place_among_encounters_newest_first(peer, person, make_session):
    old = make_session(came=[person], days_ago=10)
    recent = make_session(came=[person], days_ago=2)
    Encounter.objects.create(
        client=person, setting="street", author=peer, occurred_at=timezone.now() - timedelta(days=5)
    )
    page = intervention_selectors.timeline(viewer=peer, client=person)
    kinds = [entry.extra.item.session_id if entry.extra else "encounter" for entry in page.entries]
    assert kinds == [recent.pk, "encounter", old.pk]


def test_the_source_reads_one_query_whatever_the_number_of_sessions(
    peer, person, make_session, django_assert_num_queries
):
    make_session(came=[person])
    with django_assert_num_queries(1):
        one = attendance_for_timeline(viewer=peer, client=person, limit=21)
    for days in range(2, 8):
        make_session(came=[person], days_ago=days)
    with django_assert_num_queries(1):
        seven = attendance_for_timeline(viewer=peer, client=person, limit=21)
    assert (len(one), len(seven)) == (1, 7)
    assert all(line.item.can_open for line in seven)
