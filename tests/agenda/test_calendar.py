"""The calendar feed as a calendar app fetches it, read back with icalendar.

The world: a person with everything a feed must never show (names, aliases,
a phone, encrypted texts), follow-ups of every shape, and readers of a feed
as bytes, unfolded, and parsed. The helpers (not the tests) are shared with
test_calendar_views.py."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agenda import calendar
from agenda.models import AccompanimentKind, FollowUp
from agenda.services import calendar_feed_reset, calendar_feed_turn_off, calendar_feed_turn_on
from clients.models import CareTeamMembership, Client
from interventions.models import Encounter, Note
from partners.models import Partner
from peersupport.models import RoleGrant
from tests.factories import ClientFactory, put_on_team


def make_follow_up(client, assigned_to, *, days=1, **fields) -> FollowUp:
    """A follow-up due ``days`` from today, with a confidential promise."""
    fields.setdefault("what", f"Call about the housing file of {client.display_name}")
    return FollowUp.objects.create(
        client=client,
        assigned_to=assigned_to,
        created_by=assigned_to,
        due_on=timezone.localdate() + timedelta(days=days),
        **fields,
    )


@pytest.fixture
def court(db):
    return AccompanimentKind.objects.create(name_en="Court hearing", name_fr="Audience au tribunal")


@pytest.fixture
def clinic(db):
    return Partner.objects.create(
        name="Clinique du Plateau", kind="clinic", address="4625 avenue De Lorimier"
    )


@pytest.fixture
def named_person(peer, clinician):
    """On the peer's and the clinician's care team, with every kind of name."""
    person = ClientFactory(
        display_name="Geneviève Quintal",
        aliases="Ginette\nLa Vipère",
        legal_first_name="Marie-Geneviève",
        legal_last_name="Quintal-Ouellette",
        phone="514-555-0199",
        where_to_find="Behind the Accueil Bonneau, mornings",
    )
    put_on_team(person, peer)
    put_on_team(person, clinician)
    return person


def feed_path(secret: str, **query) -> str:
    path = reverse("calendar:feed", kwargs={"secret": secret})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def turn_on(user) -> str:
    return calendar_feed_turn_on(acting_user=user)


def fetch(client, secret: str, **query):
    """The feed as a calendar app fetches it: no session."""
    client.logout()
    return client.get(feed_path(secret, **query))


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    return Calendar.from_ical(response.content)


def events_of(response) -> dict[str, object]:
    """The feed's events by UID."""
    return {str(event["UID"]): event for event in parsed(response).walk("VEVENT")}


def uid_of(follow_up: FollowUp) -> str:
    return f"follow-up-{follow_up.pk}@testserver"


def unfolded(content: bytes) -> str:
    """The feed's text with its long lines joined again and its escapes undone,
    so that a name cut in two by line folding is still found."""
    text = content.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return re.sub(r"\\([,;\\])", r"\1", text).replace("\\n", "\n").replace("\\N", "\n")


def confidential_texts() -> list[str]:
    """Every name, alias and confidential text the database holds, decrypted:
    none of these may reach a phone's calendar."""
    texts = []
    for person in Client.objects.all():
        texts += [
            person.display_name,
            person.legal_first_name,
            person.legal_last_name,
            person.phone,
            person.where_to_find,
            *person.aliases.splitlines(),
        ]
    for follow_up in FollowUp.objects.all():
        texts += [follow_up.what, follow_up.outcome or ""]
    texts += [note.body for note in Note.objects.all()]
    texts += [encounter.next_steps for encounter in Encounter.objects.all()]
    return sorted({text.strip() for text in texts if text and text.strip()})


def leaks(content: bytes) -> list[str]:
    """The confidential texts found in a feed, raw or unfolded, in any case, as
    whole words (an alias "Mo" is not found in "LAST-MODIFIED")."""
    texts = (content.decode("utf-8"), unfolded(content))
    return [
        text
        for text in confidential_texts()
        if any(
            re.search(rf"(?<!\w){re.escape(text)}(?!\w)", where, re.IGNORECASE) for where in texts
        )
    ]


AT_TEN = time(10, 0)


def test_the_leak_check_finds_a_name_cut_by_line_folding_or_escaped(named_person):
    # The check below is only as good as this: a long line folded in the
    # middle of a name, or a name with an escaped comma, is still found.
    folded = b"SUMMARY:Accompaniment with Genevi\xc3\xa8ve Qu\r\n intal\r\n"
    escaped = b"LOCATION:Ginette\\, La Vip\xc3\xa8re\r\nLAST-MODIFIED:20260101T000000Z\r\n"

    assert leaks(folded) == ["Geneviève Quintal"]
    assert leaks(escaped) == ["Ginette", "La Vipère"]
    assert leaks(b"LAST-MODIFIED:20260101T000000Z\r\n") == []


# What the feed holds.


