"""Every change to groups goes through groups/services.py: checked against the
policies, attributed in the audit trail, refused on the field it is about,
and nothing but a mistaken attendance ever deleted."""

from datetime import time, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clients import services as client_services
from groups import services
from groups.choices import Recurrence, SessionNoteAudience
from groups.models import GroupAttendance, GroupSession
from partners.models import Partner
from tests.factories import ClientFactory, put_on_team

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _field_errors(raised) -> set[str]:
    return set(raised.value.message_dict)


# Groups -----------------------------------------------------------------------


def test_a_peer_starts_a_group_they_facilitate_and_the_trail_names_them(peer, clinician):
    group = services.group_create(
        acting_user=peer,
        name="  Entre pairs ",
        facilitators=[peer, clinician],
        recurrence=Recurrence.EVERY_TWO_WEEKS,
        place_text="Community room",
        schedule="Tuesdays, 2 pm",
    )
    assert group.name == "Entre pairs"
    assert set(group.facilitators.all()) == {peer, clinician}
    entry = LogEntry.objects.get_for_object(group).first()
    assert entry.actor == peer


@pytest.mark.parametrize("persona", ["researcher", "coordinator", "outsider"])
def test_who_does_not_run_groups_cannot_start_one(request, persona, peer):
    with pytest.raises(PermissionDenied):
        services.group_create(
            acting_user=request.getfixturevalue(persona), name="X", facilitators=[peer]
        )


def test_a_group_needs_facilitators_who_may_run_groups(peer, researcher):
    with pytest.raises(ValidationError) as raised:
        services.group_create(acting_user=peer, name="X", facilitators=[])
    assert _field_errors(raised) == {"facilitators"}
    with pytest.raises(ValidationError) as raised:
        services.group_create(acting_user=peer, name="X", facilitators=[peer, researcher])
    assert _field_errors(raised) == {"facilitators"}


def test_a_place_is_a_partner_or_words_never_both_and_the_partner_is_open(peer):
    partner = Partner.objects.create(name="Halte", kind="shelter")
    with pytest.raises(ValidationError) as raised:
        services.group_create(
            acting_user=peer,
            name="X",
            facilitators=[peer],
            place_partner=partner,
            place_text="Room 3",
        )
    assert _field_errors(raised) == {"place_text"}
    closed = Partner.objects.create(name="Closed", kind="shelter", is_active=False)
    with pytest.raises(ValidationError) as raised:
        services.group_create(acting_user=peer, name="X", facilitators=[peer], place_partner=closed)
    assert _field_errors(raised) == {"place_partner"}


def test_a_facilitator_retires_the_group_and_hands_it_over(group, peer, clinician, other_peer):
    services.group_update(acting_user=peer, group=group, is_active=False)
    group.refresh_from_db()
    assert group.is_active is False
    services.group_update(acting_user=peer, group=group, facilitators=[other_peer])
    assert list(group.facilitators.all()) == [other_peer]
    # Handed over: the peer no longer changes it.
    with pytest.raises(PermissionDenied):
        services.group_update(acting_user=peer, group=group, name="Mine again")


def test_who_does_not_facilitate_cannot_change_a_group(group, other_peer, coordinator):
    for user in (other_peer, coordinator):
        with pytest.raises(PermissionDenied):
            services.group_update(acting_user=user, group=group, name="Taken")
    group.refresh_from_db()
    assert group.name == "Entre pairs"


def test_group_update_refuses_what_it_does_not_change(group, peer):
    with pytest.raises(TypeError):
        services.group_update(acting_user=peer, group=group, created_by=peer)


# Sessions -------------------------------------------------------------------------


def test_a_peer_records_a_session_with_two_of_their_people_and_three_others(group, peer, person):
    second = ClientFactory(display_name="Second Person")
    put_on_team(second, peer)
    session = services.session_record(
        acting_user=peer,
        group=group,
        held_on=TODAY(),
        starts_at=time(14, 0),
        duration_minutes=90,
        topic="Sleep",
        anonymous_count=3,
        note="Calm session.",
        note_audience=SessionNoteAudience.FACILITATORS,
        attendees=[person, second, person],
    )
    assert session.anonymous_count == 3
    assert set(session.attendances.values_list("client_id", flat=True)) == {person.pk, second.pk}
    assert session.note == "Calm session."
    entries = LogEntry.objects.get_for_object(session)
    assert entries.get().actor == peer
    # The trail says the note was written, never what it says.
    assert "note" not in entries.get().changes_dict


def test_a_facilitator_cannot_name_someone_off_their_teams(group, peer, elsewhere):
    with pytest.raises(ValidationError) as raised:
        services.session_record(
            acting_user=peer, group=group, held_on=TODAY(), attendees=[elsewhere]
        )
    assert _field_errors(raised) == {"attendees"}
    assert not GroupSession.objects.exists()


def test_only_a_facilitator_records_a_session_of_an_active_group(group, peer, other_peer):
    with pytest.raises(PermissionDenied):
        services.session_record(acting_user=other_peer, group=group, held_on=TODAY())
    group.is_active = False
    group.save()
    with pytest.raises(PermissionDenied):
        services.session_record(acting_user=peer, group=group, held_on=TODAY())


