"""The pages of support groups: what each persona gets, who came in the words
the viewer may read, the note for its readers only (and its reading in the
trail), form errors on their fields, and query counts that do not grow with
the data."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.choices import SessionNoteAudience
from groups.models import GroupAttendance, GroupSession, SupportGroup
from tests.factories import ClientFactory, put_on_team
from tests.form_versions import versioned

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# The list and a group's page -------------------------------------------------------


def test_the_list_puts_the_viewer_s_groups_first_with_their_next_and_last_session(
    client, other_peer, peer, group, make_session
):
    theirs = SupportGroup.objects.create(name="Aaa first by name", created_by=other_peer)
    theirs.facilitators.set([other_peer])
    make_session(days_ago=3)
    make_session(days_ago=-7, anonymous=0)
    make_session(days_ago=1, cancelled_at=timezone.now())
    client.force_login(peer)
    groups = client.get(reverse("groups:list")).context["groups"]
    assert groups == [group, theirs]
    assert groups[0].is_mine and not groups[1].is_mine
    today = timezone.localdate()
    assert groups[0].last_on == today - timedelta(days=3)
    assert groups[0].next_on == today + timedelta(days=7)


@pytest.mark.parametrize("persona", ["peer", "coordinator"])
def test_the_list_makes_the_same_queries_for_one_group_and_for_five(
    client, request, peer, persona, make_session
):
    client.force_login(request.getfixturevalue(persona))

    def add_group(n):
        group = SupportGroup.objects.create(name=f"Group {n}", created_by=peer)
        group.facilitators.set([peer])
        make_session(on=group)

    add_group(0)
    one = _queries(client, reverse("groups:list"))
    for n in range(1, 5):
        add_group(n)
    assert _queries(client, reverse("groups:list")) == one


def test_a_group_s_page_lists_sessions_newest_first_with_counts_in_words(
    client, peer, group, make_session, person, elsewhere
):
    older = make_session(days_ago=14, came=[person], anonymous=0, topic="Older")
    newer = make_session(days_ago=1, came=[person, elsewhere], anonymous=2, topic="Newer")
    client.force_login(peer)
    response = client.get(reverse("groups:detail", args=[group.pk]))
    assert response.context["sessions"] == [newer, older]
    text = response.content.decode()
    assert (
        "4 came: 1 registered person you can see, 1 other registered person, 2 not registered"
        in text
    )
    assert "1 came: 1 registered person you can see" in text
    # Names are for the session's page, never the group's list of sessions.
    assert "Someone Elsewhere" not in text and "Hélène Groupe" not in text


def test_a_group_s_page_makes_the_same_queries_for_one_session_and_for_five(
    client, peer, group, make_session, person, elsewhere
):
    client.force_login(peer)
    make_session(came=[person, elsewhere])
    one = _queries(client, reverse("groups:detail", args=[group.pk]))
    for days in range(2, 6):
        make_session(days_ago=days, came=[person, elsewhere])
    assert _queries(client, reverse("groups:detail", args=[group.pk])) == one


@pytest.mark.parametrize("persona", ["researcher", "outsider"])
def test_who_does_not_work_with_people_gets_404_for_every_group_page(
    client, request, persona, group, session
):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("groups:list"),
        reverse("groups:create"),
        reverse("groups:detail", args=[group.pk]),
        reverse("groups:edit", args=[group.pk]),
        reverse("groups:session_create", args=[group.pk]),
        reverse("groups:session_detail", args=[session.pk]),
        reverse("groups:session_edit", args=[session.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_group_or_session_that_does_not_exist_is_404(client, peer):
    client.force_login(peer)
    assert client.get(reverse("groups:detail", args=[999])).status_code == 404
    assert client.get(reverse("groups:session_detail", args=[999])).status_code == 404


def test_a_coordinator_sees_groups_but_starts_and_changes_none(client, coordinator, group):
    client.force_login(coordinator)
    assert client.get(reverse("groups:detail", args=[group.pk])).status_code == 200
    assert client.get(reverse("groups:create")).status_code == 404
    assert client.get(reverse("groups:edit", args=[group.pk])).status_code == 403
    assert client.get(reverse("groups:session_create", args=[group.pk])).status_code == 403


# Starting and changing a group ------------------------------------------------------


def test_a_peer_starts_a_group_and_lands_on_its_page(client, peer, clinician):
    client.force_login(peer)
    form = client.get(reverse("groups:create")).context["form"]
    assert form.initial["facilitators"] == [peer.pk]
    response = client.post(
        reverse("groups:create"),
        {
            "name": "Entre pairs",
            "recurrence": "weekly",
            "schedule": "Tuesdays",
            "place_text": "Room 3",
            "facilitators": [peer.pk, clinician.pk],
        },
    )
    group = SupportGroup.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("groups:detail", args=[group.pk])
    assert set(group.facilitators.all()) == {peer, clinician}


def test_a_group_form_says_what_is_wrong_on_its_fields(client, peer):
    from partners.models import Partner

    partner = Partner.objects.create(name="Halte", kind="shelter")
    client.force_login(peer)
    response = client.post(
        reverse("groups:create"),
        {"name": "", "recurrence": "weekly", "place_partner": partner.pk, "place_text": "Room"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "facilitators", "place_text"}
    assert not SupportGroup.objects.exists()


def test_a_facilitator_retires_the_group_from_its_form(client, peer, group):
    client.force_login(peer)
    response = versioned(client).post(
        reverse("groups:edit", args=[group.pk]),
        {
            "name": group.name,
            "recurrence": group.recurrence,
            "place_text": group.place_text,
            "facilitators": [u.pk for u in group.facilitators.all()],
            # "is_active" unticked
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.is_active is False
    page = client.get(reverse("groups:detail", args=[group.pk]))
    assert page.context["can_record_session"] is False


def test_who_does_not_facilitate_gets_403_on_the_group_form(client, other_peer, group):
    client.force_login(other_peer)
    response = client.post(reverse("groups:edit", args=[group.pk]), {"name": "Taken"})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name == "Entre pairs"


# Recording a session ---------------------------------------------------------------


def test_the_session_form_offers_only_the_viewer_s_own_open_files(
    client, peer, group, person, elsewhere
):
    closed = ClientFactory(display_name="Closed File", closed_on=timezone.localdate())
    put_on_team(closed, peer)
    client.force_login(peer)
    form = client.get(reverse("groups:session_create", args=[group.pk])).context["form"]
    assert list(form.fields["attendees"].queryset) == [person]


def test_a_peer_records_a_session_with_two_named_and_three_anonymous(client, peer, group, person):
    second = ClientFactory(display_name="Second Person")
    put_on_team(second, peer)
    client.force_login(peer)
    response = client.post(
        reverse("groups:session_create", args=[group.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "topic": "Sleep",
            "attendees": [person.pk, second.pk],
            "anonymous_count": 3,
            "note": "Calm.",
            "note_audience": "facilitators",
        },
    )
    session = GroupSession.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("groups:session_detail", args=[session.pk])
    page = client.get(response.url)
    text = page.content.decode()
    assert "5 came: 2 registered people you can see, 3 not registered" in text
    assert "Hélène Groupe" in text and "Second Person" in text


def test_a_session_form_says_what_is_wrong_on_its_fields(client, peer, group, elsewhere):
    client.force_login(peer)
    response = client.post(
        reverse("groups:session_create", args=[group.pk]),
        {
            "held_on": (timezone.localdate() - timedelta(days=800)).isoformat(),
            "attendees": [elsewhere.pk],
            "anonymous_count": -1,
            "note_audience": "peers",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"held_on", "attendees", "anonymous_count"}
    assert not GroupSession.objects.exists()


def test_a_service_refusal_lands_on_its_field(client, peer, group, person):
    client.force_login(peer)
    response = client.post(
        reverse("groups:session_create", args=[group.pk]),
        {
            "held_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "attendees": [person.pk],
            "anonymous_count": 0,
            "note_audience": "peers",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"] == [
        "Who came is recorded once the session has taken place."
    ]


# A session's page ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "names", "counted"),
    [
        ("peer", ["Hélène Groupe"], "4 came: 1 registered person you can see, 1 other"),
        ("other_clinician", ["Someone Elsewhere"], "4 came: 1 registered person you can see"),
        ("other_peer", [], "4 came: 2 other registered people, 2 not registered"),
        # Seeing the whole register is not being on the person's team: names
        # in an attendance list follow care teams, for coordinators as well.
        ("coordinator", [], "4 came: 2 other registered people, 2 not registered"),
    ],
)
def test_a_session_names_only_the_people_the_viewer_sees_and_counts_the_rest(
    client, request, session, persona, names, counted
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("groups:session_detail", args=[session.pk]))
    shown = [a.client.display_name for a in response.context["attendees"]]
    assert shown == names
    assert counted in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "reads"),
    [("peer", True), ("clinician", False), ("other_peer", False), ("coordinator", False)],
)
def test_the_note_shows_to_its_readers_and_their_reading_is_in_the_trail(
    client, request, session, persona, reads
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("groups:session_detail", args=[session.pk]))
    assert ("Spoke about sleep" in response.content.decode()) is reads
    accessed = LogEntry.objects.filter(
        content_type__model="groupsession",
        object_pk=str(session.pk),
        action=LogEntry.Action.ACCESS,
        actor=user,
    )
    assert accessed.count() == (1 if reads else 0)


def test_a_session_s_page_makes_the_same_queries_for_one_attendee_and_for_five(
    client, peer, session
):
    client.force_login(peer)
    url = reverse("groups:session_detail", args=[session.pk])
    one = _queries(client, url)
    for n in range(4):
        extra = ClientFactory(display_name=f"Extra {n}")
        put_on_team(extra, peer)
        GroupAttendance.objects.create(session=session, client=extra, recorded_by=peer)
    assert _queries(client, url) == one


# Changing, cancelling, taking off -------------------------------------------------


def test_the_edit_form_says_the_note_is_only_added_to_and_adds(client, peer, session, person):
    client.force_login(peer)
    url = reverse("groups:session_edit", args=[session.pk])
    page = client.get(url)
    form = page.context["form"]
    assert "note" not in form.fields and "note_addition" in form.fields
    assert "never rewritten" in page.content.decode()
    response = versioned(client).post(
        url,
        {
            "held_on": session.held_on.isoformat(),
            "topic": session.topic,
            "anonymous_count": 2,
            "note_addition": "One more thing.",
            "attendees": [person.pk],
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.note.startswith("Spoke about sleep; one asked for a referral.\n\nAdded by")
    assert session.note.endswith("One more thing.")


def test_unticking_one_s_own_person_takes_them_off_and_leaves_the_others(
    client, peer, session, person, elsewhere
):
    client.force_login(peer)
    response = versioned(client).post(
        reverse("groups:session_edit", args=[session.pk]),
        {"held_on": session.held_on.isoformat(), "anonymous_count": 2, "attendees": []},
    )
    assert response.status_code == 302
    assert list(session.attendances.values_list("client_id", flat=True)) == [elsewhere.pk]


def test_a_facilitator_cancels_a_session_and_it_stays_marked(client, peer, session, group):
    client.force_login(peer)
    url = reverse("groups:session_cancel", args=[session.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.url == reverse("groups:detail", args=[group.pk])
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert "Cancelled" in client.get(response.url).content.decode()
    assert client.get(reverse("groups:session_edit", args=[session.pk])).status_code == 403


def test_who_does_not_facilitate_cannot_cancel(client, other_peer, session):
    client.force_login(other_peer)
    assert client.post(reverse("groups:session_cancel", args=[session.pk])).status_code == 403
    session.refresh_from_db()
    assert session.cancelled_at is None


def test_a_facilitator_takes_off_someone_recorded_by_mistake(client, peer, session, person):
    mine = GroupAttendance.objects.get(session=session, client=person)
    client.force_login(peer)
    url = reverse("groups:attendance_remove", args=[session.pk, mine.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.url == reverse("groups:session_detail", args=[session.pk])
    assert not GroupAttendance.objects.filter(pk=mine.pk).exists()


def test_someone_the_facilitator_does_not_see_cannot_be_taken_off_nor_found(
    client, peer, session, person, elsewhere, make_session
):
    theirs = GroupAttendance.objects.get(session=session, client=elsewhere)
    client.force_login(peer)
    response = client.post(reverse("groups:attendance_remove", args=[session.pk, theirs.pk]))
    assert response.status_code == 404
    # An attendance of another session, under this one's address: not found.
    other = make_session(came=[person])
    mine_elsewhere = other.attendances.get()
    response = client.post(
        reverse("groups:attendance_remove", args=[session.pk, mine_elsewhere.pk])
    )
    assert response.status_code == 404
    assert GroupAttendance.objects.count() == 3


def test_a_note_for_peers_is_not_offered_to_a_clinician_facilitator_to_add_to(
    client, clinician, session
):
    client.force_login(clinician)
    page = client.get(reverse("groups:session_edit", args=[session.pk]))
    assert "note_addition" not in page.context["form"].fields
    assert "Spoke about sleep" not in page.content.decode()
    assert not LogEntry.objects.filter(
        content_type__model="groupsession", action=LogEntry.Action.ACCESS
    ).exists()


def test_an_empty_note_may_be_written_later_with_its_audience(client, clinician, make_session):
    session = make_session()
    client.force_login(clinician)
    url = reverse("groups:session_edit", args=[session.pk])
    response = versioned(client).post(
        url,
        {
            "held_on": session.held_on.isoformat(),
            "anonymous_count": 2,
            "note": "Written after.",
            "note_audience": SessionNoteAudience.CLINICIANS,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.note, session.note_audience) == ("Written after.", "clinicians")