def test_the_feed_holds_its_owners_open_follow_ups_within_its_window(
    client, peer, clinician, named_person, court
):
    accompaniment = make_follow_up(named_person, peer, kind=court, due_time=AT_TEN)
    dated = make_follow_up(named_person, peer, days=3)
    lately = make_follow_up(named_person, peer, days=-calendar.DAYS_BACK)
    farthest = make_follow_up(named_person, peer, days=calendar.DAYS_AHEAD)
    make_follow_up(named_person, peer, days=-calendar.DAYS_BACK - 1)
    make_follow_up(named_person, peer, days=calendar.DAYS_AHEAD + 1)
    make_follow_up(named_person, peer, status="done", closed_at=timezone.now())
    make_follow_up(named_person, peer, status="cancelled", closed_at=timezone.now())
    make_follow_up(named_person, clinician)
    secret = turn_on(peer)

    events = events_of(fetch(client, secret))

    assert set(events) == {uid_of(f) for f in (accompaniment, dated, lately, farthest)}


def test_no_name_alias_or_confidential_text_from_the_database_is_anywhere_in_the_feed(
    client, peer, named_person, court, clinic
):
    make_follow_up(
        named_person,
        peer,
        kind=court,
        due_time=AT_TEN,
        duration_minutes=90,
        place_partner=clinic,
        outcome="She was scared of the judge; Ginette came along",
    )
    make_follow_up(named_person, peer, days=2, place_text="Palais de justice, salle 3.08")
    Note.objects.create(
        client=named_person,
        author=peer,
        audience="peer_team",
        status="signed",
        signed_at=timezone.now(),
        body="Geneviève told me about her brother",
    )
    secret = turn_on(peer)

    response = fetch(client, secret)

    assert len(events_of(response)) == 2
    assert confidential_texts()  # the check below has something to look for
    assert leaks(response.content) == []
    for event in parsed(response).walk("VEVENT"):
        assert "DESCRIPTION" not in event
        assert "ATTENDEE" not in event


def test_an_accompaniment_carries_its_kind_record_number_time_and_place(
    client, peer, named_person, court, clinic
):
    follow_up = make_follow_up(
        named_person, peer, kind=court, due_time=AT_TEN, duration_minutes=90, place_partner=clinic
    )
    secret = turn_on(peer)

    event = events_of(fetch(client, secret))[uid_of(follow_up)]

    local = datetime.combine(follow_up.due_on, AT_TEN, ZoneInfo(settings.TIME_ZONE))
    assert str(event["SUMMARY"]) == f"Accompaniment: Court hearing · record {named_person.pk}"
    assert event.start == local
    assert event.start.utcoffset() == timedelta(0)  # written in UTC
    assert event.end - event.start == timedelta(minutes=90)
    assert str(event["LOCATION"]) == "Clinique du Plateau, 4625 avenue De Lorimier"
    assert str(event["CLASS"]) == "PRIVATE"


def test_a_follow_up_with_a_date_only_is_an_all_day_event_at_the_place_written(
    client, peer, named_person
):
    follow_up = make_follow_up(named_person, peer, days=4, place_text="Accueil Bonneau")
    secret = turn_on(peer)

    event = events_of(fetch(client, secret))[uid_of(follow_up)]

    assert str(event["SUMMARY"]) == f"Follow-up · record {named_person.pk}"
    assert event.start == follow_up.due_on
    assert not isinstance(event.start, datetime)
    assert event.end == follow_up.due_on + timedelta(days=1)
    assert str(event["LOCATION"]) == "Accueil Bonneau"


def test_a_timed_follow_up_without_a_duration_lasts_an_hour_and_may_have_no_place(
    client, peer, named_person
):
    follow_up = make_follow_up(named_person, peer, due_time=time(14, 30))
    secret = turn_on(peer)

    event = events_of(fetch(client, secret))[uid_of(follow_up)]

    assert event.end - event.start == timedelta(minutes=calendar.DEFAULT_MINUTES)
    assert "LOCATION" not in event


def test_each_event_links_to_its_follow_up_and_keeps_its_uid_from_one_fetch_to_the_next(
    client, peer, named_person
):
    follow_up = make_follow_up(named_person, peer)
    secret = turn_on(peer)

    first = events_of(fetch(client, secret))
    second = events_of(fetch(client, secret))

    assert set(first) == set(second) == {uid_of(follow_up)}
    link = str(first[uid_of(follow_up)]["URL"])
    assert link == "http://testserver" + reverse("follow_ups:detail", kwargs={"pk": follow_up.pk})
    # The link asks whoever follows it to sign in: it opens nothing by itself.
    response = client.get(link)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_feed_is_written_in_the_language_of_its_address(client, peer, named_person, court):
    follow_up = make_follow_up(named_person, peer, kind=court, due_time=AT_TEN)
    secret = turn_on(peer)

    in_french = events_of(fetch(client, secret, lang="fr"))[uid_of(follow_up)]
    unknown = events_of(fetch(client, secret, lang="xx"))[uid_of(follow_up)]

    assert "Audience au tribunal" in str(in_french["SUMMARY"])
    assert "Court hearing" in str(unknown["SUMMARY"])  # the site's language, English here


