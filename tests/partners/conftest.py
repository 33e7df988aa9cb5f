"""Partners of the directory, one open and one that closed."""

import pytest

from partners.models import Partner


@pytest.fixture
def shelter(db):
    return Partner.objects.create(name="Refuge du Plateau", kind="shelter", phone="514 555-0101")


@pytest.fixture
def closed_dropin(db):
    return Partner.objects.create(name="Ancienne halte", kind="drop_in", is_active=False)


@pytest.fixture
def say_status():
    """Say a partner's status through the service, ``days_ago`` days back."""
    from datetime import timedelta

    from django.utils import timezone

    from partners.models import PartnerStatus
    from partners.services import partner_status_update

    def say(partner, status, capacity_note="", *, by, days_ago=0):
        row = partner_status_update(
            acting_user=by, partner=partner, status=status, capacity_note=capacity_note
        )
        if days_ago:
            when = timezone.now() - timedelta(days=days_ago)
            PartnerStatus.objects.filter(pk=row.pk).update(updated_at=when)
            Partner.objects.filter(pk=partner.pk).update(status_updated_at=when)
            row.updated_at = partner.status_updated_at = when
        return row

    return say
