"""The partner directory's pages (fixtures ``shelter`` and ``closed_dropin``
come from conftest.py)."""

import pytest
from django.urls import reverse

from partners.models import Partner
from tests.db_snapshot import snapshot
from tests.form_versions import versioned

pytestmark = pytest.mark.django_db


READERS = ["peer", "clinician", "researcher", "coordinator"]


@pytest.mark.parametrize("persona", READERS)
def test_every_role_reads_the_directory(client, as_persona, persona, shelter):
    as_persona(persona)
    assert "Refuge du Plateau" in client.get(reverse("partners:list")).content.decode()
    assert client.get(reverse("partners:detail", args=[shelter.pk])).status_code == 200


def test_an_account_without_a_role_gets_nothing(client, outsider, shelter):
    client.force_login(outsider)
    assert client.get(reverse("partners:list")).status_code == 404
    assert client.get(reverse("partners:detail", args=[shelter.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher", "outsider"])
def test_only_coordinators_change_the_directory(client, as_persona, persona, shelter):
    as_persona(persona)
    before = snapshot()
    data = {"name": "Changed", "kind": "food"}
    for url in [reverse("partners:create"), reverse("partners:edit", args=[shelter.pk])]:
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert snapshot() == before


def test_coordinator_adds_and_deactivates_a_partner(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("partners:create"),
        {"name": "Banque alimentaire", "kind": "food", "is_active": "on"},
    )
    partner = Partner.objects.get(name="Banque alimentaire")
    assert response.url == reverse("partners:detail", args=[partner.pk])
    versioned(client).post(
        reverse("partners:edit", args=[partner.pk]), {"name": "Banque alimentaire", "kind": "food"}
    )
    partner.refresh_from_db()
    assert not partner.is_active
    assert Partner.objects.filter(pk=partner.pk).exists()  # deactivated, never deleted


def test_inactive_partners_are_hidden_unless_asked_for(client, peer, shelter, closed_dropin):
    client.force_login(peer)
    page = client.get(reverse("partners:list")).content.decode()
    assert "Refuge du Plateau" in page and "Ancienne halte" not in page
    page = client.get(reverse("partners:list"), {"inactive": "1"}).content.decode()
    assert "Ancienne halte" in page


def test_the_directory_filters_by_kind_and_name(client, peer, shelter):
    Partner.objects.create(name="Clinique Centre-Sud", kind="health_clinic")
    client.force_login(peer)
    names = lambda **q: [p.name for p in client.get(reverse("partners:list"), q).context["page"]]  # noqa: E731
    assert names(kind="shelter") == ["Refuge du Plateau"]
    assert names(q="clinique") == ["Clinique Centre-Sud"]


def test_a_partner_without_a_name_is_explained(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("partners:create"), {"name": "", "kind": "food"})
    assert "name" in response.context["form"].errors
    assert not Partner.objects.exists()


def test_page_links_keep_the_filters(client, peer):
    Partner.objects.bulk_create(
        Partner(name=f"Refuge {n:03}", kind="shelter", is_active=n % 2 == 0) for n in range(120)
    )
    Partner.objects.create(name="Clinique", kind="health_clinic")
    client.force_login(peer)
    query = {"q": "refuge", "kind": "shelter", "inactive": "1"}
    first = client.get(reverse("partners:list"), query)
    assert first.context["page"].paginator.count == 120
    html = first.content.decode()
    assert 'href="?q=refuge&amp;kind=shelter&amp;inactive=1&amp;page=2"' in html
    second = client.get(reverse("partners:list"), {**query, "page": "2"})
    html = second.content.decode()
    assert 'href="?q=refuge&amp;kind=shelter&amp;inactive=1&amp;page=1"' in html
    assert 'href="?q=refuge&amp;kind=shelter&amp;inactive=1&amp;page=3"' in html
    assert second.context["page"].object_list[0].name == "Refuge 050"


def test_coordinator_marks_a_service_of_our_organisation_and_the_directory_says_so(
    client, coordinator
):
    client.force_login(coordinator)
    client.post(
        reverse("partners:create"),
        {
            "name": "Service social de la clinique",
            "kind": "health_clinic",
            "is_internal": "on",
            "is_active": "on",
        },
    )
    partner = Partner.objects.get(name="Service social de la clinique")
    assert partner.is_internal
    assert "Our organisation" in client.get(reverse("partners:list")).content.decode()
    detail = client.get(reverse("partners:detail", args=[partner.pk])).content.decode()
    assert "a service of our organisation" in detail


def test_a_new_partner_is_outside_our_organisation_unless_ticked(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("partners:create"), {"name": "Banque", "kind": "food", "is_active": "on"})
    assert not Partner.objects.get(name="Banque").is_internal
