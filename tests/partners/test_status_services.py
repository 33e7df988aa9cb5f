"""Saying a partner's service status: a row of history, and the partner's
copy of the latest, in one transaction; the service checks the policy itself."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from partners.models import PartnerStatus
from partners.services import partner_status_update
from tests.db_snapshot import snapshot

pytestmark = pytest.mark.django_db


def test_a_peer_says_reduced_and_the_partner_and_its_history_say_so(peer, shelter):
    row = partner_status_update(
        acting_user=peer, partner=shelter, status="reduced", capacity_note="  half the beds "
    )
    shelter.refresh_from_db()
    assert (shelter.service_status, shelter.capacity_note) == ("reduced", "half the beds")
    assert shelter.status_updated_by == peer
    assert shelter.status_updated_at == row.updated_at
    assert list(shelter.statuses.values_list("status", "capacity_note", "updated_by")) == [
        ("reduced", "half the beds", peer.pk)
    ]


def test_each_update_is_kept_and_the_partner_shows_the_newest(peer, coordinator, shelter):
    partner_status_update(acting_user=peer, partner=shelter, status="reduced", capacity_note="x")
    partner_status_update(
        acting_user=coordinator, partner=shelter, status="closed", capacity_note=""
    )
    partner_status_update(acting_user=peer, partner=shelter, status="open", capacity_note="")
    assert list(shelter.statuses.values_list("status", flat=True)) == ["open", "closed", "reduced"]
    shelter.refresh_from_db()
    assert (shelter.service_status, shelter.capacity_note, shelter.status_updated_by) == (
        "open",
        "",
        peer,
    )


def test_the_object_passed_in_shows_the_new_status_at_once(peer, shelter):
    partner_status_update(acting_user=peer, partner=shelter, status="closed", capacity_note="")
    assert shelter.service_status == "closed"
    assert not shelter.status_is_stale()


@pytest.mark.parametrize("persona", ["researcher", "outsider"])
def test_who_may_not_update_is_refused_by_the_service_and_nothing_changes(
    request, persona, shelter
):
    user = request.getfixturevalue(persona)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        partner_status_update(acting_user=user, partner=shelter, status="closed", capacity_note="")
    assert snapshot() == before


def test_an_inactive_partner_takes_no_status(coordinator, closed_dropin):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        partner_status_update(
            acting_user=coordinator, partner=closed_dropin, status="open", capacity_note=""
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("status", "note", "field"),
    [("sometimes", "", "status"), ("reduced", "x" * 201, "capacity_note")],
)
def test_bad_values_are_refused_on_their_field_and_nothing_is_saved(
    peer, shelter, status, note, field
):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        partner_status_update(acting_user=peer, partner=shelter, status=status, capacity_note=note)
    assert field in refused.value.message_dict
    assert snapshot() == before


def test_the_audit_trail_names_who_said_it(clinician, shelter):
    row = partner_status_update(
        acting_user=clinician, partner=shelter, status="reduced", capacity_note="no new intakes"
    )
    assert LogEntry.objects.get_for_object(row).get().actor == clinician
    partner_entry = LogEntry.objects.get_for_object(shelter).latest("timestamp")
    assert partner_entry.actor == clinician
    assert "service_status" in partner_entry.changes_dict


@override_settings(PARTNER_STATUS_STALE_DAYS=14)
def test_a_status_is_stale_after_fourteen_days(peer, shelter):
    assert shelter.status_is_stale()  # never said
    partner_status_update(acting_user=peer, partner=shelter, status="open", capacity_note="")
    said = shelter.status_updated_at
    assert not shelter.status_is_stale(now=said + timedelta(days=14))
    assert shelter.status_is_stale(now=said + timedelta(days=14, minutes=1))


@override_settings(PARTNER_STATUS_STALE_DAYS=3)
def test_the_setting_decides_when_a_status_goes_stale(peer, shelter):
    partner_status_update(acting_user=peer, partner=shelter, status="open", capacity_note="")
    assert shelter.status_is_stale(now=timezone.now() + timedelta(days=4))
    assert PartnerStatus.objects.count() == 1
