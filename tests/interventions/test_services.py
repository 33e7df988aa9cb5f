from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from clients import services as client_services
from clients.choices import Purpose, Situation
from interventions import services
from interventions.access import note_policy
from interventions.choices import Audience, NoteStatus, NotificationKind, ReviewStatus
from interventions.models import Activity, EmergencyAccess, Note, Notification
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_note_body_is_ciphertext_in_the_database(person, peer):
    note = services.note_start(acting_user=peer, client=person, body="Slept at the shelter.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM interventions_note WHERE id = %s", [note.pk])
        (stored,) = cursor.fetchone()
    assert "shelter" not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    assert Note.objects.get(pk=note.pk).body == "Slept at the shelter."


def test_a_new_key_put_first_keeps_old_notes_readable(person, peer, settings):
    from cryptography.fernet import Fernet

    note = services.note_start(acting_user=peer, client=person, body="Before rotation")
    settings.NOTE_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.NOTE_ENCRYPTION_KEYS]
    assert Note.objects.get(pk=note.pk).body == "Before rotation"


def test_the_audit_trail_never_holds_a_note_body(person, peer):
    note = services.note_start(acting_user=peer, client=person, body="Very private words")
    services.note_save_draft(acting_user=peer, note=note, body="Very private words, more")
    services.note_sign(acting_user=peer, note=note)
    services.note_add_addendum(acting_user=peer, note=note, body="Private correction")
    for entry in LogEntry.objects.all():
        text = (
            f"{entry.changes} {entry.object_repr} {entry.additional_data} {entry.serialized_data}"
        )
        assert "private" not in text.lower()


def test_a_new_note_gets_the_narrowest_audience_of_its_author(person, peer, clinician):
    assert services.note_start(acting_user=peer, client=person).audience == Audience.PEER_TEAM
    assert (
        services.note_start(acting_user=clinician, client=person).audience == Audience.CLINICAL_TEAM
    )


def test_nothing_new_is_shared_without_consent(person, peer, coordinator):
    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    with pytest.raises(ValidationError) as error:
        services.note_start(acting_user=peer, client=person, audience=Audience.CARE_TEAM)
    assert "audience" in error.value.error_dict


def test_a_draft_shared_before_the_withdrawal_cannot_be_signed_after(person, peer, coordinator):
    note = services.note_start(
        acting_user=peer, client=person, audience=Audience.CARE_TEAM, body="x"
    )
    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    with pytest.raises(ValidationError):
        services.note_sign(acting_user=peer, note=note)
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT


def test_a_signed_note_never_changes_and_takes_addenda(person, peer):
    note = services.note_start(acting_user=peer, client=person, body="Original")
    services.note_sign(acting_user=peer, note=note)
    with pytest.raises(ValidationError):
        services.note_save_draft(acting_user=peer, note=note, body="Rewritten")
    services.note_add_addendum(acting_user=peer, note=note, body="Correction: it was Tuesday")
    note.refresh_from_db()
    assert note.body == "Original"
    assert [a.body for a in note.addenda.all()] == ["Correction: it was Tuesday"]


def test_an_empty_draft_cannot_be_signed(person, peer):
    note = services.note_start(acting_user=peer, client=person)
    with pytest.raises(ValidationError) as error:
        services.note_sign(acting_user=peer, note=note)
    assert "body" in error.value.error_dict


def test_someone_else_cannot_save_or_sign_my_draft(person, peer, peer_b):
    note = services.note_start(acting_user=peer, client=person, body="Mine")
    with pytest.raises(ValidationError):
        services.note_save_draft(acting_user=peer_b, note=note, body="Theirs")
    with pytest.raises(ValidationError):
        services.note_sign(acting_user=peer_b, note=note)
    note.refresh_from_db()
    assert (note.body, note.status) == ("Mine", NoteStatus.DRAFT)


def test_widening_and_narrowing_are_both_audited_and_narrowing_is_marked(person, peer):
    note = services.note_start(acting_user=peer, client=person, body="x")
    services.note_sign(acting_user=peer, note=note)
    services.note_change_audience(acting_user=peer, note=note, audience=Audience.CARE_TEAM)
    services.note_change_audience(acting_user=peer, note=note, audience=Audience.PEER_TEAM)
    entries = LogEntry.objects.get_for_object(note).filter(action=LogEntry.Action.UPDATE)
    audience_changes = [e.changes["audience"] for e in entries if "audience" in e.changes]
    assert ["peer_team", "care_team"] in audience_changes
    assert ["care_team", "peer_team"] in audience_changes
    assert ["", "narrowed"] in audience_changes


