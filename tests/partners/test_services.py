"""Saving a partner: the service checks the policy itself."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from partners.models import Partner
from partners.services import partner_save
from tests.db_snapshot import snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher", "outsider"])
def test_only_a_coordinator_creates_a_partner_even_through_the_service(request, persona):
    user = request.getfixturevalue(persona)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        partner_save(acting_user=user, partner=Partner(name="Banque alimentaire", kind="food"))
    assert snapshot() == before
    assert not Partner.objects.exists()


def test_a_peer_cannot_change_a_partner_through_the_service(peer, shelter):
    before = snapshot()
    shelter.name = "Changed"
    with pytest.raises(PermissionDenied):
        partner_save(acting_user=peer, partner=shelter)
    assert snapshot() == before
    shelter.refresh_from_db()
    assert shelter.name == "Refuge du Plateau"


def test_a_coordinator_saves_and_the_audit_trail_names_them(coordinator, shelter):
    shelter.phone = "514 555-0199"
    partner_save(acting_user=coordinator, partner=shelter)
    shelter.refresh_from_db()
    assert shelter.phone == "514 555-0199"
    entry = LogEntry.objects.get_for_object(shelter).latest("timestamp")
    assert entry.actor == coordinator
    assert "phone" in entry.changes_dict
