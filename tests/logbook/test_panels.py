"""The logbook's card on the home page: entries not yet coded, for those who code them."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from logbook import panels, services
from logbook.models import Theme
from peersupport.home import HOME_LINES
from peersupport.slots import HOME_PAGE

pytestmark = pytest.mark.django_db


def test_researchers_see_the_entries_not_yet_coded_newest_first(researcher, peer, make_entry):
    make_entry(peer, title="Older")
    newest = make_entry(peer, title="The clinic gave the peer a desk")
    coded = make_entry(peer, title="Coded")
    coded.themes.add(Theme.objects.create(name="Institutional support", polarity="facilitator"))
    card = panels.not_yet_coded(viewer=researcher)
    assert card.title == "2 logbook entries to code"
    assert [line.text for line in card.lines] == ["The clinic gave the peer a desk", "Older"]
    assert card.lines[0].url == reverse("logbook:edit", args=[newest.pk])
    assert card.lines[0].detail == f"written by {peer} today"
    assert card.links == []  # the card shows them all


def test_beyond_what_the_card_shows_it_links_to_the_logbook(researcher, peer, make_entry):
    for number in range(HOME_LINES + 1):
        make_entry(peer, title=f"Entry {number}")
    card = panels.not_yet_coded(viewer=researcher)
    assert [link.url for link in card.links] == [reverse("logbook:list")]


def test_entries_in_the_bin_are_not_to_code(researcher, peer, make_entry):
    services.entry_delete(acting_user=peer, entry=make_entry(peer))
    assert not panels.not_yet_coded(viewer=researcher)


@pytest.mark.parametrize("persona", ["peer", "clinician", "coordinator"])
def test_those_who_do_not_code_entries_have_no_such_card(request, persona, peer, make_entry):
    make_entry(peer)
    card = panels.not_yet_coded(viewer=request.getfixturevalue(persona))
    assert not card and card.lines == []


@pytest.mark.parametrize("rows", [1, 50])
def test_the_entries_to_code_cost_one_query_whatever_their_number(
    researcher, peer, make_entry, django_assert_num_queries, rows
):
    for number in range(rows):
        make_entry(peer, title=f"Entry {number}")
    researcher.sorted_roles()  # read once per request, before any page is built
    with django_assert_num_queries(1):
        card = panels.not_yet_coded(viewer=researcher)
    assert card.total == rows
    assert len(card.shown) == min(rows, HOME_LINES)


def test_the_logbook_card_is_offered_on_the_home_page_in_the_work_region(
    researcher, peer, make_entry
):
    assert panels.home_page in HOME_PAGE._providers
    assert HOME_PAGE._templates[panels.home_page] == {"work": "logbook/home/work.html"}
    make_entry(peer)
    request = RequestFactory().get("/")
    request.user = researcher
    assert panels.home_page(request)["logbook_home_uncoded"].total == 1
