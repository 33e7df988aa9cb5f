"""A partner's service status on the pages of the directory: the form, the
partner's page with its history, the directory's badges and filter (fixtures
``shelter``, ``closed_dropin`` and ``say_status`` come from conftest.py)."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from partners.models import Partner, PartnerStatus
from tests.db_snapshot import snapshot

pytestmark = pytest.mark.django_db

LIST = reverse("partners:list")


def status_url(partner):
    return reverse("partners:status", args=[partner.pk])


def detail_url(partner):
    return reverse("partners:detail", args=[partner.pk])


def text(response) -> str:
    """The page's words, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("persona", ["peer", "clinician", "coordinator"])
def test_field_workers_and_coordinators_mark_a_partner_reduced(
    client, as_persona, persona, shelter
):
    user = as_persona(persona)
    form = client.get(status_url(shelter))
    assert form.status_code == 200
    assert "Reduced: fewer places, hours or services than usual" in form.content.decode()
    response = client.post(
        status_url(shelter), {"status": "reduced", "capacity_note": "half the beds"}
    )
    assert response.status_code == 302
    assert response.url == detail_url(shelter)
    shelter.refresh_from_db()
    assert (shelter.service_status, shelter.capacity_note) == ("reduced", "half the beds")
    assert shelter.status_updated_by == user


@pytest.mark.parametrize("persona", ["researcher", "outsider"])
def test_who_may_not_update_gets_404_and_nothing_changes(client, as_persona, persona, shelter):
    as_persona(persona)
    before = snapshot()
    assert client.get(status_url(shelter)).status_code == 404
    assert client.post(status_url(shelter), {"status": "closed"}).status_code == 404
    assert snapshot() == before


def test_anonymous_is_sent_to_sign_in(client, shelter):
    response = client.get(status_url(shelter))
    assert response.status_code == 302 and "login" in response.url


def test_an_inactive_partner_offers_no_update(client, peer, closed_dropin):
    client.force_login(peer)
    before = snapshot()
    assert client.post(status_url(closed_dropin), {"status": "open"}).status_code == 403
    assert snapshot() == before
    assert status_url(closed_dropin) not in client.get(detail_url(closed_dropin)).content.decode()


