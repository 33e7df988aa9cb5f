"""The logbook's reads: each starts from the policy, so a viewer never reads
more through a selector than the policy lets them see."""

from datetime import date

import pytest
from django.utils import timezone

from logbook import selectors
from logbook.models import Stage, Theme
from logbook.selectors import OUTSIDE_STAGES, EntryFilters

pytestmark = pytest.mark.django_db


def _titles(entries):
    return [entry.title for entry in entries]


def test_a_stage_holds_the_days_between_its_dates_and_an_ongoing_one_has_no_end(stages):
    preparation, deployment = stages
    assert preparation.holds(date(2025, 1, 1)) and preparation.holds(date(2025, 6, 30))
    assert not preparation.holds(date(2024, 12, 31)) and not preparation.holds(date(2025, 7, 1))
    assert deployment.holds(date(2099, 1, 1)) and not deployment.holds(date(2025, 6, 30))


def test_each_entry_carries_the_stage_its_date_falls_in(researcher, stages, make_entry):
    inside = make_entry(researcher, date(2025, 6, 30))
    before = make_entry(researcher, date(2024, 1, 1))
    assert selectors.entry_with_stage(inside).stage_name == "Preparation"
    assert selectors.entry_with_stage(before).stage_name is None


def test_the_list_holds_only_what_the_policy_shows(peer, other_peer, coordinator, make_entry):
    make_entry(peer, title="Mine")
    make_entry(other_peer, title="Theirs")
    make_entry(peer, title="Binned", deleted_at=timezone.now())
    assert _titles(selectors.entry_list(viewer=peer)) == ["Mine"]
    assert sorted(_titles(selectors.entry_list(viewer=coordinator))) == ["Mine", "Theirs"]
    # The bin is the research team's: asking for it shows others nothing.
    for viewer in (peer, coordinator):
        assert not selectors.entry_list(viewer=viewer, filters=EntryFilters(deleted=True))


def test_the_bin_lists_deleted_entries_for_the_research_team(researcher, peer, make_entry):
    make_entry(peer, title="Kept")
    make_entry(peer, title="Binned", deleted_at=timezone.now())
    assert _titles(selectors.entry_list(viewer=researcher)) == ["Kept"]
    binned = selectors.entry_list(viewer=researcher, filters=EntryFilters(deleted=True))
    assert _titles(binned) == ["Binned"]


def test_the_stage_filter_follows_stage_dates_and_outside_finds_the_rest(
    researcher, stages, make_entry
):
    make_entry(researcher, date(2025, 3, 1), title="Prepared")
    make_entry(researcher, date(2026, 3, 1), title="Deployed")
    make_entry(researcher, date(2024, 3, 1), title="Earlier")
    by_stage = {
        str(stage): _titles(selectors.entry_list(viewer=researcher, filters=EntryFilters(stage)))
        for stage in [*stages, OUTSIDE_STAGES]
    }
    assert by_stage == {
        "Preparation": ["Prepared"],
        "Deployment": ["Deployed"],
        OUTSIDE_STAGES: ["Earlier"],
    }


def test_the_author_filter_offers_only_authors_of_visible_entries(
    peer, other_peer, coordinator, make_entry
):
    make_entry(peer)
    make_entry(other_peer)
    assert list(selectors.entry_authors(viewer=peer)) == [peer]
    assert set(selectors.entry_authors(viewer=coordinator)) == {peer, other_peer}


def test_descendants_and_ancestors_walk_the_codebook_tree():
    barriers = Theme.objects.get(name="Barriers")
    funding = Theme.objects.get(name="Uncertain funding")
    deeper = Theme.objects.create(name="Grant ends", polarity="barrier", parent=funding)
    parents = selectors.theme_tree()
    below = selectors.with_descendants(barriers.pk, parents)
    assert {barriers.pk, funding.pk, deeper.pk} <= below
    assert Theme.objects.get(name="Facilitators").pk not in below
    assert selectors.ancestors(deeper.pk, parents) == [funding.pk, barriers.pk]


def test_ancestors_stop_on_a_cycle():
    assert selectors.ancestors(1, {1: 2, 2: 1}) == [2]


def test_the_matrix_counts_only_visible_entries_by_stage(peer, other_peer, stages, make_entry):
    funding = Theme.objects.get(name="Uncertain funding")
    make_entry(peer, date(2025, 3, 1)).themes.set([funding])
    make_entry(peer, date(2024, 3, 1)).themes.set([funding])
    make_entry(other_peer, date(2025, 3, 1)).themes.set([funding])
    shown_stages, rows = selectors.theme_matrix(viewer=peer)
    assert shown_stages == stages
    row = next(row for row in rows if row.theme == funding)
    assert row.cells == [1, 0, 1] and row.total == 2 and row.first_seen == date(2024, 3, 1)


def test_the_timeline_puts_each_entry_in_its_stage_and_the_rest_last(
    researcher, stages, make_entry
):
    make_entry(researcher, date(2025, 7, 1), title="First day of deployment")
    make_entry(researcher, date(2025, 6, 30), title="Last day of preparation")
    make_entry(researcher, date(2020, 1, 1), title="Long before")
    groups = [
        (stage.name if stage else None, _titles(entries))
        for stage, entries in selectors.timeline(viewer=researcher)
    ]
    assert groups == [
        ("Preparation", ["Last day of preparation"]),
        ("Deployment", ["First day of deployment"]),
        (None, ["Long before"]),
    ]


def test_those_outside_the_logbook_read_nothing(outsider, researcher, stages, make_entry):
    make_entry(researcher)
    assert not selectors.entry_list(viewer=outsider)
    assert selectors.timeline(viewer=outsider) == []
    assert selectors.theme_matrix(viewer=outsider) == ([], [])
    assert not selectors.entry_authors(viewer=outsider)
    assert Stage.objects.exists()
