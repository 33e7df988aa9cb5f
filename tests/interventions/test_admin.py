import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from interventions.choices import Audience
from tests.db_snapshot import snapshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True, roles=["coordinator"])


def test_the_admin_lists_notes_without_their_bodies(client, root, person, peer, make_note):
    note = make_note(person, peer, Audience.PEER_TEAM, body="Words for peers only")
    client.force_login(root)
    for url in (
        reverse("admin:interventions_note_changelist"),
        reverse("admin:interventions_note_change", args=[note.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "Words for peers only" not in response.content.decode()


def test_notes_cannot_be_changed_or_deleted_in_the_admin(client, root, person, peer, make_note):
    note = make_note(person, peer, Audience.PEER_TEAM)
    client.force_login(root)
    before = snapshot()
    change = reverse("admin:interventions_note_change", args=[note.pk])
    assert client.post(change, {"audience": "care_team"}).status_code == 403
    delete = reverse("admin:interventions_note_delete", args=[note.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert snapshot() == before


def test_audit_records_cannot_be_changed_or_deleted_in_the_admin(client, root, person):
    client.force_login(root)
    entry = LogEntry.objects.first()
    assert entry is not None
    before = snapshot()
    delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.post(change, {"object_repr": "forged"}).status_code == 403
    assert snapshot() == before


def test_the_activity_list_is_read_only_in_the_admin_its_screen_keeps_the_guards(rf):
    from django.contrib import admin as django_admin

    from interventions.models import Activity
    from peersupport.models import User

    superuser = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    request = rf.get("/admin/")
    request.user = superuser
    model_admin = django_admin.site._registry[Activity]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
