"""Logging and changing work that is not an encounter: what each kind needs,
who logs a supervision, and a note that is only ever added to."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partners.models import Partner
from staff import work_services
from staff.models import WorkActivity
from tests.staff.work_world import (  # noqa: F401 (fixtures)
    SUPERVISION_NOTE,
    meeting,
    supervision,
    supervisor,
)

TODAY = timezone.localdate


def _log(user, kind="meeting", **fields):
    fields.setdefault("occurred_on", TODAY())
    fields.setdefault("duration_minutes", 45)
    return work_services.work_log(acting_user=user, kind=kind, **fields)


def test_a_meeting_counts_its_author_among_who_was_there(peer, clinician):
    activity = _log(peer, attendees=[clinician], note="Rota for the winter")
    assert set(activity.attendees.all()) == {peer, clinician}
    assert activity.author == peer
    assert activity.peer is None and activity.led_by is None
    entry = LogEntry.objects.get_for_object(activity).get(action=LogEntry.Action.CREATE)
    assert entry.actor == peer
    assert "note" not in entry.changes_dict


def test_a_peer_logs_their_supervision_with_who_led_it(peer, supervisor):  # noqa: F811
    activity = _log(peer, "supervision", peer=peer, led_by=supervisor, note="Hard week")
    assert set(activity.attendees.all()) == {peer, supervisor}
    assert activity.note == "Hard week"


def test_a_supervision_is_logged_by_one_of_its_two_people(other_peer, peer, supervisor):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        _log(other_peer, "supervision", peer=peer, led_by=supervisor)
    assert "peer" in refused.value.message_dict
    assert not WorkActivity.objects.exists()


def test_a_supervision_names_the_peer_and_who_led_it(peer):
    with pytest.raises(ValidationError) as refused:
        _log(peer, "debriefing", peer=peer)
    assert "led_by" in refused.value.message_dict


def test_a_supervision_names_nobody_else(peer, supervisor, clinician):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        _log(peer, "supervision", peer=peer, led_by=supervisor, attendees=[clinician])
    assert "attendees" in refused.value.message_dict


def test_the_peer_of_a_supervision_is_a_peer(clinician, supervisor):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        _log(supervisor, "supervision", peer=clinician, led_by=supervisor)
    assert "peer" in refused.value.message_dict


def test_an_outreach_round_names_its_partner_and_people_met(peer):
    with pytest.raises(ValidationError) as refused:
        _log(peer, "outreach")
    assert set(refused.value.message_dict) == {"partner", "contacts_count"}
    site = Partner.objects.create(name="Halte du coin", kind="shelter")
    activity = _log(peer, "outreach", partner=site, contacts_count=0)
    assert activity.partner == site and activity.contacts_count == 0


def test_a_partner_is_dropped_from_work_other_than_outreach(peer):
    site = Partner.objects.create(name="Halte du coin", kind="shelter")
    activity = _log(peer, "training", partner=site, contacts_count=3)
    assert activity.partner is None and activity.contacts_count is None


@pytest.mark.parametrize("minutes", [0, 12 * 60 + 1])
def test_a_length_out_of_a_day_is_refused(peer, minutes):
    with pytest.raises(ValidationError) as refused:
        _log(peer, duration_minutes=minutes)
    assert "duration_minutes" in refused.value.message_dict


def test_work_is_logged_once_done(peer):
    with pytest.raises(ValidationError) as refused:
        _log(peer, occurred_on=TODAY() + timedelta(days=1))
    assert "occurred_on" in refused.value.message_dict


def test_a_kind_that_does_not_exist_is_refused(peer):
    with pytest.raises(ValidationError):
        _log(peer, kind="party")


def test_someone_without_a_role_logs_nothing(outsider):
    with pytest.raises(PermissionDenied):
        _log(outsider)


def test_the_note_is_added_to_dated_never_rewritten(supervisor, supervision):  # noqa: F811
    work_services.work_update(
        acting_user=supervisor, activity=supervision, add_to_note="Better by the next week"
    )
    supervision.refresh_from_db()
    assert supervision.note.startswith(SUPERVISION_NOTE)
    assert "Better by the next week" in supervision.note
    assert "Added on" in supervision.note
    with pytest.raises(TypeError):
        work_services.work_update(acting_user=supervisor, activity=supervision, note="gone")


def test_only_the_author_changes_it(peer, supervision):  # noqa: F811
    with pytest.raises(PermissionDenied):
        work_services.work_update(acting_user=peer, activity=supervision, duration_minutes=5)
    supervision.refresh_from_db()
    assert supervision.duration_minutes == 60


def test_a_change_keeps_the_author_among_who_was_there(peer, clinician, meeting):  # noqa: F811
    work_services.work_update(acting_user=peer, activity=meeting, attendees=[], duration_minutes=90)
    meeting.refresh_from_db()
    assert set(meeting.attendees.all()) == {peer}
    assert meeting.duration_minutes == 90
