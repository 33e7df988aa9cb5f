"""Making referrals and recording their steps (referrals/services.py)."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clients.choices import Decision, Purpose
from referrals import services
from referrals.models import Referral, ReferralStatusChange
from tests.db_snapshot import snapshot
from tests.referrals.conftest import give_consent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _refer(user, person, partner, **kwargs):
    return services.referral_create(
        acting_user=user, client=person, partner=partner, reason="Needs a bed.", **kwargs
    )


def test_a_referral_starts_as_proposed_with_its_first_step(referral, peer):
    assert referral.status == "proposed"
    steps = list(referral.changes.all())
    assert [(s.status, s.changed_on, s.changed_by) for s in steps] == [
        ("proposed", referral.referred_on, peer)
    ]


def test_a_community_partner_without_sharing_consent_is_refused_on_the_partner_field(
    person, shelter, peer
):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        _refer(peer, person, shelter)
    assert "“referral to a partner” is not in force" in refused.value.message_dict["partner"][0]
    assert snapshot() == before


def test_a_service_of_our_organisation_needs_no_sharing_consent(person, clinic_service, peer):
    referral = _refer(peer, person, clinic_service)
    assert referral.partner == clinic_service


def test_without_consent_to_receive_services_no_referral_is_made(
    person, clinic_service, peer, coordinator
):
    give_consent(person, Purpose.PEER_SUPPORT, coordinator, decision=Decision.WITHDRAWN)
    with pytest.raises(ValidationError) as refused:
        _refer(peer, person, clinic_service)
    assert "receiving peer support" in refused.value.message_dict["partner"][0]


def test_both_missing_consents_are_named(person, shelter, peer, coordinator):
    give_consent(person, Purpose.PEER_SUPPORT, coordinator, decision=Decision.WITHDRAWN)
    with pytest.raises(ValidationError) as refused:
        _refer(peer, person, shelter)
    message = refused.value.message_dict["partner"][0]
    assert "receiving peer support" in message and "referral to a partner" in message


def test_someone_off_the_team_cannot_refer_the_person(person, clinic_service, other_peer):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        _refer(other_peer, person, clinic_service)
    assert snapshot() == before


def test_a_referral_date_in_the_future_is_refused_on_its_field(person, clinic_service, peer):
    with pytest.raises(ValidationError) as refused:
        _refer(peer, person, clinic_service, referred_on=TODAY() + timedelta(days=1))
    assert "referred_on" in refused.value.message_dict


def test_a_referral_made_on_29_february_is_saved(monkeypatch, person, clinic_service, peer):
    # The day a year before a 29 February does not exist: the limit is in days.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2028, 2, 29))
    referral = _refer(peer, person, clinic_service, referred_on=date(2028, 2, 29))
    assert referral.referred_on == date(2028, 2, 29)


def test_a_referral_dated_more_than_a_year_back_is_refused_on_its_field(
    person, clinic_service, peer
):
    with pytest.raises(ValidationError) as refused:
        _refer(peer, person, clinic_service, referred_on=TODAY() - timedelta(days=366))
    assert "up to a year" in refused.value.message_dict["referred_on"][0]


def test_a_reason_is_required(person, clinic_service, peer):
    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            acting_user=peer, client=person, partner=clinic_service, reason="   "
        )
    assert "reason" in refused.value.message_dict


def test_each_step_is_kept_with_its_date_and_author(referral, peer, clinician):
    services.referral_change_status(
        acting_user=peer, referral=referral, status="sent", changed_on=TODAY() - timedelta(days=2)
    )
    services.referral_change_status(acting_user=clinician, referral=referral, status="accepted")
    services.referral_change_status(
        acting_user=peer, referral=referral, status="attended", outcome="Got a bed."
    )
    referral.refresh_from_db()
    assert referral.status == "attended"
    assert referral.outcome == "Got a bed."
    steps = [(s.status, s.changed_by) for s in referral.changes.order_by("pk")]
    assert steps == [
        ("proposed", peer),
        ("sent", peer),
        ("accepted", clinician),
        ("attended", peer),
    ]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ((), "attended"),  # proposed cannot be attended before it is sent and accepted
        ((), "no_show"),
        (("sent",), "proposed"),
        (("sent", "accepted", "attended"), "closed"),  # nothing follows an end
    ],
)
def test_moves_outside_the_allowed_path_are_refused(referral, peer, path, refused):
    for status in path:
        services.referral_change_status(
            acting_user=peer, referral=referral, status=status, outcome="Done."
        )
    before = snapshot()
    with pytest.raises((ValidationError, PermissionDenied)):
        services.referral_change_status(
            acting_user=peer, referral=referral, status=refused, outcome="Done."
        )
    assert snapshot() == before


@pytest.mark.parametrize("start", [(), ("sent",), ("sent", "accepted")])
def test_a_referral_can_be_closed_at_any_step_before_it_ends(referral, peer, start):
    for status in start:
        services.referral_change_status(acting_user=peer, referral=referral, status=status)
    services.referral_change_status(
        acting_user=peer, referral=referral, status="closed", outcome="Moved to another city."
    )
    referral.refresh_from_db()
    assert referral.status == "closed"


def test_closing_needs_an_outcome(referral, peer):
    with pytest.raises(ValidationError) as refused:
        services.referral_change_status(acting_user=peer, referral=referral, status="closed")
    assert "outcome" in refused.value.message_dict


def test_a_step_cannot_be_dated_in_the_future_or_before_the_previous_one(referral, peer):
    with pytest.raises(ValidationError) as future:
        services.referral_change_status(
            acting_user=peer,
            referral=referral,
            status="sent",
            changed_on=TODAY() + timedelta(days=1),
        )
    assert "changed_on" in future.value.message_dict
    with pytest.raises(ValidationError) as early:
        services.referral_change_status(
            acting_user=peer,
            referral=referral,
            status="sent",
            changed_on=referral.referred_on - timedelta(days=1),
        )
    assert "changed_on" in early.value.message_dict


def test_sending_asks_again_for_the_consent_to_share(referral, peer, coordinator):
    give_consent(referral.client, Purpose.PARTNER_REFERRAL, coordinator, Decision.WITHDRAWN)
    with pytest.raises(ValidationError) as refused:
        services.referral_change_status(acting_user=peer, referral=referral, status="sent")
    assert "referral to a partner" in refused.value.message_dict["status"][0]
    # Steps that share nothing can still be recorded.
    services.referral_change_status(
        acting_user=peer, referral=referral, status="closed", outcome="Consent withdrawn."
    )


def test_coordinators_cannot_record_steps(referral, coordinator):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.referral_change_status(acting_user=coordinator, referral=referral, status="sent")
    assert snapshot() == before


def test_the_audit_trail_names_the_author_and_never_the_texts(referral, peer):
    services.referral_change_status(
        acting_user=peer, referral=referral, status="closed", outcome="Secret outcome."
    )
    entries = LogEntry.objects.get_for_object(Referral.objects.get(pk=referral.pk))
    assert entries.exists()
    assert {entry.actor for entry in entries} == {peer}
    for entry in LogEntry.objects.all():
        text = str(entry.changes) + str(entry.object_repr)
        assert "Needs a bed" not in text and "Secret outcome" not in text
    assert ReferralStatusChange.objects.filter(referral=referral).count() == 2
