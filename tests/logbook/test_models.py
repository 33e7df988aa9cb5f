"""A stage holds the dates from its start to its end (or on, while ongoing),
and the SQL forms of that rule agree with the Python one."""

from datetime import date

import pytest

from logbook.models import Entry, Stage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAYS = [
    date(2024, 12, 31),
    date(2025, 1, 1),
    date(2025, 6, 30),
    date(2025, 7, 1),
    date(2030, 1, 1),
]


def test_the_sql_forms_of_a_stage_agree_with_holds(stages, make_entry):
    author = UserFactory(roles=["researcher"])
    entries = {day: make_entry(author, occurred_on=day) for day in DAYS}
    for stage in stages:
        in_sql = set(Entry.objects.filter(stage.holds_rows("occurred_on")))
        assert in_sql == {entry for day, entry in entries.items() if stage.holds(day)}, stage
    for day in DAYS:
        holding = set(Stage.objects.filter(Stage.holding(day)))
        assert holding == {stage for stage in stages if stage.holds(day)}, day


def test_an_ongoing_stage_holds_every_later_day(stages):
    preparation, deployment = stages
    assert deployment.holds(date(2030, 1, 1)) and not preparation.holds(date(2030, 1, 1))
    assert not deployment.holds(date(2025, 6, 30)) and preparation.holds(date(2025, 6, 30))
