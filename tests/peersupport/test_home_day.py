"""The home page is the user's day: for peers and clinicians what is due,
drafts, what to read, people not seen and consents ending; for coordinators
and researchers their work; the tools of each role below. The whole page costs
the same queries at 1 and at 50 rows of every kind of line."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.choices import Decision, Purpose
from clients.models import Consent
from interventions.choices import Audience, NoteStatus, ReviewStatus
from interventions.models import EmergencyAccess, Note, PeerRequest
from logbook.models import Entry
from peersupport.audit import record_export
from tests.factories import ClientFactory, put_on_team

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _rows_of_every_kind(number, *, peer, clinician, coordinator, researcher):
    """``number`` rows of each kind of line the home page shows."""
    for n in range(number):
        person = ClientFactory(display_name=f"Person {n}", last_contact_on=TODAY - timedelta(60))
        put_on_team(person, peer)
        put_on_team(person, clinician)
        Consent.objects.create(
            client=person,
            purpose=Purpose.CARE_TEAM_SHARING,
            decision=Decision.GIVEN,
            decided_on=TODAY - timedelta(300),
            expires_on=TODAY + timedelta(days=n % 30),
            recorded_by=coordinator,
        )
        for author in (peer, clinician):
            Note.objects.create(client=person, author=author, audience=Audience.CARE_TEAM)
            Note.objects.create(
                client=person,
                author=author,
                audience=Audience.CARE_TEAM,
                status=NoteStatus.SIGNED,
                signed_at=timezone.now(),
            )
        PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
        EmergencyAccess.objects.create(
            client=person,
            user=clinician,
            reason="risk_to_self",
            justification="x",
            expires_at=timezone.now(),
            review_status=ReviewStatus.PENDING,
        )
        record_export(user=coordinator, dataset="logbook", format="csv", filters={}, row_count=3)
        Entry.objects.create(
            author=peer,
            occurred_on=TODAY,
            kind="observation",
            source="logbook",
            title=f"Entry {n}",
            narrative="A desk for the peer.",
        )


def _queries_of_home(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["peer", "clinician", "coordinator", "researcher"])
def test_the_home_page_costs_the_same_queries_at_1_and_at_50_rows_of_every_kind(
    client, request, persona, peer, clinician, coordinator, researcher
):
    people = {"peer": peer, "clinician": clinician, "coordinator": coordinator}
    people["researcher"] = researcher
    client.force_login(people[persona])
    _rows_of_every_kind(1, **people)
    _queries_of_home(client)  # the session's first request settles it
    with_one = _queries_of_home(client)
    _rows_of_every_kind(49, **people)
    assert _queries_of_home(client) == with_one


def _page(client, user):
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_a_peers_day_shows_drafts_unread_notes_requests_people_not_seen_and_consents(
    client, peer, clinician, coordinator, researcher
):
    _rows_of_every_kind(
        2, peer=peer, clinician=clinician, coordinator=coordinator, researcher=researcher
    )
    page = _page(client, peer)
    for words in (
        "2 drafts to sign",
        "started today",
        "2 shared notes and answers to read",
        "2 requests for a peer",
        "2 people not seen for 21 days",
        "last seen 2 months ago",
        "2 people’s consents end within 30 days",
        "Sharing with the care team ends today",
    ):
        assert words in page, words
    person = Consent.objects.get(expires_on=TODAY).client
    assert f'href="/clients/{person.pk}/#consent-heading"' in page
    # The day comes before the tools.
    assert page.index("drafts to sign") < page.index("Register a person")
    # Nothing meant for those who run the programme.
    assert "safety exception" not in page and "programme-wide" not in page


def test_a_clinicians_day_has_no_requests_for_a_peer_to_take(
    client, peer, clinician, coordinator, researcher
):
    _rows_of_every_kind(
        1, peer=peer, clinician=clinician, coordinator=coordinator, researcher=researcher
    )
    page = _page(client, clinician)
    assert "1 draft to sign" in page and "1 shared note or answer to read" in page
    assert "request for a peer" not in page


def test_a_coordinators_home_shows_what_to_review_assign_consents_and_exports(
    client, peer, clinician, coordinator, researcher
):
    _rows_of_every_kind(
        3, peer=peer, clinician=clinician, coordinator=coordinator, researcher=researcher
    )
    page = _page(client, coordinator)
    for words in (
        "3 safety exceptions to review",
        "3 requests for a peer to assign",
        "Consents ending within 30 days, programme-wide",
        "3 expiring: Sharing with the care team",
        "3 exports in the last two weeks",
        "exported the implementation logbook, 3 rows",
    ):
        assert words in page, words
    # A coordinator writes no notes and is on no one's team here.
    assert "drafts to sign" not in page and "not seen for" not in page


def test_a_researchers_home_shows_the_entries_to_code_and_no_person(
    client, peer, clinician, coordinator, researcher
):
    _rows_of_every_kind(
        2, peer=peer, clinician=clinician, coordinator=coordinator, researcher=researcher
    )
    page = _page(client, researcher)
    assert "2 logbook entries to code" in page
    assert "Person 0" not in page and "consent" not in page.lower()


def test_a_card_with_nothing_in_it_is_left_out(client, peer):
    page = _page(client, peer)
    assert "to sign" not in page and "not seen for" not in page
    assert 'aria-labelledby="home-' not in page


def test_beyond_five_lines_the_rest_open_under_and_n_more(
    client, peer, clinician, coordinator, researcher
):
    _rows_of_every_kind(
        7, peer=peer, clinician=clinician, coordinator=coordinator, researcher=researcher
    )
    page = _page(client, peer)
    assert "<summary>and 2 more</summary>" in page
    assert "/clients/?consent_purpose=care_team_sharing&amp;consent_state=expiring_soon" in page


# The number of days, from the environment (README, "Configuration").


def test_people_not_seen_days_is_21_unless_the_environment_says_otherwise():
    from tests.subprocess_django import run_python

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PEOPLE_NOT_SEEN_DAYS)"
    )
    assert run_python(code, {"DJANGO_DEBUG": "true"}).stdout.strip() == "21"
    env = {"DJANGO_DEBUG": "true", "PEOPLE_NOT_SEEN_DAYS": "14"}
    assert run_python(code, env).stdout.strip() == "14"


def test_a_number_of_days_below_one_stops_start_up_naming_the_variable():
    from tests.subprocess_django import run_python

    env = {"DJANGO_DEBUG": "true", "PEOPLE_NOT_SEEN_DAYS": "0"}
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "PEOPLE_NOT_SEEN_DAYS" in result.stderr.strip().splitlines()[-1]
