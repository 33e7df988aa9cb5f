"""The research figures are kept counted, and the page shows exactly what
counting the whole history at every read showed (``research_reference``),
whatever happened in between: encounters logged, moved and deleted, their
activities and participants changed from either side, people merged, research
consent given and withdrawn, group sessions and referrals changed. Reading
takes a fixed, small number of queries."""

import random
from calendar import monthrange
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.choices import ConsentMethod, Decision, Purpose
from groups.models import GroupAttendance, GroupSession, SupportGroup
from interventions.models import Activity, Encounter
from logbook import research, research_summary
from logbook.models import ResearchChange, ResearchFigure, Stage
from partners.models import Partner
from referrals.models import Referral
from tests.factories import ClientFactory, UserFactory
from tests.logbook import research_reference as reference

pytestmark = pytest.mark.django_db


def _stages(rows):
    return [{**row, "stage": row["stage"].pk} for row in rows]


def kept(viewer):
    """Every table of the page, from the kept figures."""
    counted = research.figures(viewer=viewer)
    return (
        research.monthly_activity(viewer=viewer, counted=counted),
        _stages(research.by_stage(viewer=viewer, counted=counted)),
        research.group_months(viewer=viewer, counted=counted),
        research.referral_figures(viewer=viewer, counted=counted),
    )


def counted_from_scratch(viewer):
    """Every table of the page, counted over the whole history as before."""
    return (
        reference.monthly_activity(viewer=viewer),
        _stages(reference.by_stage(viewer=viewer)),
        reference.group_months(viewer=viewer),
        reference.referral_figures(viewer=viewer),
    )


def _moment(rng, months):
    """A local time in one of ``months``, often at a month's first or last hour."""
    month = rng.choice(months)
    day = rng.choice([1, 2, 15, monthrange(month.year, month.month)[1]])
    hour = rng.choice([time(0, 30), time(12, 0), time(23, 30)])
    return timezone.make_aware(datetime.combine(month.replace(day=day), hour))