def test_a_partner_that_does_not_exist_is_404(client, peer):
    client.force_login(peer)
    assert client.get(reverse("partners:status", args=[999_999])).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"capacity_note": "half"}, "status"),
        ({"status": "open", "capacity_note": "x" * 201}, "capacity_note"),
        ({"status": "maybe"}, "status"),
    ],
)
def test_bad_input_is_explained_on_its_field(client, peer, shelter, data, field):
    client.force_login(peer)
    response = client.post(status_url(shelter), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PartnerStatus.objects.exists()


def test_the_form_opens_with_the_current_status_so_a_check_is_one_tap(
    client, peer, shelter, say_status
):
    say_status(shelter, "reduced", "half the beds", by=peer, days_ago=20)
    client.force_login(peer)
    form = client.get(status_url(shelter)).context["form"]
    assert (form.initial["status"], form.initial["capacity_note"]) == ("reduced", "half the beds")
    client.post(status_url(shelter), {"status": "reduced", "capacity_note": "half the beds"})
    shelter.refresh_from_db()
    assert not shelter.status_is_stale()
    assert shelter.statuses.count() == 2


def test_the_partner_page_says_the_status_who_said_it_when_and_the_history(
    client, peer, coordinator, shelter, say_status
):
    coordinator.first_name, coordinator.last_name = "Nadia", "Coord"
    coordinator.save()
    say_status(shelter, "closed", "", by=peer, days_ago=9)
    say_status(shelter, "reduced", "half the beds", by=coordinator, days_ago=3)
    client.force_login(peer)
    page = text(client.get(detail_url(shelter)))
    assert "Service status: Reduced half the beds" in page
    assert "Updated 3 days ago by Nadia Coord." in page
    assert "Not checked" not in page
    assert status_url(shelter) in client.get(detail_url(shelter)).content.decode()
    history = page.split("Status history", 1)[1]
    assert history.index("Reduced") < history.index("half the beds") < history.index("Closed")


def test_a_researcher_reads_the_status_but_is_offered_no_update(
    client, researcher, coordinator, shelter, say_status
):
    say_status(shelter, "reduced", "half the beds", by=coordinator)
    client.force_login(researcher)
    response = client.get(detail_url(shelter))
    assert "half the beds" in response.content.decode()
    assert status_url(shelter) not in response.content.decode()
    assert status_url(shelter) not in client.get(LIST).content.decode()


def test_a_status_never_said_reads_unknown_and_never_checked(client, peer, shelter):
    client.force_login(peer)
    page = text(client.get(detail_url(shelter)))
    assert "Service status: Unknown" in page
    assert "Never checked" in page
    assert "Nobody has said yet how its services run." in page


@override_settings(PARTNER_STATUS_STALE_DAYS=14)
def test_a_status_older_than_fourteen_days_is_marked_stale_in_words(
    client, peer, shelter, say_status
):
    say_status(shelter, "open", "", by=peer, days_ago=20)
    client.force_login(peer)
    assert "Not checked for 20 days" in text(client.get(LIST))
    assert "Not checked for 20 days" in text(client.get(detail_url(shelter)))
    say_status(shelter, "open", "", by=peer, days_ago=13)
    assert "Not checked for 13 days" not in text(client.get(LIST))
    assert "Not checked for" not in text(client.get(detail_url(shelter)))


@override_settings(PARTNER_STATUS_STALE_DAYS=3)
def test_the_setting_decides_when_the_directory_says_stale(client, peer, shelter, say_status):
    say_status(shelter, "open", "", by=peer, days_ago=5)
    client.force_login(peer)
    assert "Not checked for 5 days" in text(client.get(LIST))


def test_the_history_shows_ten_at_a_time_with_older_ones_a_tap_away(
    client, peer, shelter, say_status
):
    for day in range(12, 0, -1):
        say_status(shelter, "reduced", f"note {day}", by=peer, days_ago=day)
    client.force_login(peer)
    first = client.get(detail_url(shelter))
    shown = [row.capacity_note for row in first.context["history"]]
    assert shown == [f"note {day}" for day in range(1, 11)]
    assert "?history=2" in first.content.decode() and "Older" in text(first)
    older = client.get(detail_url(shelter), {"history": "2"})
    assert [row.capacity_note for row in older.context["history"]] == ["note 11", "note 12"]
    assert "Newer" in text(older)


def test_the_directory_shows_each_status_and_a_one_tap_update_per_row(
    client, peer, coordinator, shelter, say_status
):
    food = Partner.objects.create(name="Banque alimentaire", kind="food")
    say_status(shelter, "reduced", "half the beds", by=coordinator)
    say_status(food, "closed", "", by=coordinator)
    client.force_login(peer)
    response = client.get(LIST)
    page = text(response)
    assert "Service status: Reduced half the beds" in page
    assert "Service status: Closed" in page
    html = response.content.decode()
    assert status_url(shelter) in html and status_url(food) in html


def test_the_directory_filters_by_status_and_by_not_checked_lately(
    client, peer, coordinator, shelter, say_status
):
    food = Partner.objects.create(name="Banque alimentaire", kind="food")
    clinic = Partner.objects.create(name="Clinique", kind="health_clinic")
    say_status(shelter, "reduced", "half the beds", by=coordinator)
    say_status(food, "open", "", by=coordinator, days_ago=30)
    client.force_login(peer)

    def names(**query):
        return [p.name for p in client.get(LIST, query).context["page"]]

    assert names(status="reduced") == ["Refuge du Plateau"]
    assert names(status="open") == ["Banque alimentaire"]
    assert names(status="unknown") == ["Clinique"]
    assert names(status="stale") == ["Banque alimentaire", "Clinique"]
    assert names(status="nonsense") == ["Banque alimentaire", "Clinique", "Refuge du Plateau"]
    assert clinic.pk  # never said: unknown, and stale


def _make_partners(count, coordinator, say_status):
    for n in range(count):
        partner = Partner.objects.create(name=f"Refuge {n}", kind="shelter")
        say_status(partner, ["open", "reduced", "closed"][n % 3], f"note {n}", by=coordinator)


def test_the_directory_costs_the_same_with_one_partner_or_five(
    client, peer, coordinator, say_status, django_assert_max_num_queries
):
    _make_partners(1, coordinator, say_status)
    client.force_login(peer)
    with django_assert_max_num_queries(12) as one:
        client.get(LIST)
    _make_partners(5, coordinator, say_status)
    with django_assert_max_num_queries(len(one.captured_queries)) as six:
        response = client.get(LIST)
    assert len(response.context["page"]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_the_partner_page_costs_the_same_with_one_status_or_ten(
    client, peer, coordinator, clinician, shelter, say_status, django_assert_max_num_queries
):
    say_status(shelter, "open", "", by=peer)
    client.force_login(peer)
    with django_assert_max_num_queries(20) as one:
        client.get(detail_url(shelter))
    for n in range(9):
        say_status(shelter, "reduced", f"n{n}", by=[peer, coordinator, clinician][n % 3])
    with django_assert_max_num_queries(len(one.captured_queries)) as ten:
        response = client.get(detail_url(shelter))
    assert len(response.context["history"]) == 10
    assert len(ten.captured_queries) == len(one.captured_queries)
