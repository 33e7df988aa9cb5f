"""The admin of accounts shows what the account policy shows."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff(username, roles):
    return UserFactory(username=username, is_staff=True, is_superuser=True, roles=roles)


def test_accounts_in_the_admin_follow_the_account_policy(client):
    clinician = staff("admin-clinician", ["clinician"])
    client.force_login(clinician)
    assert client.get(reverse("admin:peersupport_user_changelist")).status_code == 403
    coordinator = staff("root", ["coordinator"])
    client.force_login(coordinator)
    response = client.get(reverse("admin:peersupport_user_changelist"))
    assert response.status_code == 200
    assert "admin-clinician" in response.content.decode()