class World:
    """A small programme changed at random, every way the figures can see."""

    MONTHS = [date(2025, m, 1) for m in range(1, 7)]

    def __init__(self, seed, peer, coordinator, clinicians):
        self.rng = random.Random(seed)  # noqa: S311 (test data)
        self.peer, self.coordinator, self.clinicians = peer, coordinator, list(clinicians)
        self.activities = list(Activity.objects.order_by("pk")[:4])
        self.people = [self._person() for _ in range(8)]
        self.partners = [
            Partner.objects.create(name="Refuge", kind="shelter"),
            Partner.objects.create(name="Aide juridique", kind="legal"),
            Partner.objects.create(name="Service social", kind="housing", is_internal=True),
        ]
        self.group = SupportGroup.objects.create(name="Entre pairs", created_by=peer)
        Stage.objects.create(name="Spring", starts_on=date(2025, 2, 10), ends_on=date(2025, 4, 30))
        Stage.objects.create(name="Summer", starts_on=date(2025, 5, 1), ends_on=None)

    def _person(self):
        # Often registered before the months they are met in, so that a change
        # to their encounters is not also a change to their intake month.
        intake = self.rng.choice([date(2024, 11, 1), *self.MONTHS[:2]]) + timedelta(days=3)
        return ClientFactory(intake_date=intake)

    def _living(self):
        return [p for p in self.people if p.merged_into_id is None]

    def _encounters(self):
        return list(Encounter.objects.order_by("pk"))

    # Each change returns a few words saying what it did, for a failure's message.

    def log_encounter(self):
        rng = self.rng
        person = rng.choice([*self._living(), None])
        encounter = Encounter.objects.create(
            client=person,
            anonymous_count=None if person else rng.randint(1, 4),
            setting=rng.choice(["street", "shelter", "court", "phone"]),
            author=self.peer,
            occurred_at=_moment(rng, self.MONTHS),
        )
        encounter.activities.set(rng.sample(self.activities, rng.randint(1, 2)))
        encounter.participants.set(rng.sample(self.clinicians, rng.randint(0, 2)))
        return f"logged {encounter.pk}"

    def delete_encounter(self):
        encounters = self._encounters()
        if not encounters:
            return "nothing to delete"
        encounter = self.rng.choice(encounters)
        encounter.delete()
        return "deleted an encounter"

    def move_encounter(self):
        encounters = self._encounters()
        if not encounters:
            return "nothing to move"
        encounter = self.rng.choice(encounters)
        encounter.occurred_at = _moment(self.rng, self.MONTHS)
        encounter.setting = self.rng.choice(["street", "clinic"])
        encounter.save()
        return f"moved {encounter.pk}"

    def change_activities(self):
        encounters = self._encounters()
        if not encounters:
            return "no encounter"
        encounter, activity = self.rng.choice(encounters), self.rng.choice(self.activities)
        match self.rng.randrange(4):
            case 0:
                encounter.activities.add(activity)
            case 1:
                encounter.activities.remove(activity)
            case 2:
                activity.encounters.add(encounter)  # from the other side
            case _:
                activity.encounters.remove(encounter)
        return f"activities of {encounter.pk}"

    def change_participants(self):
        encounters = self._encounters()
        if not encounters:
            return "no encounter"
        encounter, someone = self.rng.choice(encounters), self.rng.choice(self.clinicians)
        match self.rng.randrange(4):
            case 0:
                encounter.participants.clear()
            case 1:
                encounter.participants.add(someone)
            case 2:
                someone.co_encounters.remove(encounter)
            case _:
                someone.co_encounters.add(encounter)
        return f"participants of {encounter.pk}"

    def delete_a_participant_account(self):
        # Their participations go with the account, row by row.
        leaving = UserFactory()
        for encounter in self.rng.sample(self._encounters(), min(2, len(self._encounters()))):
            encounter.participants.add(leaving)
        leaving.delete()
        return "a participant's account deleted"

    def merge_people(self):
        living = self._living()
        if len(living) < 2:
            return "nobody to merge"
        keep, away = self.rng.sample(living, 2)
        client_services.client_merge(
            acting_user=self.coordinator, keep=keep, merge_away=away, reason="Same person."
        )
        away.refresh_from_db()
        return f"merged {away.pk} into {keep.pk}"

    def mark_merged_directly(self):
        living = self._living()
        if len(living) < 2:
            return "nobody to mark"
        keep, away = self.rng.sample(living, 2)
        away.merged_into = keep
        away.save()
        return f"marked {away.pk} merged"

    def research_consent(self):
        person = self.rng.choice(self._living())
        decision = self.rng.choice([Decision.GIVEN, Decision.WITHDRAWN, Decision.REFUSED])
        client_services.consent_record(
            acting_user=self.coordinator,
            client=person,
            purpose=Purpose.RESEARCH,
            decision=decision,
            method=ConsentMethod.WRITTEN if decision == Decision.GIVEN else "",
            decided_on=timezone.localdate() - timedelta(days=1),
        )
        return f"consent {decision} for {person.pk}"

    def new_person(self):
        self.people.append(self._person())
        return "registered someone"

    def move_intake(self):
        person = self.rng.choice(self._living())
        person.intake_date = self.rng.choice(self.MONTHS[2:]) + timedelta(days=20)
        person.save()
        return f"intake of {person.pk}"

    def delete_a_person_without_records(self):
        person = self._person()
        person.delete()
        return "registered and deleted someone"

    def hold_session(self):
        session = GroupSession.objects.create(
            group=self.group,
            held_on=_moment(self.rng, self.MONTHS).date(),
            anonymous_count=self.rng.randint(0, 6),
            recorded_by=self.peer,
        )
        for person in self.rng.sample(self._living(), 2):
            GroupAttendance.objects.create(session=session, client=person, recorded_by=self.peer)
        return f"session {session.pk}"

    def change_session(self):
        sessions = list(GroupSession.objects.order_by("pk"))
        if not sessions:
            return "no session"
        session = self.rng.choice(sessions)
        match self.rng.randrange(4):
            case 0:
                session.cancelled_at = timezone.now()
                session.save()
            case 1:
                session.held_on = _moment(self.rng, self.MONTHS).date()
                session.save()
            case 2:
                attendance = session.attendances.first()
                if attendance:
                    GroupAttendance.objects.get(pk=attendance.pk).delete()  # session not loaded
            case _:
                session.anonymous_count = self.rng.randint(0, 9)
                session.save(update_fields=["anonymous_count"])
        return f"changed session {session.pk}"

    def refer(self):
        Referral.objects.create(
            client=self.rng.choice(self._living()),
            partner=self.rng.choice(self.partners),
            reason="Private.",
            status=self.rng.choice(["proposed", "attended", "no_show", "closed"]),
            created_by=self.peer,
        )
        return "referred"

    def change_referral(self):
        referrals = list(Referral.objects.order_by("pk"))
        if not referrals:
            return "no referral"
        referral = self.rng.choice(referrals)
        if self.rng.random() < 0.3:
            referral.delete()
            return "deleted a referral"
        referral.status = self.rng.choice(["accepted", "declined", "attended"])
        referral.save()
        return f"referral {referral.pk} now {referral.status}"

    def change_partner(self):
        partner = self.rng.choice(self.partners)
        if self.rng.random() < 0.5:
            partner.kind = self.rng.choice(["shelter", "food", "legal"])
        else:
            partner.is_internal = not partner.is_internal
        partner.save()
        return f"partner {partner.pk} changed"

    def rename_activity(self):
        activity = self.rng.choice(self.activities)
        activity.name_en = self.rng.choice(["Listening", "Accompaniment", activity.name_en + "!"])
        activity.save()
        return f"activity {activity.pk} renamed"

    def move_stage(self):
        stage = Stage.objects.get(name="Spring")
        stage.starts_on = self.rng.choice([date(2025, 1, 1), date(2025, 2, 10), date(2025, 3, 2)])
        stage.save()
        return "stage moved"

    CHANGES = [
        (log_encounter, 8),
        (delete_encounter, 1),
        (move_encounter, 2),
        (change_activities, 2),
        (change_participants, 2),
        (delete_a_participant_account, 1),
        (merge_people, 2),
        (mark_merged_directly, 1),
        (research_consent, 2),
        (new_person, 1),
        (move_intake, 1),
        (delete_a_person_without_records, 1),
        (hold_session, 2),
        (change_session, 2),
        (refer, 2),
        (change_referral, 2),
        (change_partner, 1),
        (rename_activity, 1),
        (move_stage, 1),
    ]

    def change(self):
        changes, weights = zip(*self.CHANGES, strict=True)
        return self.rng.choices(changes, weights)[0](self)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_figures_always_equal_counting_the_whole_history(
    seed, researcher, peer, coordinator, clinician, other_clinician
):
    world = World(seed, peer, coordinator, [clinician, other_clinician])
    for _ in range(12):
        world.log_encounter()
    assert kept(researcher) == counted_from_scratch(researcher)
    story = []
    for _ in range(40):
        # Sometimes several changes wait for the same read.
        for _ in range(world.rng.choice([1, 1, 3])):
            story.append(world.change())
        assert kept(researcher) == counted_from_scratch(researcher), story
    # Nothing left to count again, and counting everything again changes nothing.
    assert not ResearchChange.objects.exists()
    before = kept(researcher)
    research_summary.count_everything_again()
    assert kept(researcher) == before