def test_logging_an_encounter_updates_the_living_situation_and_last_contact(person, peer):
    person.last_contact_on = timezone.localdate() - timedelta(days=200)
    person.save()
    services.encounter_log(
        acting_user=peer,
        client=person,
        setting="street",
        activities=[Activity.objects.first()],
        situation=Situation.ENCAMPMENT,
    )
    person.refresh_from_db()
    assert person.last_contact_on == timezone.localdate()
    assert person.living_situations.get().situation == Situation.ENCAMPMENT


def test_an_encounter_needs_a_person_or_anonymous_people_and_an_activity(peer):
    with pytest.raises(ValidationError) as error:
        services.encounter_log(acting_user=peer, setting="street", activities=[])
    assert "activities" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.encounter_log(
            acting_user=peer, setting="street", activities=[Activity.objects.first()]
        )
    assert "client" in error.value.error_dict


def test_an_encounter_with_someone_off_my_teams_is_refused(person, other_peer):
    with pytest.raises(ValidationError) as error:
        services.encounter_log(
            acting_user=other_peer,
            client=person,
            setting="street",
            activities=[Activity.objects.first()],
        )
    assert "client" in error.value.error_dict


def _open(user, person, password=TEST_PASSWORD):
    return services.emergency_access_open(
        acting_user=user,
        client=person,
        password=password,
        reason="risk_to_self",
        justification="Said they would end their life tonight; need the peer's notes.",
    )


def test_the_safety_exception_needs_the_password_again(person, clinician):
    with pytest.raises(ValidationError) as error:
        _open(clinician, person, password="wrong")
    assert "password" in error.value.error_dict
    assert not EmergencyAccess.objects.exists()


def test_the_safety_exception_opens_notes_for_a_limited_time(
    person, peer, clinician, make_note, settings
):
    note = make_note(person, peer, Audience.PEER_TEAM)
    assert not note_policy.visible_to(clinician).filter(pk=note.pk).exists()
    grant = _open(clinician, person)
    assert grant.expires_at - grant.granted_at == timedelta(
        minutes=settings.EMERGENCY_ACCESS_MINUTES
    )
    assert note_policy.visible_to(clinician).filter(pk=note.pk).exists()
    later = grant.expires_at + timedelta(seconds=1)
    assert not note_policy.visible_to(clinician, now=later).filter(pk=note.pk).exists()


def test_the_safety_exception_is_for_one_person_only(person, peer, clinician, make_note):
    from tests.factories import ClientFactory, put_on_team

    other = ClientFactory()
    put_on_team(other, peer)
    put_on_team(other, clinician)
    hidden = make_note(other, peer, Audience.PEER_TEAM)
    _open(clinician, person)
    assert not note_policy.visible_to(clinician).filter(pk=hidden.pk).exists()


def test_using_the_exception_tells_the_authors_and_coordinators(
    person, peer, peer_b, clinician, coordinator, make_note
):
    make_note(person, peer, Audience.PEER_TEAM)
    _open(clinician, person)
    told = set(
        Notification.objects.filter(kind=NotificationKind.EMERGENCY_ACCESS).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"peer", "coordinator"}
    entry = LogEntry.objects.get(
        content_type__model="emergencyaccess", action=LogEntry.Action.CREATE
    )
    assert entry.additional_data["severity"] == "high"
    assert entry.actor == clinician


def test_peers_and_researchers_cannot_use_the_exception(person, peer, researcher):
    for user in (peer, researcher):
        with pytest.raises(ValidationError):
            _open(user, person)
    assert not EmergencyAccess.objects.exists()


def test_a_coordinator_reviews_and_a_flag_needs_a_reason(person, clinician, coordinator):
    grant = _open(clinician, person)
    with pytest.raises(ValidationError):
        services.emergency_access_review(
            acting_user=coordinator, grant=grant, status=ReviewStatus.FLAGGED
        )
    services.emergency_access_review(
        acting_user=coordinator, grant=grant, status=ReviewStatus.REVIEWED, comment="Justified"
    )
    grant.refresh_from_db()
    assert (grant.review_status, grant.reviewed_by) == (ReviewStatus.REVIEWED, coordinator)
    with pytest.raises(ValidationError):
        services.emergency_access_review(
            acting_user=clinician, grant=grant, status=ReviewStatus.FLAGGED, comment="x"
        )


def test_a_peer_request_ends_with_a_peer_on_the_team(person, clinician, coordinator, other_peer):
    request = services.peer_request_open(
        acting_user=clinician, client=person, reason="Court next week"
    )
    assert Notification.objects.filter(
        recipient=coordinator, kind=NotificationKind.PEER_REQUESTED
    ).exists()
    services.peer_request_fulfil(acting_user=coordinator, request=request, peer=other_peer)
    assert person.memberships.filter(member=other_peer, left_on__isnull=True).exists()
    with pytest.raises(ValidationError):
        services.peer_request_fulfil(acting_user=coordinator, request=request, peer=other_peer)


