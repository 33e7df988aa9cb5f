"""Every service of the interventions app asks the policy itself: called by
someone the policy refuses, it raises (PermissionDenied, or the ValidationError
a form shows where that is what the screens have always answered) and
changes nothing, whichever view called it or forgot to ask."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interventions import services
from interventions.choices import Audience, PeerRequestStatus, ReviewStatus
from interventions.models import Activity, EmergencyAccess, Notification, PeerRequest
from tests.db_snapshot import snapshot

pytestmark = pytest.mark.django_db


def refused(call, error=PermissionDenied):
    """Run ``call``, which must raise ``error``, and return the error; the
    database must be as it was."""
    before = snapshot()
    with pytest.raises(error) as raised:
        call()
    assert snapshot() == before
    return raised.value


@pytest.mark.parametrize("persona", ["coordinator", "researcher", "outsider"])
def test_only_peers_and_clinicians_log_encounters(request, persona):
    user = request.getfixturevalue(persona)
    refused(
        lambda: services.encounter_log(
            acting_user=user,
            anonymous_count=2,
            setting="street",
            activities=[Activity.objects.first()],
        )
    )


def test_a_note_about_no_one_is_refused_on_its_field(peer):
    error = refused(
        lambda: services.encounter_log(
            acting_user=peer,
            anonymous_count=2,
            setting="street",
            activities=[Activity.objects.first()],
            note_body="Who was it?",
        ),
        ValidationError,
    )
    assert "note" in error.message_dict


@pytest.mark.parametrize("persona", ["other_peer", "other_clinician", "coordinator", "researcher"])
def test_only_the_care_team_starts_a_note(request, person, persona):
    user = request.getfixturevalue(persona)
    refused(lambda: services.note_start(acting_user=user, client=person, body="x"))


def test_an_encounter_of_someone_else_cannot_carry_a_note(person, peer):
    from tests.factories import ClientFactory, put_on_team

    other = ClientFactory()
    put_on_team(other, peer)
    encounter = services.encounter_log(
        acting_user=peer, client=other, setting="street", activities=[Activity.objects.first()]
    )
    error = refused(
        lambda: services.note_start(acting_user=peer, client=person, encounter=encounter),
        ValidationError,
    )
    assert "encounter" in error.message_dict


@pytest.mark.parametrize("persona", ["peer_b", "clinician", "coordinator"])
def test_only_the_author_adds_to_a_signed_note(request, person, peer, make_note, persona):
    note = make_note(person, peer, Audience.CARE_TEAM)
    user = request.getfixturevalue(persona)
    refused(lambda: services.note_add_addendum(acting_user=user, note=note, body="More"))


def test_a_draft_takes_no_addendum(person, peer, make_note):
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False)
    refused(lambda: services.note_add_addendum(acting_user=peer, note=draft, body="More"))


@pytest.mark.parametrize("persona", ["peer_b", "clinician", "coordinator"])
def test_only_the_author_changes_who_reads_a_signed_note(request, person, peer, make_note, persona):
    note = make_note(person, peer, Audience.CARE_TEAM)
    user = request.getfixturevalue(persona)
    for audience in (Audience.PEER_TEAM, Audience.CLINICAL_TEAM):
        refused(
            lambda audience=audience: services.note_change_audience(
                acting_user=user, note=note, audience=audience
            )
        )


def test_a_draft_does_not_change_audience_that_way(person, peer, make_note):
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False)
    refused(
        lambda: services.note_change_audience(
            acting_user=peer, note=draft, audience=Audience.CARE_TEAM
        )
    )


def test_a_note_one_may_not_read_is_never_marked_read(person, peer, clinician, make_note):
    shared = make_note(person, peer, Audience.CARE_TEAM)
    private = make_note(person, peer, Audience.PEER_TEAM)
    # A note that closed to the reader since the page was listed is skipped;
    # the notes they may read on the same page are still marked.
    services.mark_read(reader=clinician, notes=[shared, private])
    services.mark_read(reader=clinician, notes=[shared])  # a second time changes nothing
    assert [read.note for read in shared.reads.all()] == [shared]
    assert not private.reads.exists()


def test_notifications_are_marked_read_by_their_recipient_only(peer, clinician):
    mine = Notification.objects.create(recipient=peer, kind="peer_requested")
    theirs = Notification.objects.create(recipient=clinician, kind="peer_requested")
    assert services.notifications_mark_read(acting_user=peer, notifications=[mine, theirs]) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_an_anonymous_visitor_marks_nothing_read(peer):
    from django.contrib.auth.models import AnonymousUser

    notification = Notification.objects.create(recipient=peer, kind="peer_requested")
    refused(
        lambda: services.notifications_mark_read(
            acting_user=AnonymousUser(), notifications=[notification]
        )
    )


def _grant(user, person):
    now = timezone.now()
    return EmergencyAccess.objects.create(
        client=person,
        user=user,
        reason="risk_to_self",
        justification="x",
        granted_at=now - timedelta(hours=2),
        expires_at=now - timedelta(hours=1),
    )


@pytest.mark.parametrize("persona", ["clinician_b", "peer", "researcher"])
def test_only_who_used_the_exception_or_a_coordinator_records_the_disclosure(
    request, person, clinician, persona
):
    grant = _grant(clinician, person)
    user = request.getfixturevalue(persona)
    refused(
        lambda: services.emergency_disclosure_record(
            acting_user=user, grant=grant, what="x", to_whom="y", purpose="z"
        )
    )


def test_a_coordinator_records_a_disclosure_of_someone_elses_use(person, clinician, coordinator):
    grant = _grant(clinician, person)
    services.emergency_disclosure_record(
        acting_user=coordinator, grant=grant, what="Doses", to_whom="ER", purpose="Treatment"
    )
    grant.refresh_from_db()
    assert grant.disclosed_to == "ER"


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher"])
def test_only_a_coordinator_reviews_a_use_of_the_exception(request, person, clinician_b, persona):
    grant = _grant(clinician_b, person)
    user = request.getfixturevalue(persona)
    refused(
        lambda: services.emergency_access_review(
            acting_user=user, grant=grant, status=ReviewStatus.REVIEWED, comment="ok"
        ),
        ValidationError,
    )


@pytest.mark.parametrize(
    "persona", ["peer", "other_clinician", "coordinator", "researcher", "outsider"]
)
def test_only_a_clinician_on_the_team_asks_for_a_peer(request, person, persona):
    user = request.getfixturevalue(persona)
    refused(lambda: services.peer_request_open(acting_user=user, client=person, reason="Court"))


@pytest.fixture
def open_request(person, clinician):
    return PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")


@pytest.mark.parametrize("persona", ["clinician", "other_clinician", "researcher"])
def test_only_coordinators_and_peers_answer_a_request(request, open_request, other_peer, persona):
    user = request.getfixturevalue(persona)
    refused(
        lambda: services.peer_request_fulfil(
            acting_user=user, request=open_request, peer=other_peer
        )
    )


def test_a_peer_takes_a_request_for_themselves_only(open_request, other_peer, peer_b):
    from tests.factories import UserFactory

    third = UserFactory(username="third_peer", roles=["peer"])
    refused(
        lambda: services.peer_request_fulfil(
            acting_user=other_peer, request=open_request, peer=third
        )
    )
    services.peer_request_fulfil(acting_user=other_peer, request=open_request, peer=other_peer)
    open_request.refresh_from_db()
    assert (open_request.status, open_request.fulfilled_by) == (
        PeerRequestStatus.FULFILLED,
        other_peer,
    )


def test_only_a_peer_is_put_on_the_team_for_a_request(open_request, coordinator, other_clinician):
    error = refused(
        lambda: services.peer_request_fulfil(
            acting_user=coordinator, request=open_request, peer=other_clinician
        ),
        ValidationError,
    )
    assert "peer" in error.message_dict


def test_notifying_ten_people_takes_as_many_queries_as_notifying_one(
    django_assert_num_queries,
):
    from interventions.choices import NotificationKind
    from tests.factories import UserFactory

    one = [UserFactory(roles=["coordinator"])]
    ten = [UserFactory(roles=["coordinator"]) for _ in range(10)]
    kind = next(iter(NotificationKind))
    with django_assert_num_queries(1):
        services.notify(one, kind, {"client": "Alex"})
    with django_assert_num_queries(1):
        services.notify(ten, kind, {"client": "Alex"})
