"""The parts every card of the home page is made of: dates in words, a card
left out when empty, and the exports card of those who watch the trail."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from peersupport.audit import record_export
from peersupport.home import (
    HOME_LINES,
    Card,
    Line,
    ago_in_words,
    count_card,
    recent_exports,
    until_in_words,
)
from peersupport.models import ExportRecord
from peersupport.roles import Role
from tests.factories import UserFactory

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "today"),
        (1, "yesterday"),
        (3, "3 days ago"),
        (13, "13 days ago"),
        (14, "2 weeks ago"),
        (42, "6 weeks ago"),
        (60, "2 months ago"),
        (400, "13 months ago"),
        (800, "2 years ago"),
    ],
)
def test_how_long_ago_reads_as_people_say_it(days, words):
    assert ago_in_words(TODAY - timedelta(days=days), TODAY) == words


@pytest.mark.parametrize(
    ("days", "words"), [(0, "today"), (1, "tomorrow"), (12, "in 12 days"), (-1, "today")]
)
def test_how_soon_reads_as_people_say_it(days, words):
    assert until_in_words(TODAY + timedelta(days=days), TODAY) == words


def test_a_card_shows_five_lines_and_folds_the_rest():
    lines = [Line(f"Line {n}", "/") for n in range(8)]
    card = Card("key", "Title", lines, total=60)
    assert len(card.shown) == HOME_LINES and len(card.folded) == 3
    assert card.not_loaded == 52


def test_a_card_with_nothing_in_it_is_false():
    assert not Card("key", "Title", [], 0)
    assert not count_card("key", "Title", [(0, Line("a", "/")), (None, Line("b", "/"))])
    assert count_card("key", "Title", [(2, Line("a", "/"))]).lines == [Line("a", "/")]


@pytest.mark.django_db
def test_coordinators_see_the_exports_of_the_last_two_weeks_newest_first(coordinator, researcher):
    older = record_export(user=researcher, dataset="logbook", format="csv", filters={}, row_count=1)
    ExportRecord.objects.filter(pk=older.pk).update(created_at=older.created_at - timedelta(15))
    record_export(
        user=researcher, dataset="research_encounters", format="csv", filters={}, row_count=40
    )
    card = recent_exports(viewer=coordinator)
    assert card.title == "1 export in the last two weeks"
    (line,) = card.lines
    assert line.text == f"{researcher} exported the research extract of encounters, 40 rows"
    assert (line.url, line.detail) == (reverse("audit"), "today")


@pytest.mark.django_db
def test_a_researcher_sees_their_own_exports_linked_to_where_they_were_made(researcher):
    record_export(user=researcher, dataset="logbook", format="xlsx", filters={}, row_count=2)
    record_export(
        user=researcher, dataset="research_encounters", format="csv", filters={}, row_count=9
    )
    card = recent_exports(viewer=researcher)
    assert card.title == "2 exports in the last two weeks"
    assert [line.url for line in card.lines] == [
        reverse("research:activity"),
        reverse("logbook:list"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["researcher", "peer", "clinician"])
def test_nobody_but_trail_readers_sees_the_exports_of_others(request, persona):
    someone = UserFactory(username="exporter", roles=[Role.RESEARCHER])
    record_export(user=someone, dataset="logbook", format="csv", filters={}, row_count=1)
    assert not recent_exports(viewer=request.getfixturevalue(persona))


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 50])
def test_the_exports_card_costs_one_query_whatever_their_number(
    coordinator, researcher, django_assert_num_queries, rows
):
    for _ in range(rows):
        record_export(user=researcher, dataset="logbook", format="csv", filters={}, row_count=1)
    coordinator.sorted_roles()  # read once per request, before any page is built
    with django_assert_num_queries(1):
        assert recent_exports(viewer=coordinator).total == rows
