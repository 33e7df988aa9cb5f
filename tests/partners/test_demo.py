"""The demo's partner statuses, as the demo accounts find them: one reduced
with its capacity, one closed, one not checked for weeks, and histories."""

import pytest

from partners.forms import partner_choice_label
from partners.models import Partner

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded_demo")
class TestTheDemoPartnerStatuses:
    def test_one_is_reduced_with_its_capacity(self):
        reduced = Partner.objects.get(service_status="reduced")
        assert reduced.capacity_note
        assert not reduced.status_is_stale()
        assert "— reduced: " in partner_choice_label(reduced)

    def test_one_is_closed(self):
        assert Partner.objects.filter(service_status="closed").count() == 1

    def test_one_was_not_checked_for_weeks_and_one_never(self):
        stale = [p for p in Partner.objects.exclude(status_updated_at=None) if p.status_is_stale()]
        assert len(stale) == 1
        assert "not checked for 21 days" in partner_choice_label(stale[0])
        assert Partner.objects.filter(service_status="unknown", status_updated_at=None).exists()

    def test_each_partner_shows_its_newest_row_with_who_and_when(self):
        for partner in Partner.objects.exclude(status_updated_at=None):
            newest = partner.statuses.first()
            assert (newest.status, newest.capacity_note) == (
                partner.service_status,
                partner.capacity_note,
            )
            assert newest.updated_at == partner.status_updated_at
            assert newest.updated_by_id == partner.status_updated_by_id
        assert Partner.objects.get(name="Refuge du Plateau").statuses.count() == 2

    def test_seeding_again_adds_nothing(self):
        from demo.partners import seed_partner_statuses

        assert seed_partner_statuses() == 0