def test_a_coordinator_reads_the_same_figures_as_a_researcher(
    researcher, coordinator, peer, clinician, other_clinician
):
    world = World(4, peer, coordinator, [clinician, other_clinician])
    for _ in range(15):
        world.log_encounter()
    assert kept(researcher) == kept(coordinator) == counted_from_scratch(coordinator)


@pytest.mark.parametrize("persona", ["peer", "clinician", "outsider"])
def test_whoever_may_not_count_gets_nothing_and_writes_nothing(
    request, persona, researcher, peer, coordinator, clinician, other_clinician
):
    world = World(5, peer, coordinator, [clinician, other_clinician])
    world.log_encounter()
    viewer = request.getfixturevalue(persona)
    pending = ResearchChange.objects.count()
    assert kept(viewer) == counted_from_scratch(viewer)
    assert research.monthly_activity(viewer=viewer) == {"months": []}
    assert ResearchChange.objects.count() == pending and not ResearchFigure.objects.exists()


def test_figures_counted_under_another_time_zone_are_counted_again(researcher, peer, settings):
    # 23:30 in Toronto on 31 March is already April in Paris.
    when = timezone.make_aware(datetime(2025, 3, 31, 23, 30))
    for _ in range(6):
        Encounter.objects.create(anonymous_count=1, setting="street", author=peer, occurred_at=when)
    assert [m["month"] for m in research.monthly_activity(viewer=researcher)["months"]] == [
        date(2025, 3, 1)
    ]
    settings.TIME_ZONE = "Europe/Paris"
    assert [m["month"] for m in research.monthly_activity(viewer=researcher)["months"]] == [
        date(2025, 4, 1)
    ]
    assert kept(researcher) == counted_from_scratch(researcher)


