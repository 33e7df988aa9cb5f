"""generate_dataset: a large, reproducible dataset for measuring the app,
checked here at a small size (60 people, 600 encounters)."""

import hashlib
import json
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import SignInEvent
from clients import consent
from clients.access import with_newest_decisions
from clients.choices import ConsentState, Purpose, TeamRole
from clients.models import CareTeamMembership, Client, Consent
from demo.dataset.staff import BENCH_ACCOUNTS, BENCH_PASSWORD
from interventions.choices import Audience, NoteStatus
from interventions.models import Addendum, Encounter, Note, NoteRead
from logbook.models import Entry
from peersupport.fields import decrypt_text, is_fernet_token
from peersupport.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIZES = {"people": 60, "encounters": 600, "logbook": 30, "audit": 300, "busy_encounters": 100}


def _generate(seed=7, **changes):
    # The test run has DEBUG off, as production: forced, as on a benchmark server.
    options = {**SIZES, "force": True, **changes}
    out, err = StringIO(), StringIO()
    call_command("generate_dataset", seed=seed, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _digest():
    """A fingerprint of the data: plain columns, and note bodies decrypted
    (their ciphertext differs at every run, by design of Fernet)."""
    tables = [
        User.objects.values_list("pk", "username", "first_name", "is_active", "date_joined"),
        Client.objects.values_list(
            "pk", "display_name", "intake_date", "last_contact_on", "closed_on", "created_at"
        ),
        CareTeamMembership.objects.values_list(
            "pk", "client_id", "member_id", "team_role", "joined_on", "left_on"
        ),
        Consent.objects.values_list("pk", "client_id", "purpose", "decision", "expires_on"),
        Encounter.objects.values_list(
            "pk", "client_id", "occurred_at", "setting", "author_id", "created_at"
        ),
        Note.objects.values_list("pk", "encounter_id", "audience", "status", "signed_at", "body"),
        Entry.objects.values_list("pk", "occurred_on", "kind", "title"),
        LogEntry.objects.values_list("pk", "content_type_id", "object_pk", "action", "timestamp"),
        SignInEvent.objects.values_list("pk", "at", "kind", "user_id"),
    ]
    text = repr([list(rows.order_by("pk")) for rows in tables])
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    digests = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            _generate(seed=seed)
            digests.append(_digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
    assert digests[2] != digests[0]


def test_a_database_that_already_holds_data_is_refused_with_a_clear_message():
    UserFactory(username="someone")
    with pytest.raises(CommandError, match=r"needs an empty, migrated database.*1 accounts"):
        _generate()
    assert not Client.objects.exists()
    assert User.objects.count() == 1


def test_it_is_refused_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        _generate(force=False)
    assert not User.objects.exists()
    _generate(force=True)
    assert Client.objects.count() == SIZES["people"]


def test_it_runs_with_debug_on_without_being_forced(settings):
    settings.DEBUG = True
    _generate(force=False)
    assert Client.objects.count() == SIZES["people"]


def test_more_encounters_for_the_busy_person_than_in_all_is_refused():
    with pytest.raises(CommandError, match="busy-encounters"):
        _generate(encounters=50, busy_encounters=100)
    assert not User.objects.exists()


def test_the_bench_accounts_get_an_authenticator_when_a_key_is_given():
    key = "3132333435363738393031323334353637383930"
    _generate(otp_key=key)
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert {d.user.username for d in devices} == set(BENCH_ACCOUNTS)
    assert {d.key for d in devices} == {key}


@pytest.fixture(scope="class")
def generated(django_db_setup, django_db_blocker):
    """Generated once for the class (it takes seconds), inside a transaction
    rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = timezone.now()
        out, err = _generate()
        yield {"out": out, "err": err, "started": started}
        transaction.set_rollback(True)


@pytest.mark.usefixtures("generated")
class TestAGeneratedDataset:
    def test_the_sizes_asked_for_are_made(self):
        assert Client.objects.count() == SIZES["people"]
        assert Encounter.objects.count() == SIZES["encounters"]
        assert Entry.objects.count() == SIZES["logbook"]
        # Exactly: no signal or receiver added entries of its own while writing.
        assert LogEntry.objects.count() == SIZES["audit"]
        # About half the encounters have a note, as in the measurement.
        assert 0.4 < Note.objects.count() / SIZES["encounters"] < 0.6

    def test_one_line_of_json_on_stdout_sums_it_up(self, generated):
        lines = generated["out"].strip().splitlines()
        assert len(lines) == 1
        summary = json.loads(lines[0])
        busy = Client.objects.order_by("pk").first()
        assert summary == {
            "people": SIZES["people"],
            "encounters": SIZES["encounters"],
            "notes": Note.objects.count(),
            "logbook": SIZES["logbook"],
            "audit": SIZES["audit"],
            "busy_person_pk": busy.pk,
            "seconds": summary["seconds"],
        }
        assert summary["seconds"] >= 0
        assert "encounters" in generated["err"]  # progress goes to stderr

    def test_the_busy_person_has_exactly_the_encounters_asked_for_with_both_bench_accounts(self):
        busy = Client.objects.order_by("pk").first()
        assert busy.encounters.count() == SIZES["busy_encounters"]
        team = CareTeamMembership.objects.filter(client=busy, left_on__isnull=True)
        assert {(m.member.username, m.team_role) for m in team} == {
            ("bench-peer", TeamRole.PEER),
            ("bench-clinician", TeamRole.CLINICIAN),
        }
        assert CareTeamMembership.objects.filter(client=busy, left_on__isnull=False).exists()

    def test_the_bench_accounts_care_for_the_people_the_contract_says(self):
        def people_of(username, role):
            return CareTeamMembership.objects.filter(
                member__username=username, team_role=role, left_on__isnull=True
            ).count()

        assert people_of("bench-peer", TeamRole.PEER) == 40
        assert people_of("bench-clinician", TeamRole.CLINICIAN) == 60  # everyone, at this size
        roles = {u.username: u.roles for u in User.objects.filter(username__in=BENCH_ACCOUNTS)}
        assert roles == {name: {role} for name, role in BENCH_ACCOUNTS.items()}

    @pytest.mark.parametrize("username", sorted(BENCH_ACCOUNTS))
    def test_a_bench_account_signs_in_with_the_password(self, client, username):
        response = client.post(reverse("login"), {"username": username, "password": BENCH_PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)

    def test_rows_added_afterwards_through_the_app_get_new_numbers(self):
        newest = Encounter.objects.order_by("-pk").first().pk
        newest_entry = LogEntry.objects.order_by("-pk").first().pk
        encounter = Encounter.objects.create(
            client=Client.objects.order_by("pk").first(),
            setting="street",
            author=User.objects.get(username="bench-peer"),
        )
        assert encounter.pk > newest
        # Audited as usual once the dataset is in.
        assert LogEntry.objects.get_for_object(encounter).get().pk > newest_entry

    def test_texts_are_encrypted_with_the_project_keys(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, body FROM interventions_note ORDER BY id")
            stored = dict(cursor.fetchall())
            cursor.execute(
                "SELECT next_steps FROM interventions_encounter WHERE next_steps IS NOT NULL"
            )
            next_steps = [row[0] for row in cursor.fetchall()]
        bodies = dict(Note.objects.values_list("pk", "body"))
        assert stored.keys() == bodies.keys()
        for pk, token in stored.items():
            assert is_fernet_token(token)
            assert decrypt_text(token) == bodies[pk] != ""
        assert next_steps and all(decrypt_text(token) for token in next_steps)

    def test_every_consent_state_occurs_for_every_purpose(self):
        people = list(with_newest_decisions(Client.objects.all()))
        for purpose in Purpose:
            states = {consent.states_of(person)[purpose] for person in people}
            assert states == set(ConsentState), purpose

    def test_every_note_audience_and_status_occurs_with_conversations_addenda_and_reads(self):
        kinds = set(Note.objects.values_list("audience", "status"))
        assert {audience for audience, _status in kinds} == set(Audience)
        assert {status for _audience, status in kinds} == set(NoteStatus)
        answers = Note.objects.filter(answers_note__isnull=False)
        assert answers.exists()
        assert all(a.audience == Audience.CARE_TEAM and a.encounter_id is None for a in answers)
        assert Addendum.objects.exists()
        assert NoteRead.objects.exists()

    def test_care_teams_have_every_role_and_some_members_left(self):
        roles = set(CareTeamMembership.objects.values_list("team_role", flat=True))
        assert roles == set(TeamRole)
        assert CareTeamMembership.objects.filter(left_on__isnull=False).exists()
        assert User.objects.filter(is_active=False).exists()

    def test_anonymous_contacts_and_co_interventions_occur(self):
        assert Encounter.objects.filter(client__isnull=True, anonymous_count__gte=1).exists()
        assert Encounter.participants.through.objects.exists()

    def test_everything_happened_in_the_three_years_before_today(self, generated):
        today = timezone.localdate()
        start_of_today = timezone.make_aware(datetime.combine(today, time()))
        first = start_of_today - timedelta(days=3 * 365 + 1)
        for model, field in [
            (Encounter, "occurred_at"),
            (Encounter, "created_at"),
            (Note, "created_at"),
            (Note, "signed_at"),
            (NoteRead, "read_at"),
            (Client, "created_at"),
            (LogEntry, "timestamp"),
            (SignInEvent, "at"),
        ]:
            assert not model.objects.filter(**{f"{field}__gte": start_of_today}).exists(), field
            assert not model.objects.filter(**{f"{field}__lt": first}).exists(), field
        assert not Consent.objects.filter(decided_on__gte=today).exists()

    # Each page of the measurement, for each bench account: shown to
    # the roles it is for, not found for the others (never a server error).
    @pytest.mark.parametrize(
        ("username", "shown"),
        [
            ("bench-peer", {"home", "people", "busy", "shared", "logbook"}),
            ("bench-clinician", {"home", "people", "busy", "shared", "logbook"}),
            ("bench-coordinator", {"home", "people", "busy", "research", "logbook", "audit"}),
            ("bench-researcher", {"home", "research", "logbook"}),
        ],
    )
    def test_the_main_pages_show_the_data_to_each_bench_account(self, client, username, shown):
        client.force_login(User.objects.get(username=username))
        busy = Client.objects.order_by("pk").first()
        pages = {
            "home": reverse("home"),
            "people": reverse("clients:list"),
            "busy": reverse("clients:detail", args=[busy.pk]),
            "shared": reverse("shared:feed"),
            "research": reverse("research:activity"),
            "logbook": reverse("logbook:list"),
            "audit": reverse("audit"),
        }
        for page, url in pages.items():
            response = client.get(url)
            assert response.status_code == (200 if page in shown else 404), page


@pytest.mark.parametrize("seed", [14, 15, 16])
def test_a_small_staff_never_puts_anyone_twice_on_one_team(seed):
    """With few staff, the deck of peers and clinicians often holds only people
    already on a team: the second peer or the reference person is then someone
    else, or nobody, never a second current membership (a unique violation)."""
    _generate(seed=seed, people=100, encounters=2000, logbook=40, audit=3000)

    current = CareTeamMembership.objects.filter(left_on__isnull=True)
    assert current.count() == current.values("client_id", "member_id").distinct().count()
