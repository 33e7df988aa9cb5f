"""The admin shows a partner's service status and lets nobody change it
there: a status is said through the directory, which keeps its history."""

import pytest
from django.urls import reverse

from tests.db_snapshot import snapshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_coordinator(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True, roles=["coordinator"])


def test_the_admin_list_shows_the_status_and_capacity(
    client, admin_coordinator, shelter, say_status
):
    say_status(shelter, "reduced", "half the beds", by=admin_coordinator)
    client.force_login(admin_coordinator)
    page = client.get(reverse("admin:partners_partner_changelist")).content.decode()
    assert "Reduced" in page and "half the beds" in page
    filtered = client.get(
        reverse("admin:partners_partner_changelist"), {"service_status": "closed"}
    )
    assert "Refuge du Plateau" not in filtered.content.decode()


def test_the_admin_changes_no_status(client, admin_coordinator, shelter):
    client.force_login(admin_coordinator)
    change = reverse("admin:partners_partner_change", args=[shelter.pk])
    assert client.get(change).status_code == 200  # to read
    before = snapshot()
    response = client.post(
        change, {"name": shelter.name, "kind": "shelter", "service_status": "closed"}
    )
    assert response.status_code == 403
    assert snapshot() == before