# The rotation of every encrypted column (rotate_note_keys, in the core) is
# tested in tests/peersupport/test_key_rotation.py.


def test_only_care_team_members_take_part_in_an_encounter_with_a_person(
    person, peer, other_clinician, clinician
):
    with pytest.raises(ValidationError) as error:
        services.encounter_log(
            acting_user=peer,
            client=person,
            setting="clinic",
            activities=[Activity.objects.first()],
            participants=[other_clinician],
        )
    assert "participants" in error.value.error_dict
    encounter = services.encounter_log(
        acting_user=peer,
        client=person,
        setting="clinic",
        activities=[Activity.objects.first()],
        participants=[clinician],
    )
    assert list(encounter.participants.all()) == [clinician]


def test_only_the_authors_colleagues_take_part_in_an_anonymous_contact(
    person, peer, other_clinician, clinician
):
    with pytest.raises(ValidationError) as error:
        services.encounter_log(
            acting_user=peer,
            anonymous_count=2,
            setting="street",
            activities=[Activity.objects.first()],
            participants=[other_clinician],
        )
    assert error.value.message_dict["participants"] == [
        f"Only your colleagues on your care teams can be added: {other_clinician}."
    ]
    encounter = services.encounter_log(
        acting_user=peer,
        anonymous_count=2,
        setting="street",
        activities=[Activity.objects.first()],
        participants=[clinician, peer],
    )
    assert list(encounter.participants.all()) == [clinician]


def test_free_text_about_the_person_stays_out_of_the_audit_trail(
    person, peer, clinician, coordinator
):
    services.encounter_log(
        acting_user=peer,
        client=person,
        setting="street",
        activities=[Activity.objects.first()],
        next_steps="Private plan for Tuesday",
    )
    grant = _open(clinician, person)
    services.emergency_disclosure_record(
        acting_user=clinician,
        grant=grant,
        what="Private medication list",
        to_whom="ER",
        purpose="Private treatment reason",
    )
    services.emergency_access_review(
        acting_user=coordinator, grant=grant, status=ReviewStatus.REVIEWED, comment="Private view"
    )
    for entry in LogEntry.objects.all():
        assert "private" not in f"{entry.changes} {entry.object_repr}".lower()
    with connection.cursor() as cursor:
        cursor.execute("SELECT next_steps FROM interventions_encounter")
        assert "Private" not in cursor.fetchone()[0]
        cursor.execute("SELECT disclosed_what FROM interventions_emergencyaccess")
        assert "Private" not in cursor.fetchone()[0]


def test_a_coordinator_cannot_review_their_own_use_nor_review_twice(person, clinician, coordinator):
    from tests.factories import UserFactory

    own = _open(coordinator, person)
    with pytest.raises(ValidationError, match="Another coordinator"):
        services.emergency_access_review(
            acting_user=coordinator, grant=own, status=ReviewStatus.REVIEWED, comment="ok"
        )
    second = UserFactory(username="coordinator2", roles=["coordinator"])
    grant = _open(clinician, person)
    services.emergency_access_review(
        acting_user=coordinator, grant=grant, status=ReviewStatus.REVIEWED, comment="ok"
    )
    with pytest.raises(ValidationError, match="already been reviewed"):
        services.emergency_access_review(
            acting_user=second, grant=grant, status=ReviewStatus.FLAGGED, comment="overwrite"
        )
    grant.refresh_from_db()
    assert (grant.review_status, grant.reviewed_by) == (ReviewStatus.REVIEWED, coordinator)


def test_wrong_passwords_are_recorded_and_then_stop_the_exception(person, clinician):
    for _ in range(services.MAX_FAILED_CONFIRMATIONS):
        with pytest.raises(ValidationError):
            _open(clinician, person, password="wrong")
    failures = LogEntry.objects.filter(additional_data__event="emergency_password_failed")
    assert failures.count() == services.MAX_FAILED_CONFIRMATIONS
    assert {entry.actor for entry in failures} == {clinician}
    with pytest.raises(ValidationError, match="Too many wrong passwords"):
        _open(clinician, person)  # even with the right password, for a while
    assert not EmergencyAccess.objects.exists()


def test_authors_who_left_the_team_are_not_told(
    person, peer, peer_b, clinician, coordinator, make_note
):
    make_note(person, peer, Audience.PEER_TEAM)
    make_note(person, peer_b, Audience.PEER_TEAM)
    client_services.team_end_membership(
        acting_user=coordinator, membership=person.memberships.get(member=peer_b)
    )
    _open(clinician, person)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"peer", "coordinator"}
