"""Partners of the directory, one open and one that closed."""

import pytest

from partners.models import Partner


@pytest.fixture
def shelter(db):
    return Partner.objects.create(name="Refuge du Plateau", kind="shelter", phone="514 555-0101")


@pytest.fixture
def closed_dropin(db):
    return Partner.objects.create(name="Ancienne halte", kind="drop_in", is_active=False)