def test_the_feed_is_a_private_uncached_calendar(client, peer, named_person):
    secret = turn_on(peer)

    response = fetch(client, secret)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert parsed(response)["X-WR-CALNAME"] == "Follow-ups and accompaniments"


# Who gets what.


def test_a_wrong_secret_answers_404_like_any_missing_page(client, peer):
    turn_on(peer)

    assert fetch(client, secrets.token_urlsafe(32)).status_code == 404
    assert fetch(client, "not-a-secret").status_code == 404


def test_a_reset_address_stops_answering_at_once_and_the_new_one_answers(client, peer):
    old = turn_on(peer)

    new = calendar_feed_reset(acting_user=peer)

    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200


def test_a_feed_turned_off_answers_404(client, peer):
    secret = turn_on(peer)

    calendar_feed_turn_off(acting_user=peer)

    assert fetch(client, secret).status_code == 404


def test_another_users_follow_ups_never_appear_even_on_the_same_care_team(
    client, peer, clinician, other_clinician, named_person
):
    elsewhere = ClientFactory(display_name="Someone Else")
    put_on_team(elsewhere, other_clinician)
    mine = make_follow_up(named_person, peer)
    make_follow_up(named_person, clinician)
    make_follow_up(elsewhere, other_clinician)
    secret = turn_on(peer)

    assert set(events_of(fetch(client, secret))) == {uid_of(mine)}


def test_after_leaving_the_care_team_the_feed_shows_none_of_that_persons_follow_ups(
    client, peer, named_person
):
    make_follow_up(named_person, peer)
    secret = turn_on(peer)
    CareTeamMembership.objects.filter(client=named_person, member=peer).update(
        left_on=timezone.localdate()
    )

    response = fetch(client, secret)

    assert events_of(response) == {}
    assert leaks(response.content) == []


def test_a_deactivated_account_gets_nothing(client, peer, named_person):
    make_follow_up(named_person, peer)
    secret = turn_on(peer)
    peer.is_active = False
    peer.save(update_fields=["is_active"])

    assert fetch(client, secret).status_code == 404


def test_an_account_that_lost_its_role_gets_nothing(client, peer, named_person):
    make_follow_up(named_person, peer)
    secret = turn_on(peer)
    RoleGrant.objects.filter(user=peer).delete()

    assert fetch(client, secret).status_code == 404


def test_the_secret_is_the_key_whoever_is_signed_in(client, peer, clinician, named_person):
    # A calendar app sends no session, but a browser may: it changes nothing.
    mine = make_follow_up(named_person, peer)
    secret = turn_on(peer)

    client.force_login(clinician)
    response = client.get(feed_path(secret))

    assert set(events_of(response)) == {uid_of(mine)}


# Cost and trail.


def _queries_for(client, secret) -> int:
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(feed_path(secret))
    assert response.status_code == 200
    return len(queries)


def test_the_feed_costs_the_same_queries_with_1_and_50_events(
    client, peer, named_person, court, clinic
):
    secret = turn_on(peer)
    make_follow_up(named_person, peer, kind=court, due_time=AT_TEN, place_partner=clinic)
    one = _queries_for(client, secret)
    for day in range(49):
        kind = court if day % 2 else None
        make_follow_up(
            named_person, peer, days=day, kind=kind, due_time=AT_TEN, place_partner=clinic
        )

    fifty = _queries_for(client, secret)

    assert len(events_of(fetch(client, secret))) == 50
    assert one == fifty


def test_each_fetch_is_in_the_audit_trail_in_the_owners_name_without_the_secret(
    client, peer, named_person
):
    make_follow_up(named_person, peer)
    secret = turn_on(peer)

    fetch(client, secret)

    entry = LogEntry.objects.filter(additional_data__event=calendar.FETCHED).get()
    assert entry.actor == peer
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.additional_data["events"] == 1
    for row in LogEntry.objects.values():
        assert secret not in str(row)


def test_what_was_promised_and_how_it_went_are_not_even_read_to_build_the_feed(
    client, peer, named_person
):
    make_follow_up(named_person, peer, outcome="Went well")
    secret = turn_on(peer)
    client.logout()

    with CaptureQueriesContext(connection) as queries:
        client.get(feed_path(secret))

    reads = [q["sql"] for q in queries if '"agenda_followup"' in q["sql"]]
    assert len(reads) == 1
    assert '"agenda_followup"."what"' not in reads[0]
    assert '"agenda_followup"."outcome"' not in reads[0]
