"""The register's cards of the day on the home page: people on one's care
teams not seen for a while, and consents about to expire."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clients import panels, today
from clients.choices import Decision, Purpose
from clients.models import Consent
from peersupport.home import HOME_LINES
from peersupport.slots import HOME_PAGE
from tests.factories import ClientFactory, put_on_team

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _days_ago(days):
    return TODAY - timedelta(days=days)


def _person(member, name="Hélène", last_seen_days=30, **fields):
    person = ClientFactory(display_name=name, last_contact_on=_days_ago(last_seen_days), **fields)
    put_on_team(person, member)
    return person


def _consent(person, recorder, purpose=Purpose.CARE_TEAM_SHARING, ends_in=10, **fields):
    return Consent.objects.create(
        client=person,
        purpose=purpose,
        decision=fields.pop("decision", Decision.GIVEN),
        decided_on=fields.pop("decided_on", _days_ago(300)),
        expires_on=TODAY + timedelta(days=ends_in),
        recorded_by=recorder,
        **fields,
    )


# People not seen.


def test_a_peer_is_shown_the_people_on_their_teams_not_seen_for_the_set_number_of_days(
    peer, settings
):
    settings.PEOPLE_NOT_SEEN_DAYS = 21
    lost = _person(peer, "Hélène", last_seen_days=22)
    _person(peer, "Seen last week", last_seen_days=7)
    _person(peer, "Seen exactly 21 days ago", last_seen_days=21)
    card = today.not_seen(viewer=peer)
    assert card.title == "1 person not seen for 21 days"
    (line,) = card.lines
    assert (line.text, line.url, line.detail) == (
        "Hélène",
        reverse("clients:detail", args=[lost.pk]),
        "last seen 3 weeks ago",
    )


def test_the_number_of_days_comes_from_the_setting(peer, settings):
    _person(peer, last_seen_days=10)
    settings.PEOPLE_NOT_SEEN_DAYS = 7
    assert today.not_seen(viewer=peer).total == 1
    settings.PEOPLE_NOT_SEEN_DAYS = 21
    assert not today.not_seen(viewer=peer)


def test_beyond_what_the_card_shows_it_links_to_all_my_people(peer):
    _person(peer)
    assert today.not_seen(viewer=peer).links == []
    for number in range(HOME_LINES):
        _person(peer, f"Person {number}")
    links = today.not_seen(viewer=peer).links
    assert [(link.text, link.url) for link in links] == [("All my people", "/clients/")]


def test_people_unseen_longest_come_first(peer):
    _person(peer, "Recent", last_seen_days=25)
    _person(peer, "Longest", last_seen_days=200)
    assert [line.text for line in today.not_seen(viewer=peer).lines] == ["Longest", "Recent"]


def test_people_of_other_teams_closed_files_and_teams_left_are_not_shown(
    peer, other_peer, coordinator
):
    _person(other_peer, "Someone else's")
    _person(peer, "Closed", closed_on=_days_ago(1), closed_reason="moved")
    left = _person(peer, "Left the team")
    left.memberships.update(left_on=_days_ago(2))
    # Coordinators see the whole register, but the card is about one's own teams.
    _person(coordinator, "On nobody's team but the coordinator's")
    assert not today.not_seen(viewer=peer)
    assert not today.not_seen(viewer=coordinator)


def test_researchers_have_no_people_card(researcher):
    card = today.not_seen(viewer=researcher)
    assert not card and card.lines == []


@pytest.mark.parametrize("rows", [1, 50])
def test_the_people_not_seen_cost_one_query_whatever_their_number(
    peer, django_assert_num_queries, rows
):
    for number in range(rows):
        _person(peer, f"Person {number}")
    with django_assert_num_queries(1):
        card = today.not_seen(viewer=peer)
    assert card.total == rows
    assert len(card.shown) == min(rows, HOME_LINES)
    assert len(card.folded) == max(0, rows - HOME_LINES)


# Consents expiring.


def test_a_consent_ending_within_30_days_is_shown_with_a_link_to_the_consent_section(
    peer, coordinator
):
    person = _person(peer, last_seen_days=1)
    _consent(person, coordinator, ends_in=12)
    card = today.consents_expiring(viewer=peer)
    assert card.title == "1 person’s consent ends within 30 days"
    (line,) = card.lines
    assert line.url == reverse("clients:detail", args=[person.pk]) + "#consent-heading"
    assert line.detail == "Sharing with the care team ends in 12 days"


def test_every_purpose_ending_is_named_soonest_first(peer, coordinator):
    person = _person(peer)
    _consent(person, coordinator, Purpose.RESEARCH, ends_in=1)
    _consent(person, coordinator, Purpose.CARE_TEAM_SHARING, ends_in=0)
    (line,) = today.consents_expiring(viewer=peer).lines
    assert line.detail == (
        "Sharing with the care team ends today; De-identified data in research ends tomorrow"
    )


def test_consents_active_for_longer_expired_or_withdrawn_are_not_shown(peer, coordinator):
    _consent(_person(peer, "Later"), coordinator, ends_in=31)
    _consent(_person(peer, "Expired"), coordinator, ends_in=-1)
    withdrawn = _person(peer, "Withdrawn")
    _consent(withdrawn, coordinator, ends_in=5)
    _consent(withdrawn, coordinator, ends_in=5, decision=Decision.WITHDRAWN, decided_on=TODAY)
    assert not today.consents_expiring(viewer=peer)


def test_the_soonest_ending_comes_first_and_other_teams_are_not_shown(
    peer, other_peer, coordinator
):
    _consent(_person(peer, "In twenty days"), coordinator, ends_in=20)
    _consent(_person(peer, "In two days"), coordinator, ends_in=2)
    _consent(_person(other_peer, "Someone else's"), coordinator, ends_in=1)
    lines = today.consents_expiring(viewer=peer).lines
    assert [line.text for line in lines] == ["In two days", "In twenty days"]


def test_beyond_what_the_card_shows_it_links_to_the_registers_lists_per_purpose(
    client, peer, coordinator
):
    for number in range(HOME_LINES + 1):
        _consent(_person(peer, f"Person {number}"), coordinator, ends_in=number)
    _consent(_person(peer, "Research"), coordinator, Purpose.RESEARCH, ends_in=3)
    card = today.consents_expiring(viewer=peer)
    assert [(link.text, link.url) for link in card.links] == [
        (
            "6 expiring: Sharing with the care team",
            "/clients/?consent_purpose=care_team_sharing&consent_state=expiring_soon",
        ),
        (
            "1 expiring: De-identified data in research",
            "/clients/?consent_purpose=research&consent_state=expiring_soon",
        ),
    ]
    client.force_login(peer)
    listed = client.get(card.links[0].url).context["page"]
    assert len(listed.object_list) == HOME_LINES + 1


def test_a_card_that_shows_everything_needs_no_further_link(peer, coordinator):
    _consent(_person(peer), coordinator)
    assert today.consents_expiring(viewer=peer).links == []


@pytest.mark.parametrize("rows", [1, 50])
def test_the_consents_expiring_cost_one_query_whatever_their_number(
    peer, coordinator, django_assert_num_queries, rows
):
    for number in range(rows):
        _consent(_person(peer, f"Person {number}"), coordinator, ends_in=number % 30)
    with django_assert_num_queries(1):
        card = today.consents_expiring(viewer=peer)
    assert card.total == rows


def test_coordinators_count_the_consents_expiring_programme_wide(
    peer, other_peer, coordinator, clinician
):
    _consent(_person(peer), coordinator, ends_in=3)
    _consent(_person(other_peer), coordinator, ends_in=4)
    _consent(_person(other_peer), coordinator, Purpose.RESEARCH, ends_in=40)
    card = today.consents_expiring_everywhere(viewer=coordinator)
    assert card.title == "Consents ending within 30 days, programme-wide"
    assert [line.text for line in card.lines] == ["2 expiring: Sharing with the care team"]
    assert not today.consents_expiring_everywhere(viewer=clinician)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_programme_wide_count_costs_one_query(
    other_peer, coordinator, django_assert_num_queries, rows
):
    for number in range(rows):
        _consent(_person(other_peer, f"P{number}"), coordinator, ends_in=number % 30)
    coordinator.sorted_roles()  # read once per request, before any page is built
    with django_assert_num_queries(1):
        card = today.consents_expiring_everywhere(viewer=coordinator)
    assert card.lines[0].text == f"{rows} expiring: Sharing with the care team"


def test_the_programme_wide_count_is_kept_a_few_minutes_then_counted_again(
    other_peer, coordinator, django_assert_num_queries, settings
):
    _consent(_person(other_peer, "First"), coordinator, ends_in=3)
    assert today.consents_expiring_everywhere(viewer=coordinator).lines[0].text.startswith("1 ")
    _consent(_person(other_peer, "Second"), coordinator, ends_in=4)
    coordinator.sorted_roles()
    with django_assert_num_queries(0):
        kept = today.consents_expiring_everywhere(viewer=coordinator)
    assert kept.lines[0].text.startswith("1 ")
    settings.KEPT_COUNTS_SECONDS = 0
    cache.clear()  # what was kept with the longer time
    assert today.consents_expiring_everywhere(viewer=coordinator).lines[0].text.startswith("2 ")
    assert today.consents_expiring_everywhere(viewer=coordinator).lines[0].text.startswith("2 ")


# The panel.


def test_the_registers_cards_are_offered_on_the_home_page(peer, coordinator):
    assert panels.home_page in HOME_PAGE._providers
    assert HOME_PAGE._templates[panels.home_page] == panels.HOME_PAGE_TEMPLATES
    _consent(_person(peer), coordinator)
    request = RequestFactory().get("/")
    request.user = peer
    added = panels.home_page(request)
    assert set(added) == {
        "clients_home_not_seen",
        "clients_home_consents",
        "clients_home_consents_everywhere",
    }
    assert added["clients_home_not_seen"].total == 1
    assert added["clients_home_consents"].total == 1
    assert not added["clients_home_consents_everywhere"]
