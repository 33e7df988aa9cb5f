import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.choices import ConsentMethod, Decision, Purpose
from interventions.models import Activity, Encounter
from logbook import research
from peersupport.models import ExportRecord
from peersupport.small_cells import HIDDEN
from tests.db_snapshot import snapshot
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _meet(person, author, when, **fields):
    encounter = Encounter.objects.create(
        client=person, setting="street", author=author, occurred_at=when, **fields
    )
    encounter.activities.set([Activity.objects.first()])
    return encounter


def _consent(person, user, decision=Decision.GIVEN):
    client_services.consent_record(
        acting_user=user,
        client=person,
        purpose=Purpose.RESEARCH,
        decision=decision,
        method=ConsentMethod.WRITTEN if decision == Decision.GIVEN else "",
        decided_on=timezone.localdate() - timedelta(days=1),
    )


@pytest.fixture
def programme(peer, coordinator):
    when = timezone.make_aware(datetime(2025, 3, 10, 14, 0))
    consenting = [ClientFactory(display_name=f"Yes {i}") for i in range(3)]
    refusing = ClientFactory(display_name="No")
    for person in consenting:
        _consent(person, coordinator)
        for day in range(3):
            _meet(person, peer, when + timedelta(days=day))
    _consent(refusing, coordinator, Decision.REFUSED)
    _meet(refusing, peer, when)
    return consenting, refusing


def test_the_activity_page_counts_without_naming_and_suppresses(client, researcher, programme):
    client.force_login(researcher)
    response = client.get(reverse("research:activity"))
    march = next(m for m in response.context["months"] if m["month"] == date(2025, 3, 1))
    assert march["encounters"] == 10
    assert march["people"] == "<5"  # four people reached: below 5
    assert march["settings"] == {"street": 10}
    page = response.content.decode()
    assert "Yes 0" not in page and "<title>" in page


def test_the_export_keeps_only_people_with_research_consent(client, researcher, programme):
    consenting, refusing = programme
    client.force_login(researcher)
    response = client.get(reverse("research:export"), {"format": "csv"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")))
    )
    assert len(rows) == 9
    assert {row["person"] for row in rows} == {research.pseudonym(p.pk) for p in consenting}
    assert research.pseudonym(refusing.pk) not in {row["person"] for row in rows}
    assert set(rows[0]) == {name for name, _ in research.EXPORT_COLUMNS}
    for row in rows:
        assert "Yes" not in str(row) and row["setting"] == "street"


def test_pseudonyms_are_stable_for_a_key_and_change_with_it(settings):
    first = research.pseudonym(42)
    assert research.pseudonym(42) == first and research.pseudonym(43) != first
    settings.RESEARCH_PSEUDONYM_KEY = "another-key-another-key-another-key"
    assert research.pseudonym(42) != first
    assert "42" not in first


def test_a_persons_dates_shift_together_or_fall_to_the_week(client, researcher, programme):
    consenting, _ = programme
    client.force_login(researcher)

    def export(dates):
        response = client.get(reverse("research:export"), {"format": "csv", "dates": dates})
        return list(
            csv.DictReader(
                io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))
            )
        )

    person = research.pseudonym(consenting[0].pk)
    shifted = sorted(
        date.fromisoformat(r["date"]) for r in export("shift") if r["person"] == person
    )
    offset = research.date_offset(consenting[0].pk)
    assert shifted == [date(2025, 3, 10) + offset + timedelta(days=d) for d in range(3)]
    assert abs(offset.days) <= research.SHIFT_DAYS
    weeks = {r["date"] for r in export("week") if r["person"] == person}
    assert weeks == {"2025-03-10"}  # a Monday


