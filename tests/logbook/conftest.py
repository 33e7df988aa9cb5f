from datetime import date

import pytest

from logbook.models import Entry, Stage


@pytest.fixture
def stages(db):
    return [
        Stage.objects.create(
            name="Preparation", starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 30)
        ),
        Stage.objects.create(name="Deployment", starts_on=date(2025, 7, 1), ends_on=None),
    ]


@pytest.fixture
def make_entry():
    def make(author, occurred_on=date(2025, 3, 1), **fields):
        defaults = {
            "kind": "observation",
            "source": "logbook",
            "title": "Team meeting",
            "narrative": "The clinic agreed to give the peer a desk.",
        }
        return Entry.objects.create(
            author=author, occurred_on=occurred_on, **{**defaults, **fields}
        )

    return make
