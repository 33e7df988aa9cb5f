"""The admin of the audit trail shows what its policy shows."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff(username, roles):
    return UserFactory(username=username, is_staff=True, is_superuser=True, roles=roles)


def test_a_coordinator_reads_the_audit_trail_in_the_admin(client):
    coordinator = staff("root", ["coordinator"])
    entry = LogEntry.objects.log_create(coordinator, force_log=True, action=LogEntry.Action.UPDATE)
    client.force_login(coordinator)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200


def test_a_superuser_who_is_not_a_coordinator_finds_no_audit_trail_in_the_admin(client):
    # Superuser is no skeleton key: the trail is the coordinators'.
    clinician = staff("admin-clinician", ["clinician"])
    entry = LogEntry.objects.log_create(clinician, force_log=True, action=LogEntry.Action.UPDATE)
    client.force_login(clinician)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.get(change).status_code == 403
    assert "auditlog" not in client.get(reverse("admin:index")).content.decode()