@pytest.mark.parametrize("persona", ["peer", "clinician", "outsider"])
def test_research_screens_are_for_researchers_and_coordinators(client, request, programme, persona):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    assert client.get(reverse("research:activity")).status_code == 404
    assert client.get(reverse("research:export"), {"format": "csv"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["researcher", "coordinator"])
def test_each_research_export_is_recorded(client, request, programme, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    b"".join(
        client.get(reverse("research:export"), {"format": "csv", "dates": "week"}).streaming_content
    )
    record = ExportRecord.objects.get()
    assert (record.user, record.dataset, record.filters, record.row_count) == (
        user,
        "research_encounters",
        {"dates": "week"},
        9,
    )


def test_the_data_dictionary_describes_every_column(client, researcher):
    client.force_login(researcher)
    response = client.get(reverse("research:export"), {"format": "dictionary"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")))
    )
    assert [r["column"] for r in rows] == [name for name, _ in research.EXPORT_COLUMNS]
    assert all(r["description"] for r in rows)


def test_participants_do_not_multiply_the_counts(
    client, researcher, peer, clinician, other_clinician
):
    when = timezone.make_aware(datetime(2025, 4, 2, 10, 0))
    for _ in range(6):
        encounter = Encounter.objects.create(
            anonymous_count=2, setting="street", author=peer, occurred_at=when
        )
        encounter.participants.set([clinician, other_clinician])
    months = {m["month"]: m for m in research.monthly_activity(viewer=researcher)["months"]}
    april = months[date(2025, 4, 1)]
    assert (april["encounters"], april["anonymous"], april["co"]) == (6, 12, 6)


def test_a_lone_small_setting_cannot_be_found_by_subtraction(researcher, peer):
    when = timezone.make_aware(datetime(2025, 5, 6, 10, 0))
    for setting, count in (("street", 9), ("shelter", 7), ("court", 2)):
        for _ in range(count):
            Encounter.objects.create(
                anonymous_count=1, setting=setting, author=peer, occurred_at=when
            )
    months = {m["month"]: m for m in research.monthly_activity(viewer=researcher)["months"]}
    may = months[date(2025, 5, 1)]
    assert may["encounters"] == 18
    assert may["settings"] == {"street": 9, "shelter": HIDDEN, "court": "<5"}


def test_stages_count_whole_months_and_hide_a_total_that_gives_a_month_away(researcher, peer):
    from logbook.models import Stage

    Stage.objects.create(name="Spring", starts_on=date(2025, 3, 1), ends_on=date(2025, 4, 30))
    for month, count in ((3, 8), (4, 2)):
        for _ in range(count):
            Encounter.objects.create(
                anonymous_count=1,
                setting="street",
                author=peer,
                occurred_at=timezone.make_aware(datetime(2025, month, 15, 10, 0)),
            )
    (spring,) = research.by_stage(viewer=researcher)
    assert spring["encounters"] == HIDDEN  # 10 - 8 would give April's 2 away
    Stage.objects.filter(name="Spring").update(starts_on=date(2025, 3, 16))
    (moved,) = research.by_stage(viewer=researcher)
    assert moved["encounters"] == "<5"  # March now belongs elsewhere: only April's 2 remain


def test_the_research_export_does_not_follow_record_numbers(client, researcher, peer, coordinator):
    people = [ClientFactory() for _ in range(12)]
    for person in people:
        _consent(person, coordinator)
        _meet(person, peer, timezone.make_aware(datetime(2025, 3, 10, 14, 0)))
    client.force_login(researcher)
    response = client.get(reverse("research:export"), {"format": "csv"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")))
    )
    listed = [row["person"] for row in rows]
    assert listed == sorted(listed)
    assert listed != [research.pseudonym(p.pk) for p in people]


# Referrals, by kind of partner and by how they ended.


def _referrals(partner, author, **by_status):
    from referrals.models import Referral

    for status, count in by_status.items():
        for _ in range(count):
            Referral.objects.create(
                client=ClientFactory(),
                partner=partner,
                reason="Private reason.",
                status=status,
                created_by=author,
            )


@pytest.fixture
def referred(peer):
    from partners.models import Partner

    shelter = Partner.objects.create(name="Refuge", kind="shelter")
    legal = Partner.objects.create(name="Aide juridique", kind="legal")
    ours = Partner.objects.create(name="Service social", kind="health_clinic", is_internal=True)
    _referrals(shelter, peer, proposed=3, attended=6, no_show=1)
    _referrals(legal, peer, sent=2, accepted=4, declined=1)
    _referrals(ours, peer, attended=2)
    return shelter, legal, ours


def test_referrals_are_counted_by_kind_and_outcome_with_small_cells_hidden(researcher, referred):
    figures = research.referral_figures(viewer=researcher)
    assert figures["total"] == 19
    # Shelter 10, legal 7, our services 2: the one small cell hides the smallest other.
    assert figures["by_kind"] == [("shelter", 10), ("legal", "×"), ("internal", "<5")]
    # Not ended 9, attended 8, did not go 1, declined 1, closed 0: several small cells.
    assert figures["by_outcome"] == [
        ("open", 9),
        ("attended", 8),
        ("no_show", "<5"),
        ("declined", "<5"),
        ("closed", "<5"),
    ]


def test_merged_away_records_are_not_counted(researcher, referred):
    from referrals.models import Referral

    kept = ClientFactory()
    merged = Referral.objects.filter(partner=referred[0]).first().client
    merged.merged_into = kept
    merged.save()
    assert research.referral_figures(viewer=researcher)["total"] == 18


def test_without_referrals_the_figures_are_empty(researcher):
    figures = research.referral_figures(viewer=researcher)
    assert figures == {"total": 0, "by_kind": [], "by_outcome": figures["by_outcome"]}
    assert {value for _, value in figures["by_outcome"]} == {"<5"}


def test_the_activity_page_shows_referrals_in_words_never_people(client, researcher, referred):
    client.force_login(researcher)
    response = client.get(reverse("research:activity"))
    referrals = response.context["referrals"]
    assert referrals["by_kind"] == [
        ("Shelter", 10),
        ("Legal", "×"),
        ("Services of our organisation", "<5"),
    ]
    assert referrals["by_outcome"][0] == ("Not ended yet", 9)
    page = response.content.decode()
    assert "Referrals to partners" in page
    assert "Private reason" not in page and "Refuge" not in page
