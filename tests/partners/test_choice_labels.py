"""How a partner reads where it is picked: the encounter form, the referral
form and the accompaniment's place say when a partner is reduced, closed or
not checked lately, from the partner's own columns (one query for all)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from agenda.forms import FollowUpForm
from interventions.forms import EncounterForm
from partners.forms import partner_choice_label
from partners.models import Partner
from partners.selectors import partners_to_pick
from referrals.forms import ReferralForm

pytestmark = pytest.mark.django_db

REDUCED = "Mission Bon Accueil — reduced: half the beds"


@pytest.fixture
def mission(coordinator, say_status):
    partner = Partner.objects.create(name="Mission Bon Accueil", kind="shelter")
    say_status(partner, "reduced", "half the beds", by=coordinator)
    return partner


def labels(choices) -> list[str]:
    """The labels of a choice list, groups flattened."""
    found = []
    for _value, label in choices:
        if isinstance(label, list | tuple):
            found.extend(str(inner) for _v, inner in label)
        else:
            found.append(str(label))
    return found


@override_settings(PARTNER_STATUS_STALE_DAYS=14)
@pytest.mark.parametrize(
    ("status", "note", "days_ago", "label"),
    [
        ("open", "", 0, "Halte"),
        ("open", "new intakes until 18:00", 3, "Halte"),
        ("reduced", "half the beds", 0, "Halte — reduced: half the beds"),
        ("reduced", "", 1, "Halte — reduced"),
        ("closed", "", 2, "Halte — closed"),
        ("unknown", "", 0, "Halte — status unknown"),
        ("open", "", 20, "Halte — status not checked for 20 days"),
        (
            "reduced",
            "no new intakes",
            15,
            "Halte — reduced: no new intakes, not checked for 15 days",
        ),
        ("closed", "", 16, "Halte — closed, not checked for 16 days"),
    ],
)
def test_the_label_says_what_is_not_as_usual(
    coordinator, say_status, status, note, days_ago, label
):
    partner = Partner.objects.create(name="Halte", kind="drop_in")
    say_status(partner, status, note, by=coordinator, days_ago=days_ago)
    assert partner_choice_label(partner) == label


def test_a_partner_nobody_checked_reads_status_unknown(db):
    assert partner_choice_label(Partner(name="Halte", kind="drop_in")) == "Halte — status unknown"


def test_an_open_partner_never_checked_says_so(db):
    partner = Partner(name="Halte", kind="drop_in", service_status="open")
    assert partner_choice_label(partner) == "Halte — status never checked"


@override_settings(PARTNER_STATUS_STALE_DAYS=14)
def test_the_label_goes_stale_after_fourteen_days(coordinator, say_status, mission):
    mission.status_updated_at = timezone.now() - timedelta(days=14, hours=-1)
    assert partner_choice_label(mission) == REDUCED
    mission.status_updated_at = timezone.now() - timedelta(days=14, hours=1)
    assert partner_choice_label(mission).startswith(f"{REDUCED}, not checked for 1")


def test_the_encounter_form_says_the_partner_is_reduced(peer, mission):
    assert REDUCED in labels(EncounterForm(user=peer).fields["partner"].choices)


def test_the_encounter_page_shows_it_too(client, peer, mission):
    client.force_login(peer)
    assert REDUCED in client.get(reverse("encounters:new")).content.decode()


def test_the_referral_form_says_it_after_the_kind(peer, mission):
    form = ReferralForm(partners=partners_to_pick(peer), consent_url="/")
    assert "Mission Bon Accueil · Shelter — reduced: half the beds" in labels(
        form.fields["partner"].choices
    )


def test_the_accompaniment_place_says_it(peer, mission):
    form = FollowUpForm(user=peer, accompaniment=True)
    assert REDUCED in labels(form.fields["place_partner"].choices)


def _partners(count, coordinator, say_status):
    for n in range(count):
        partner = Partner.objects.create(name=f"Refuge {n}", kind="shelter")
        say_status(partner, ["reduced", "closed", "open"][n % 3], "a note", by=coordinator)


@pytest.mark.parametrize("count", [1, 5])
def test_the_partner_choices_are_one_query_however_many_partners(
    peer, coordinator, say_status, django_assert_num_queries, count
):
    _partners(count, coordinator, say_status)
    encounter = EncounterForm(user=peer).fields["partner"]
    place = FollowUpForm(user=peer, accompaniment=True).fields["place_partner"]
    for field in (encounter, place):
        with django_assert_num_queries(1):
            assert len(labels(field.choices)) == count + 1  # and the empty choice
    with django_assert_num_queries(1):
        form = ReferralForm(partners=partners_to_pick(peer), consent_url="/")
    assert len(labels(form.fields["partner"].choices)) == count + 1
