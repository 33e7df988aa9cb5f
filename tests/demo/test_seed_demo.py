import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from clients import selectors as clients_selectors
from clients.choices import Status
from clients.models import CareTeamMembership, Client, ClientMerge, Consent, LivingSituation
from clients.status import with_status
from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from interventions import selectors
from interventions.access import peer_request_policy
from interventions.choices import Audience, PeerRequestStatus
from interventions.models import Addendum, Note, NoteRead, PeerRequest
from peersupport.models import User
from peersupport.roles import Role
from tests.db_snapshot import snapshot

pytestmark = pytest.mark.django_db


def test_seeding_creates_every_demo_account_with_its_role(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    for username, _first, _last, roles in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.roles == set(roles)
        assert user.check_password(DEMO_PASSWORD)
        assert not user.must_change_password


def test_seeding_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    after_first = snapshot()
    call_command("seed_demo")
    assert snapshot() == after_first


def test_the_demo_has_the_six_accounts_the_readme_lists(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert set(User.objects.values_list("username", flat=True)) == {
        "peer",
        "peer2",
        "clinician",
        "clinician2",
        "researcher",
        "coordinator",
    }
    assert User.objects.get(username="coordinator").has_role(Role.COORDINATOR)


def test_seeding_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seeding_with_debug_off_can_be_forced(settings):
    settings.DEBUG = False
    call_command("seed_demo", force=True)
    assert User.objects.filter(username="peer").exists()


# The demo as a programme in use: seeded once for the class (seeding takes
# seconds), inside a transaction rolled back afterwards.


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        started = timezone.now()
        call_command("seed_demo", force=True, verbosity=0)
        yield started
        transaction.set_rollback(True)


def _notes_by_person():
    bodies = {}
    for note in Note.objects.select_related("client"):
        bodies.setdefault(note.client.display_name, []).append(note.body)
    return bodies


@pytest.mark.usefixtures("seeded")
class TestTheDemoIsAProgrammeInUse:
    def test_every_note_about_an_encounter_is_dated_at_that_encounter(self):
        notes = Note.objects.filter(encounter__isnull=False).select_related("encounter")
        assert notes.count() > 50
        for note in notes:
            assert note.created_at == note.encounter.occurred_at, note.body
            if note.is_signed:
                assert note.signed_at == note.encounter.occurred_at, note.body

    def test_nothing_is_stamped_with_the_moment_of_seeding(self, seeded):
        before_seeding = seeded - timedelta(hours=1)
        for model, field in [
            (Note, "created_at"),
            (Note, "signed_at"),
            (Addendum, "created_at"),
            (NoteRead, "read_at"),
            (PeerRequest, "created_at"),
            (CareTeamMembership, "created_at"),
            (Consent, "recorded_at"),
            (LivingSituation, "recorded_at"),
            (Client, "created_at"),
            (ClientMerge, "merged_at"),
        ]:
            assert not model.objects.filter(**{f"{field}__gte": before_seeding}).exists(), (
                model.__name__,
                field,
            )
        today = timezone.localdate()
        assert not CareTeamMembership.objects.filter(joined_on__gte=today).exists()

    def test_an_addendum_comes_a_little_after_its_note(self):
        addenda = Addendum.objects.select_related("note")
        assert addenda.exists()
        for addendum in addenda:
            assert addendum.note.signed_at < addendum.created_at
            assert addendum.created_at - addendum.note.signed_at < timedelta(days=3)

    def test_no_two_notes_say_the_same_thing(self):
        bodies = list(Note.objects.values_list("body", flat=True))
        assert len(bodies) > 80
        assert len(set(bodies)) == len(bodies)

    def test_some_people_have_their_notes_written_in_french(self):
        in_french = [
            name
            for name, bodies in _notes_by_person().items()
            if all(re.search(r"\b(il|elle|avec|les|pour)\b", body) for body in bodies)
        ]
        assert len(in_french) >= 4, in_french

    @pytest.mark.parametrize("username", ["clinician", "peer"])
    def test_shared_notes_are_some_already_read_and_some_new(self, username):
        feed = list(selectors.shared_feed(viewer=User.objects.get(username=username)))
        assert sum(note.unread for note in feed) >= 2
        assert sum(not note.unread for note in feed) >= 5
        assert len({note.client_id for note in feed}) >= 6

    def test_the_clinician_finds_the_newest_shared_note_new(self):
        # The browser journey answers it.
        feed = selectors.shared_feed(viewer=User.objects.get(username="clinician"))
        assert feed.first().unread

    def test_who_answered_a_shared_note_had_read_it(self):
        for note in Note.objects.filter(audience=Audience.CARE_TEAM, encounter__isnull=True):
            earlier = Note.objects.filter(
                client=note.client, audience=Audience.CARE_TEAM, signed_at__lt=note.signed_at
            ).exclude(author=note.author)
            last = earlier.order_by("-signed_at").first()
            assert last is not None, note.body
            assert NoteRead.objects.filter(
                note=last, reader=note.author, read_at__lt=note.signed_at
            ).exists(), note.body

    def test_some_people_are_inactive_and_some_files_closed_with_a_reason(self):
        people = with_status(Client.objects.filter(merged_into__isnull=True))
        statuses = [person.status for person in people]
        assert statuses.count(Status.INACTIVE) >= 2
        assert statuses.count(Status.CLOSED) >= 2
        assert all(p.closed_reason and p.closed_note for p in people if p.closed_on)

    def test_last_contact_is_the_latest_real_contact(self):
        for person in Client.objects.filter(merged_into__isnull=True):
            contacts = [person.intake_date]
            contacts += [s.recorded_on for s in person.living_situations.all()]
            contacts += [timezone.localtime(e.occurred_at).date() for e in person.encounters.all()]
            assert person.last_contact_on == max(contacts), person

    def test_a_duplicate_record_was_merged_into_the_person(self):
        merge = ClientMerge.objects.get()
        assert merge.reason
        assert merge.merged.merged_into == merge.kept

    def test_the_coordinator_sees_several_care_team_joins_with_their_reasons(self):
        coordinator = User.objects.get(username="coordinator")
        joins = list(clients_selectors.self_joins(viewer=coordinator))
        assert len(joins) >= 4
        assert len({j.member_id for j in joins}) >= 3
        assert all(j.reason for j in joins)
        assert any(j.left_on for j in joins)

    def test_clinicians_have_asked_for_a_peer_and_some_requests_are_open(self):
        coordinator = User.objects.get(username="coordinator")
        assert peer_request_policy.visible_to(coordinator).count() >= 2
        assert PeerRequest.objects.exclude(status=PeerRequestStatus.OPEN).exists()