def test_a_session_is_dated_within_the_past_year_or_three_months_ahead(group, peer, person):
    with pytest.raises(ValidationError) as raised:
        services.session_record(
            acting_user=peer, group=group, held_on=TODAY() - timedelta(days=400)
        )
    assert _field_errors(raised) == {"held_on"}
    planned = services.session_record(
        acting_user=peer, group=group, held_on=TODAY() + timedelta(days=7)
    )
    assert planned.pk
    # Nobody has come yet to a session still to come.
    with pytest.raises(ValidationError) as raised:
        services.session_record(
            acting_user=peer,
            group=group,
            held_on=TODAY() + timedelta(days=7),
            attendees=[person],
        )
    assert _field_errors(raised) == {"attendees"}
    with pytest.raises(ValidationError) as raised:
        services.session_record(
            acting_user=peer, group=group, held_on=TODAY() + timedelta(days=7), anonymous_count=2
        )
    assert _field_errors(raised) == {"anonymous_count"}


def test_changing_who_came_adds_and_takes_off_and_the_trail_keeps_it(make_session, peer, person):
    session = make_session()
    second = ClientFactory(display_name="Second Person")
    put_on_team(second, peer)
    services.session_update(
        acting_user=peer, session=session, add_attendees=[person, second], anonymous_count=5
    )
    assert set(session.attendances.values_list("client_id", flat=True)) == {person.pk, second.pk}
    session.refresh_from_db()
    assert session.anonymous_count == 5
    services.session_update(acting_user=peer, session=session, remove_attendees=[second])
    assert list(session.attendances.values_list("client_id", flat=True)) == [person.pk]
    deleted = LogEntry.objects.filter(
        content_type__model="groupattendance", action=LogEntry.Action.DELETE
    ).get()
    assert deleted.actor == peer and deleted.additional_data == {"client_id": second.pk}


def test_the_note_is_written_once_then_only_added_to(make_session, peer, clinician):
    session = make_session()
    services.session_update(
        acting_user=peer,
        session=session,
        note="First words.",
        note_audience=SessionNoteAudience.FACILITATORS,
    )
    session.refresh_from_db()
    assert (session.note, session.note_audience) == ("First words.", "facilitators")
    with pytest.raises(ValidationError) as raised:
        services.session_update(acting_user=peer, session=session, note="Rewritten.")
    assert _field_errors(raised) == {"note"}
    services.session_update(acting_user=clinician, session=session, note_addition="More.")
    session.refresh_from_db()
    assert session.note.startswith("First words.\n\nAdded by ")
    assert session.note.endswith("\nMore.")
    assert str(clinician) in session.note


def test_a_facilitator_who_may_not_read_the_note_cannot_add_to_it(make_session, clinician):
    session = make_session(note="For peers.", note_audience=SessionNoteAudience.PEERS)
    with pytest.raises(ValidationError) as raised:
        services.session_update(acting_user=clinician, session=session, note_addition="Hello")
    assert _field_errors(raised) == {"note_addition"}
    session.refresh_from_db()
    assert session.note == "For peers."


def test_a_session_is_cancelled_never_deleted_and_then_frozen(session, peer, person):
    services.session_cancel(acting_user=peer, session=session)
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert session.attendances.count() == 2
    with pytest.raises(PermissionDenied):
        services.session_update(acting_user=peer, session=session, topic="Changed")
    with pytest.raises(PermissionDenied):
        services.session_cancel(acting_user=peer, session=session)


def test_who_does_not_facilitate_cannot_change_or_cancel_a_session(
    session, other_peer, coordinator
):
    for user in (other_peer, coordinator):
        with pytest.raises(PermissionDenied):
            services.session_update(acting_user=user, session=session, topic="Taken")
        with pytest.raises(PermissionDenied):
            services.session_cancel(acting_user=user, session=session)
    session.refresh_from_db()
    assert (session.topic, session.cancelled_at) == ("Sleep and stress", None)


def test_a_person_recorded_by_mistake_is_taken_off_by_a_facilitator_who_sees_them(
    session, peer, person, elsewhere
):
    mine = GroupAttendance.objects.get(session=session, client=person)
    theirs = GroupAttendance.objects.get(session=session, client=elsewhere)
    with pytest.raises(PermissionDenied):
        services.attendance_remove(acting_user=peer, attendance=theirs)
    services.attendance_remove(acting_user=peer, attendance=mine)
    assert list(session.attendances.all()) == [theirs]
    assert (
        LogEntry.objects.filter(
            content_type__model="groupattendance", object_pk=str(mine.pk), action=2
        )
        .get()
        .actor
        == peer
    )


def test_merging_two_records_that_came_to_the_same_session_keeps_one_attendance(
    coordinator, make_session, person, elsewhere, group
):
    # The same person registered twice, both records ticked at one session
    # (and only the second at another): after the merge the kept record has
    # came once to each, and the duplicate tick stays on the merged-away
    # record instead of breaking the merge on the unique (session, person).
    both = make_session(came=[person, elsewhere])
    only_away = make_session(came=[elsewhere], days_ago=8)
    client_services.client_merge(
        acting_user=coordinator, keep=person, merge_away=elsewhere, reason="Same person"
    )
    kept = GroupAttendance.objects.filter(client=person)
    assert sorted(a.session_id for a in kept) == sorted([both.pk, only_away.pk])
    assert GroupAttendance.objects.filter(client=elsewhere, session=both).count() == 1
