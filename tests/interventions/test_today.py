"""This app's cards of the day on the home page: drafts to sign, what to
read and answer, and what coordinators review and assign."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from interventions import panels, today
from interventions.choices import Audience, ReviewStatus
from interventions.models import EmergencyAccess, Note, PeerRequest
from interventions.selectors import WaitingWork, waiting_work
from peersupport.home import HOME_LINES
from peersupport.slots import HOME_PAGE

pytestmark = pytest.mark.django_db


def _draft(person, author, days_old=0):
    note = Note.objects.create(client=person, author=author, audience=Audience.PEER_TEAM, body="x")
    Note.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return note


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_peer_sees_their_drafts_oldest_first_with_their_age_in_words(person, peer):
    old = _draft(person, peer, days_old=3)
    _draft(person, peer)
    card = today.drafts_to_sign(viewer=peer)
    assert card.title == "2 drafts to sign"
    assert [(line.text, line.detail) for line in card.lines] == [
        ("Hélène", "started 3 days ago"),
        ("Hélène", "started today"),
    ]
    assert card.lines[0].url == reverse("notes:detail", args=[old.pk])


def test_signed_notes_and_the_drafts_of_others_are_not_drafts_to_sign(
    person, peer, peer_b, make_note
):
    make_note(person, peer, Audience.CARE_TEAM)
    _draft(person, peer_b)
    assert not today.drafts_to_sign(viewer=peer)
    assert today.drafts_to_sign(viewer=peer_b).total == 1


@pytest.mark.parametrize("persona", ["researcher", "coordinator"])
def test_those_who_write_no_notes_have_no_drafts_card(request, persona):
    card = today.drafts_to_sign(viewer=request.getfixturevalue(persona))
    assert not card and card.lines == []


@pytest.mark.parametrize("rows", [1, 50])
def test_the_drafts_cost_one_query_whatever_their_number(
    person, peer, django_assert_num_queries, rows
):
    for _ in range(rows):
        _draft(person, peer)
    peer.sorted_roles()  # read once per request, before any page is built
    with django_assert_num_queries(1):
        card = today.drafts_to_sign(viewer=peer)
    assert card.total == rows
    assert len(card.shown) == min(rows, HOME_LINES)


def test_a_peer_is_told_of_unread_shared_notes_and_open_requests(
    person, peer, peer_b, clinician, make_note
):
    make_note(person, peer_b, Audience.CARE_TEAM)
    make_note(person, clinician, Audience.CARE_TEAM)
    PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    card = today.to_read_and_answer(viewer=peer, waiting=waiting_work(viewer=peer))
    assert [(line.text, line.url) for line in card.lines] == [
        ("2 shared notes and answers to read", reverse("shared:feed")),
        ("1 request for a peer", reverse("shared:requests")),
    ]


def test_a_clinician_is_not_offered_requests_for_a_peer(person, clinician, peer, make_note):
    make_note(person, peer, Audience.CARE_TEAM)
    PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    card = today.to_read_and_answer(viewer=clinician, waiting=waiting_work(viewer=clinician))
    assert [line.text for line in card.lines] == ["1 shared note or answer to read"]


def test_nothing_to_read_leaves_the_card_out(peer):
    assert not today.to_read_and_answer(viewer=peer, waiting=WaitingWork(unread_shared=0))


def test_coordinators_are_told_what_to_review_and_assign(person, clinician, coordinator, peer):
    PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    EmergencyAccess.objects.create(
        client=person,
        user=clinician,
        reason="risk_to_self",
        justification="x",
        expires_at=timezone.now(),
        review_status=ReviewStatus.PENDING,
    )
    card = today.to_review_and_assign(viewer=coordinator, waiting=waiting_work(viewer=coordinator))
    assert [(line.text, line.url) for line in card.lines] == [
        ("1 safety exception to review", reverse("emergency:queue")),
        ("1 request for a peer to assign", reverse("shared:requests")),
    ]
    # A peer takes requests (their card says so), but assigns none and reviews nothing.
    assert not today.to_review_and_assign(viewer=peer, waiting=waiting_work(viewer=peer))


def test_the_home_panel_names_its_templates_and_adds_its_cards(person, peer):
    assert HOME_PAGE._templates[panels.home_page] == panels.HOME_PAGE_TEMPLATES
    _draft(person, peer)
    added = panels.home_page(_request(peer))
    assert {"waiting", "home_drafts", "home_to_read", "home_to_review"} <= set(added)
    assert added["home_drafts"].total == 1


@pytest.mark.parametrize("rows", [1, 50])
def test_the_home_panel_costs_the_same_queries_whatever_the_number_of_rows(
    person, peer, clinician, make_note, django_assert_num_queries, rows
):
    for _ in range(rows):
        _draft(person, peer)
        make_note(person, clinician, Audience.CARE_TEAM)
        PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    peer.sorted_roles()
    # The menu's counts (one query) and the drafts (one).
    with django_assert_num_queries(2):
        added = panels.home_page(_request(peer))
    assert added["home_drafts"].total == rows
    assert added["waiting"].unread_shared == rows
