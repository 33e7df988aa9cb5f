"""The reads of interventions/selectors.py: each starts from the policy, and the
person's timeline and the shared feed keep the promise of a fixed number of
queries whatever the history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from interventions import selectors
from interventions.choices import Audience, ReviewStatus
from interventions.models import Activity, EmergencyAccess, Encounter, Note, PeerRequest

pytestmark = pytest.mark.django_db

# Measured: encounters with their activities and participants (3), the notes
# the viewer reads with their addenda (2), the notes they only see exist (1),
# and the group sessions the person came to, which the groups app adds through
# interventions.timeline_sources (1, with their group).
TIMELINE_QUERIES = 7
# The page of conversations with their first notes, those notes' addenda, the
# latest answers of each conversation, and those answers' addenda.
FEED_QUERIES = 4


def _history(person, peer, clinician, make_note, rows):
    activities = list(Activity.objects.all()[:2])
    for _ in range(rows):
        encounter = Encounter.objects.create(client=person, setting="street", author=peer)
        encounter.activities.set(activities)
        encounter.participants.set([clinician])
        note = make_note(person, peer, Audience.CARE_TEAM)
        note.addenda.create(author=peer, body="More")
        make_note(person, clinician, Audience.CLINICAL_TEAM)


def _timeline_queries(viewer, person, django_assert_max_num_queries):
    with django_assert_max_num_queries(TIMELINE_QUERIES) as counted:
        page = selectors.timeline(viewer=viewer, client=person)
        for entry in page.entries:
            if entry.encounter:
                list(entry.encounter.activities.all())
                list(entry.encounter.participants.all())
                str(entry.encounter.author)
            if entry.note:
                str(entry.note.author)
                if entry.body_shown:
                    [str(a.author) for a in entry.note.addenda.all()]
    return len(counted.captured_queries)


@pytest.mark.parametrize("persona", ["peer", "clinician", "coordinator"])
def test_the_timeline_makes_a_fixed_number_of_queries_at_1_and_at_30_rows(
    request, person, peer, clinician, make_note, django_assert_max_num_queries, persona
):
    viewer = request.getfixturevalue(persona)
    _history(person, peer, clinician, make_note, 1)
    one = _timeline_queries(viewer, person, django_assert_max_num_queries)
    _history(person, peer, clinician, make_note, 29)
    thirty = _timeline_queries(viewer, person, django_assert_max_num_queries)
    assert thirty == one


def test_the_timeline_shows_bodies_to_readers_and_only_existence_to_coordinators(
    person, peer, clinician, coordinator, make_note
):
    shared = make_note(person, peer, Audience.CARE_TEAM)
    private = make_note(person, peer, Audience.PEER_TEAM)
    clinical = make_note(person, clinician, Audience.CLINICAL_TEAM)
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False)

    def shown(viewer):
        page = selectors.timeline(viewer=viewer, client=person)
        return {e.note: e.body_shown for e in page.entries if e.note}

    assert shown(peer) == {shared: True, private: True, draft: True}
    assert shown(clinician) == {shared: True, clinical: True}
    assert shown(coordinator) == {shared: False, private: False, clinical: False}
    assert selectors.timeline(viewer=coordinator, client=person).shown_notes == []


def test_the_timeline_pages_newest_first(person, peer, make_note):
    now = timezone.now()
    for days in range(selectors.TIMELINE_PAGE + 5):
        Encounter.objects.create(
            client=person, setting="street", author=peer, occurred_at=now - timedelta(days=days)
        )
    first = selectors.timeline(viewer=peer, client=person)
    second = selectors.timeline(viewer=peer, client=person, page=2)
    assert len(first.entries) == selectors.TIMELINE_PAGE and first.has_next
    assert len(second.entries) == 5 and not second.has_next
    assert first.entries[-1].at > second.entries[0].at
    assert selectors.timeline(viewer=peer, client=person, page=0).number == 1


def _feed_queries(viewer, django_assert_max_num_queries):
    with django_assert_max_num_queries(FEED_QUERIES) as counted:
        conversations = list(selectors.shared_feed(viewer=viewer)[:20])
        for start in conversations:
            str(start.author), start.client.display_name, start.unread, start.answer_count
            [str(a.author) for a in start.addenda.all()]
            for answer in start.latest_answers:
                str(answer.author), answer.unread, [str(a.author) for a in answer.addenda.all()]
    return len(counted.captured_queries)


def _conversation(person, peer, clinician, make_note, answers=1):
    start = make_note(person, peer, Audience.CARE_TEAM)
    start.addenda.create(author=peer, body="More")
    for _ in range(answers):
        answer = make_note(person, clinician, Audience.CARE_TEAM, answers=start)
        answer.addenda.create(author=clinician, body="More")
    return start


def test_the_shared_feed_makes_a_fixed_number_of_queries_at_1_and_at_50_conversations(
    person, peer, clinician, make_note, django_assert_max_num_queries
):
    _conversation(person, peer, clinician, make_note)
    one = _feed_queries(peer, django_assert_max_num_queries)
    for _ in range(49):
        _conversation(person, peer, clinician, make_note)
    fifty = _feed_queries(peer, django_assert_max_num_queries)
    assert fifty == one


def test_the_shared_feed_makes_a_fixed_number_of_queries_with_50_answers_in_a_conversation(
    person, peer, clinician, make_note, django_assert_max_num_queries
):
    start = _conversation(person, peer, clinician, make_note)
    one = _feed_queries(peer, django_assert_max_num_queries)
    for _ in range(49):
        make_note(person, clinician, Audience.CARE_TEAM, answers=start)
    assert _feed_queries(peer, django_assert_max_num_queries) == one
    (shown,) = selectors.shared_feed(viewer=peer)
    assert shown.answer_count == 50
    assert len(shown.latest_answers) == selectors.FEED_LATEST_ANSWERS


def test_the_shared_feed_holds_the_care_team_notes_one_reads_newest_first(
    person, peer, clinician, other_clinician, make_note
):
    older = make_note(person, peer, Audience.CARE_TEAM)
    newer = make_note(person, clinician, Audience.CARE_TEAM)
    make_note(person, peer, Audience.PEER_TEAM)
    make_note(person, peer, Audience.CARE_TEAM, signed=False)
    Note.objects.filter(pk=older.pk).update(signed_at=timezone.now() - timedelta(days=1))
    feed = list(selectors.shared_feed(viewer=peer))
    assert feed == [newer, older]
    assert [n.unread for n in feed] == [True, False]  # one's own note is never news
    assert not selectors.shared_feed(viewer=other_clinician).exists()


def test_the_shared_feed_filters_by_person_and_dates(person, peer, clinician, make_note):
    from clients.choices import ConsentMethod, Decision, Purpose
    from clients.services import consent_record
    from tests.factories import ClientFactory, put_on_team

    other = ClientFactory()
    put_on_team(other, peer)
    put_on_team(other, clinician)
    consent_record(
        acting_user=peer,
        client=other,
        purpose=Purpose.CARE_TEAM_SHARING,
        decision=Decision.GIVEN,
        method=ConsentMethod.VERBAL,
        decided_on=timezone.localdate() - timedelta(days=1),
    )
    mine = make_note(person, peer, Audience.CARE_TEAM)
    theirs = make_note(other, peer, Audience.CARE_TEAM)
    Note.objects.filter(pk=theirs.pk).update(signed_at=timezone.now() - timedelta(days=10))
    by_person = selectors.FeedFilters(client_id=person.pk)
    assert list(selectors.shared_feed(viewer=clinician, filters=by_person)) == [mine]
    recent = selectors.FeedFilters(since=timezone.now() - timedelta(days=2))
    assert list(selectors.shared_feed(viewer=clinician, filters=recent)) == [mine]
    older = selectors.FeedFilters(until=timezone.now() - timedelta(days=2))
    assert list(selectors.shared_feed(viewer=clinician, filters=older)) == [theirs]


def test_an_encounters_notes_are_those_one_reads(person, peer, clinician, make_note):
    encounter = Encounter.objects.create(client=person, setting="street", author=peer)
    shared = make_note(person, peer, Audience.CARE_TEAM)
    private = make_note(person, peer, Audience.PEER_TEAM)
    Note.objects.filter(pk__in=[shared.pk, private.pk]).update(encounter=encounter)
    assert set(selectors.encounter_notes(viewer=peer, encounter=encounter)) == {private, shared}
    assert selectors.encounter_notes(viewer=clinician, encounter=encounter) == [shared]


def _grant(user, person, *, active, status=ReviewStatus.PENDING):
    now = timezone.now()
    start = now - timedelta(minutes=5) if active else now - timedelta(hours=3)
    return EmergencyAccess.objects.create(
        client=person,
        user=user,
        reason="risk_to_self",
        justification="x",
        granted_at=start,
        expires_at=start + timedelta(hours=1),
        review_status=status,
    )


def test_the_exception_in_force_is_the_viewers_own(person, clinician, clinician_b, coordinator):
    _grant(clinician, person, active=False)
    assert selectors.active_emergency_access(viewer=clinician, client=person) is None
    in_force = _grant(clinician, person, active=True)
    assert selectors.active_emergency_access(viewer=clinician, client=person) == in_force
    assert selectors.active_emergency_access(viewer=clinician_b, client=person) is None
    assert selectors.active_emergency_access(viewer=coordinator, client=person) is None


def test_the_review_list_puts_pending_uses_first_and_filters_by_status(
    person, clinician, coordinator
):
    reviewed = _grant(clinician, person, active=False, status=ReviewStatus.REVIEWED)
    pending = _grant(clinician, person, active=False)
    assert list(selectors.emergency_review_list(viewer=coordinator)) == [pending, reviewed]
    assert list(selectors.emergency_review_list(viewer=coordinator, status="reviewed")) == [
        reviewed
    ]
    everything = selectors.emergency_review_list(viewer=coordinator, status="nonsense")
    assert everything.count() == 2
    assert list(selectors.emergency_review_list(viewer=clinician)) == [pending, reviewed]


def test_authors_told_of_the_exception_are_those_whose_notes_it_opens(
    person, peer, peer_b, clinician, make_note
):
    make_note(person, peer, Audience.PEER_TEAM)  # the clinician cannot read it: opened
    make_note(person, peer_b, Audience.CARE_TEAM)  # already readable: nothing opened
    told = selectors.authors_to_tell_of_emergency(
        opener=clinician, client=person, now=timezone.now()
    )
    assert told == [peer]


def test_open_requests_are_listed_for_those_who_answer(person, clinician, coordinator, peer):
    asked = PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    assert list(selectors.open_peer_requests(viewer=coordinator)) == [asked]
    assert list(selectors.open_peer_requests(viewer=peer)) == [asked]
    assert not selectors.open_peer_requests(viewer=clinician).exists()


def test_what_waits_is_counted_in_one_query(
    person, clinician, coordinator, peer, django_assert_num_queries
):
    from interventions.models import Notification

    PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    _grant(clinician, person, active=False)
    Notification.objects.create(recipient=coordinator, kind="peer_requested")
    with django_assert_num_queries(1):
        waiting = selectors.waiting_work(viewer=coordinator)
    assert waiting == selectors.WaitingWork(
        unread_notifications=1, open_peer_requests=1, emergency_to_review=1
    )
    # The clinician has a shared feed, with nothing unread in it.
    assert selectors.waiting_work(viewer=clinician) == selectors.WaitingWork(unread_shared=0)
    assert selectors.waiting_work(viewer=peer).open_peer_requests == 1
