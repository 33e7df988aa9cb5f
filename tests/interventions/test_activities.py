"""The activity list, kept by coordinators in the product (the admin refuses app accounts)."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import translation

from interventions.forms import EncounterForm
from interventions.models import Activity
from peersupport.roles import Ability, Role, abilities_for
from tests.db_snapshot import snapshot
from tests.form_versions import versioned

pytestmark = pytest.mark.django_db

NOT_KEEPERS = ["peer", "clinician", "researcher", "outsider"]


@pytest.fixture
def listening(db):
    return Activity.objects.create(
        name_en="Deep listening", name_fr="Écoute profonde", hifis_code="Support services"
    )


@pytest.fixture
def fax(db):
    return Activity.objects.create(
        name_en="Sending a fax", name_fr="Envoi d’un fax", is_active=False
    )


def activity_urls(activity):
    """Every URL of the screen, with the method that changes something."""
    return [
        ("get", reverse("activities:list")),
        ("get", reverse("activities:create")),
        ("post", reverse("activities:create")),
        ("get", reverse("activities:edit", args=[activity.pk])),
        ("post", reverse("activities:edit", args=[activity.pk])),
        ("post", reverse("activities:retire", args=[activity.pk])),
        ("post", reverse("activities:restore", args=[activity.pk])),
    ]


NEW_ACTIVITY = {
    "name_en": "Food bank visit",
    "name_fr": "Visite à la banque alimentaire",
    "hifis_code": "Food",
    "hmis_code": "Food",
    "position": "5",
}


def test_only_coordinators_may_keep_the_activity_list():
    holders = {role for role in Role if Ability.MANAGE_ACTIVITIES in abilities_for([role])}
    assert holders == {Role.COORDINATOR}


@pytest.mark.parametrize("persona", NOT_KEEPERS)
def test_the_activity_screen_does_not_exist_for_anyone_but_coordinators(
    client, as_persona, persona, listening
):
    as_persona(persona)
    for method, url in activity_urls(listening):
        before = snapshot()
        response = getattr(client, method)(url, NEW_ACTIVITY)
        assert response.status_code == 404, (method, url)
        assert snapshot() == before, (method, url)


def test_anonymous_visitors_are_sent_to_sign_in(client, listening):
    for method, url in activity_urls(listening):
        before = snapshot()
        response = getattr(client, method)(url, NEW_ACTIVITY)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("login"))
        assert snapshot() == before


def test_coordinator_sees_offered_and_retired_activities(client, coordinator, listening, fax):
    client.force_login(coordinator)
    response = client.get(reverse("activities:list"))
    assert response.status_code == 200
    assert listening in response.context["offered"]
    assert fax in response.context["retired"]
    page = response.content.decode()
    assert "Deep listening" in page and "Écoute profonde" in page and "Support services" in page


def test_the_list_shows_names_in_the_readers_language(client, coordinator, listening):
    client.force_login(coordinator)
    with translation.override("fr"):
        response = client.get(reverse("activities:list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert '<div class="fw-semibold">Écoute profonde</div>' in response.content.decode()


def test_coordinator_adds_an_activity_in_both_languages_with_its_service_codes(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("activities:create"), NEW_ACTIVITY)
    assert response.status_code == 302
    added = Activity.objects.get(name_en="Food bank visit")
    assert (added.name_fr, added.hifis_code, added.hmis_code, added.is_active) == (
        "Visite à la banque alimentaire",
        "Food",
        "Food",
        True,
    )
    assert added in EncounterForm(user=coordinator).fields["activities"].queryset


def test_coordinator_renames_an_activity_in_both_languages(client, coordinator, listening):
    client.force_login(coordinator)
    versioned(client).post(
        reverse("activities:edit", args=[listening.pk]),
        {
            "name_en": "Listening",
            "name_fr": "Écoute",
            "hifis_code": "Support services",
            "hmis_code": "Support group",
            "position": "0",
        },
    )
    listening.refresh_from_db()
    assert (listening.name_en, listening.name_fr, listening.hmis_code) == (
        "Listening",
        "Écoute",
        "Support group",
    )


def test_a_name_already_used_is_refused_on_its_field(client, coordinator, listening):
    client.force_login(coordinator)
    before = snapshot()
    response = client.post(
        reverse("activities:create"), {**NEW_ACTIVITY, "name_fr": "écoute profonde"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name_fr"] == ["Another activity already has this name."]
    assert snapshot() == before


def test_a_missing_french_name_is_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("activities:create"), {**NEW_ACTIVITY, "name_fr": " "})
    assert "name_fr" in response.context["form"].errors
    assert not Activity.objects.filter(name_en="Food bank visit").exists()


def test_retiring_keeps_the_activity_and_its_encounters_but_stops_offering_it(
    client, coordinator, listening
):
    client.force_login(coordinator)
    assert client.get(reverse("activities:retire", args=[listening.pk])).status_code == 405
    response = client.post(reverse("activities:retire", args=[listening.pk]))
    assert response.url == reverse("activities:list")
    listening.refresh_from_db()
    assert not listening.is_active
    assert listening not in EncounterForm(user=coordinator).fields["activities"].queryset
    client.post(reverse("activities:restore", args=[listening.pk]))
    listening.refresh_from_db()
    assert listening.is_active


def test_every_change_is_audited_with_its_author(client, coordinator, listening):
    client.force_login(coordinator)
    client.post(reverse("activities:create"), NEW_ACTIVITY)
    versioned(client).post(
        reverse("activities:edit", args=[listening.pk]),
        {"name_en": "Listening", "name_fr": "Écoute", "position": "0"},
    )
    client.post(reverse("activities:retire", args=[listening.pk]))
    client.post(reverse("activities:restore", args=[listening.pk]))
    entries = LogEntry.objects.get_for_model(Activity).filter(actor=coordinator)
    changes = [entry.changes_dict for entry in entries.order_by("pk")]
    assert len(changes) == 4
    assert changes[1]["name_en"] == ["Deep listening", "Listening"]
    assert changes[1]["hifis_code"] == ["Support services", ""]
    assert changes[2] == {"is_active": ["True", "False"]}
    assert changes[3] == {"is_active": ["False", "True"]}


def test_the_list_makes_the_same_queries_for_1_and_40_activities(client, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    counts = []
    for count in (1, 39):
        Activity.objects.bulk_create(
            Activity(name_en=f"A{count}-{i}", name_fr=f"F{count}-{i}") for i in range(count)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("activities:list")).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_the_last_activity_on_offer_cannot_be_retired(client, coordinator, listening, fax):
    Activity.objects.exclude(pk__in=[listening.pk, fax.pk]).update(is_active=False)
    client.force_login(coordinator)
    before = snapshot()
    response = client.post(reverse("activities:retire", args=[listening.pk]), follow=True)
    assert "This is the last activity offered" in response.content.decode()
    assert snapshot() == before