# Queries.


def _months_of_activity(peer, count):
    activity = Activity.objects.first()
    for number in range(count):
        month = date(2023, 1, 1) + timedelta(days=31 * number)
        for day in (3, 17):
            person = ClientFactory(intake_date=month.replace(day=day))
            encounter = Encounter.objects.create(
                client=person,
                setting="street",
                author=peer,
                occurred_at=timezone.make_aware(datetime.combine(month.replace(day=day), time(10))),
            )
            encounter.activities.set([activity])


def _queries_of_the_page(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("research:activity")).status_code == 200
    return len(context)


def test_the_page_takes_a_fixed_number_of_queries_whatever_the_history(client, researcher, peer):
    Stage.objects.create(name="All along", starts_on=date(2020, 1, 1))
    client.force_login(researcher)
    counts = []
    for months in (1, 30):
        _months_of_activity(peer, months)
        cold = _queries_of_the_page(client)  # the months just logged are counted
        warm = _queries_of_the_page(client)
        Encounter.objects.create(
            anonymous_count=1, setting="street", author=peer, occurred_at=timezone.now()
        )
        changed = _queries_of_the_page(client)  # this month counted again
        counts.append((cold, warm, changed))
    print("page queries (cold, warm, after a change):", counts)
    assert counts[0] == counts[1], counts
    cold, warm, changed = counts[0]
    # Warm: what every page costs (session, account, roles, the menu's counts,
    # the session's stamp: 7), then whether anything changed, the kept figures,
    # the stages and the activities' names.
    assert warm <= 7 + 4
    # A change costs a fixed number more: the lock (PostgreSQL), claim, sort,
    # count (the activities' names, the encounters, new people, sessions and
    # their attendance, the referrals), write, and the savepoint around it.
    assert changed <= warm + 15 and cold <= warm + 15


@pytest.mark.parametrize("months", [1, 30])
def test_reading_the_kept_figures_takes_two_queries(
    researcher, peer, months, django_assert_num_queries
):
    _months_of_activity(peer, months)
    researcher.roles  # noqa: B018 (read once per request, by the middleware)
    research.figures(viewer=researcher)
    # Whether anything changed since, and the kept figures.
    with django_assert_num_queries(2):
        research.figures(viewer=researcher)


def test_counting_again_reads_only_the_months_that_changed(
    researcher, peer, django_assert_max_num_queries
):
    _months_of_activity(peer, 12)
    research.figures(viewer=researcher)
    before = {row.key: row.counted_at for row in ResearchFigure.objects.all()}
    Encounter.objects.create(
        anonymous_count=1,
        setting="street",
        author=peer,
        occurred_at=timezone.make_aware(datetime(2023, 3, 9, 10)),
    )
    research.figures(viewer=researcher)
    after = {row.key: row.counted_at for row in ResearchFigure.objects.all()}
    assert [key for key in after if after[key] != before[key]] == ["2023-03-01"]


def test_a_command_counts_everything_again_after_a_bulk_load(researcher, peer):
    from django.core.management import CommandError, call_command

    research.figures(viewer=researcher)
    Encounter.objects.bulk_create(
        Encounter(anonymous_count=1, setting="street", author=peer, occurred_at=timezone.now())
        for _ in range(6)
    )
    call_command("count_research_figures", "--as", "researcher")
    assert not ResearchChange.objects.exists()
    assert kept(researcher) == counted_from_scratch(researcher)
    with pytest.raises(CommandError):
        call_command("count_research_figures", "--as", "peer")
