"""Each change to something the research figures count changes the page at
the next read, to what counting the whole history gives; a change they do not
count (research consent) leaves the page as it was."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from clients import services as client_services
from clients.choices import ConsentMethod, Decision, Purpose
from groups.models import GroupAttendance, GroupSession, SupportGroup
from interventions.models import Activity, Encounter
from logbook import research_receivers, research_summary
from logbook.models import ResearchChange
from partners.models import Partner
from referrals.models import Referral
from tests.factories import ClientFactory, UserFactory
from tests.logbook.test_research_summary import counted_from_scratch, kept

pytestmark = pytest.mark.django_db

MARCH = timezone.make_aware(datetime(2025, 3, 10, 14, 0))


@pytest.fixture
def programme(peer, clinician, other_clinician):
    """March 2025: six people met once each (twice by one of them), with two
    activities and a clinician; six group sessions with six attendances;
    referrals to a shelter; every figure at least 5, so a change shows."""
    listening, accompanying = Activity.objects.order_by("pk")[:2]
    # Registered in February, so that a change in March is not also one in their intake month.
    people = [ClientFactory(intake_date=date(2025, 2, 2)) for _ in range(6)]
    encounters = []
    for number, person in enumerate([*people, people[0]]):
        encounter = Encounter.objects.create(
            client=person, setting="street", author=peer, occurred_at=MARCH + timedelta(days=number)
        )
        encounter.activities.set([listening, accompanying])
        encounter.participants.set([clinician])
        encounters.append(encounter)
    for _ in range(6):
        Encounter.objects.create(
            anonymous_count=2, setting="shelter", author=peer, occurred_at=MARCH
        )
    group = SupportGroup.objects.create(name="Entre pairs", created_by=peer)
    sessions = [
        GroupSession.objects.create(
            group=group, held_on=date(2025, 3, day), anonymous_count=1, recorded_by=peer
        )
        for day in range(1, 7)
    ]
    for session, person in zip(sessions, people, strict=True):
        GroupAttendance.objects.create(session=session, client=person, recorded_by=peer)
    shelter = Partner.objects.create(name="Refuge", kind="shelter")
    for person in people:
        Referral.objects.create(
            client=person, partner=shelter, reason="Private.", status="attended", created_by=peer
        )
    return {
        "people": people,
        "encounters": encounters,
        "activities": (listening, accompanying),
        "sessions": sessions,
        "shelter": shelter,
        "clinician": clinician,
        "other_clinician": other_clinician,
    }


def _log(programme, peer, when=MARCH):
    encounter = Encounter.objects.create(
        client=programme["people"][1], setting="court", author=peer, occurred_at=when
    )
    encounter.activities.set(programme["activities"][:1])


def _merge(programme, coordinator):
    keep, away = programme["people"][:2]
    client_services.client_merge(acting_user=coordinator, keep=keep, merge_away=away, reason="x")


def _mark_merged(programme, coordinator):
    keep, away = programme["people"][:2]
    away.merged_into = keep
    away.save()


CHANGES = {
    "an encounter logged": lambda p, peer, coordinator: _log(p, peer),
    "an encounter logged on the last minute of a month": lambda p, peer, coordinator: _log(
        p, peer, timezone.make_aware(datetime(2025, 3, 31, 23, 59))
    ),
    "an encounter deleted": lambda p, peer, coordinator: p["encounters"][3].delete(),
    "an encounter moved to another month": lambda p, peer, coordinator: _move(p["encounters"][2]),
    "an encounter's setting changed": lambda p, peer, coordinator: _set(
        p["encounters"][2], setting="phone"
    ),
    "an activity taken off an encounter": lambda p, peer, coordinator: p["encounters"][
        2
    ].activities.remove(p["activities"][1]),
    "an encounter added from the activity's side": lambda p, peer, coordinator: p["activities"][
        1
    ].encounters.add(*Encounter.objects.filter(client__isnull=True)),
    "an encounter's participants cleared": lambda p, peer, coordinator: p["encounters"][
        4
    ].participants.clear(),
    "a participation taken off from the account's side": lambda p, peer, coordinator: p[
        "clinician"
    ].co_encounters.remove(p["encounters"][5]),
    "two records of one person merged": lambda p, peer, coordinator: _merge(p, coordinator),
    "a record marked merged": lambda p, peer, coordinator: _mark_merged(p, coordinator),
    "someone registered": lambda p, peer, coordinator: ClientFactory(intake_date=date(2025, 2, 9)),
    "an intake date moved": lambda p, peer, coordinator: _set(
        p["people"][3], intake_date=date(2025, 5, 1)
    ),
    "a group session held": lambda p, peer, coordinator: GroupSession.objects.create(
        group=p["sessions"][0].group, held_on=date(2025, 3, 20), anonymous_count=3, recorded_by=peer
    ),
    "a group session cancelled": lambda p, peer, coordinator: _set(
        p["sessions"][0], cancelled_at=timezone.now()
    ),
    "a group session moved": lambda p, peer, coordinator: _set(
        p["sessions"][0], held_on=date(2025, 4, 2)
    ),
    "someone else came to a session": lambda p, peer, coordinator: GroupAttendance.objects.create(
        session_id=p["sessions"][1].pk, client=p["people"][0], recorded_by=peer
    ),
    "an attendance taken off": lambda p, peer, coordinator: GroupAttendance.objects.get(
        session=p["sessions"][2]
    ).delete(),
    "a referral recorded": lambda p, peer, coordinator: Referral.objects.create(
        client=p["people"][0], partner=p["shelter"], reason="x", status="sent", created_by=peer
    ),
    "a referral's outcome changed": lambda p, peer, coordinator: _set(
        Referral.objects.first(), status="no_show"
    ),
    "a referral deleted": lambda p, peer, coordinator: Referral.objects.first().delete(),
    "a partner now one of ours": lambda p, peer, coordinator: _set(p["shelter"], is_internal=True),
    "a partner's kind changed": lambda p, peer, coordinator: _set(p["shelter"], kind="housing"),
    "an activity renamed": lambda p, peer, coordinator: _set(
        p["activities"][0], name_en="Active listening"
    ),
}


def _set(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def _move(encounter):
    encounter.occurred_at = timezone.make_aware(datetime(2025, 4, 2, 10, 0))
    encounter.save()


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_change_to_what_is_counted_changes_the_page(
    change, programme, researcher, peer, coordinator
):
    before = kept(researcher)
    assert before == counted_from_scratch(researcher)
    CHANGES[change](programme, peer, coordinator)
    after = kept(researcher)
    assert after != before
    assert after == counted_from_scratch(researcher)


def test_a_deleted_participant_account_changes_the_page(programme, researcher):
    leaving = UserFactory()
    for encounter in Encounter.objects.filter(client__isnull=True):
        encounter.participants.add(leaving)
    before = kept(researcher)
    leaving.delete()  # the participations go with the account, with no m2m_changed
    after = kept(researcher)
    assert after != before
    assert after == counted_from_scratch(researcher)


@pytest.mark.parametrize("decision", [Decision.WITHDRAWN, Decision.REFUSED, Decision.GIVEN])
def test_research_consent_moves_rows_of_the_export_never_the_counts(
    decision, programme, researcher, coordinator
):
    """The counts are of everyone served (consent governs the rows that leave,
    in the export): a consent given or withdrawn changes no figure, so it
    needs no counting again."""
    before = kept(researcher)
    for person in programme["people"][:3]:
        client_services.consent_record(
            acting_user=coordinator,
            client=person,
            purpose=Purpose.RESEARCH,
            decision=decision,
            method=ConsentMethod.WRITTEN if decision == Decision.GIVEN else "",
            decided_on=timezone.localdate() - timedelta(days=1),
        )
    assert kept(researcher) == before == counted_from_scratch(researcher)


def test_a_save_that_changes_nothing_counted_asks_for_no_counting(programme, researcher, peer):
    kept(researcher)
    person = programme["people"][0]
    person.last_contact_on = date(2025, 3, 30)
    person.save(update_fields=["last_contact_on"])
    person.display_name = "Renamed"
    person.save()
    encounter = Encounter.objects.get(pk=programme["encounters"][0].pk)
    encounter.duration_minutes = 30
    encounter.save()
    assert not ResearchChange.objects.exists()


def test_an_encounter_read_without_its_date_and_moved_counts_everything_again(
    programme, researcher, peer
):
    kept(researcher)
    encounter = Encounter.objects.only("pk", "setting").get(pk=programme["encounters"][2].pk)
    encounter.occurred_at = timezone.make_aware(datetime(2025, 6, 2, 10, 0))
    encounter.save()
    assert ResearchChange.objects.get().month is None  # everything
    assert kept(researcher) == counted_from_scratch(researcher)


def test_bulk_writes_say_so_and_are_counted(programme, researcher, peer):
    kept(researcher)
    Encounter.objects.bulk_create(
        Encounter(anonymous_count=1, setting="phone", author=peer, occurred_at=MARCH)
        for _ in range(5)
    )
    assert not ResearchChange.objects.exists()  # no signal: the writer must say so
    research_summary.count_everything_again()
    assert kept(researcher) == counted_from_scratch(researcher)


def test_every_counted_model_has_its_receivers():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in [*research_receivers.COUNTED, Referral]:
        assert post_save.has_listeners(model) and post_delete.has_listeners(model), model
    for relation in (Encounter.activities, Encounter.participants):
        assert m2m_changed.has_listeners(relation.through)
    assert post_delete.has_listeners(UserFactory._meta.model)
