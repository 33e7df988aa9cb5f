"""Kept counts (peersupport/kept_counts.py): counted once and kept; counted
again at once when asked; past half their time, the reader still gets the
kept count while it is counted again behind them, once, in the reader's
language; never shown once their time is over."""

import time

import pytest
from django.core.cache import cache
from django.utils import translation

from peersupport import kept_counts
from tests.factories import UserFactory


class Counter:
    """A count that says how often it was counted, and in which language."""

    def __init__(self):
        self.times = 0
        self.languages = []

    def __call__(self):
        self.times += 1
        self.languages.append(translation.get_language())
        return self.times


@pytest.fixture
def viewer(db):
    return UserFactory()


def aged(viewer, seconds, value=1):
    """A count of ``value`` kept ``seconds`` ago."""
    key = kept_counts.key_for("figures", viewer)
    cache.set(key, (value, time.time() - seconds), 300)


def read(viewer, counter, **options):
    value = kept_counts.kept("figures", viewer, counter, **options)
    kept_counts.wait_for_recounts()
    return value


def test_a_count_is_counted_once_and_kept(viewer):
    counter = Counter()
    assert read(viewer, counter) == 1
    assert read(viewer, counter) == 1
    assert counter.times == 1


def test_fresh_counts_again_at_once_and_keeps_the_new_count(viewer):
    counter = Counter()
    read(viewer, counter)
    assert read(viewer, counter, fresh=True) == 2
    assert read(viewer, counter) == 2


def test_a_young_count_is_read_without_counting(viewer, settings):
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 100, value=7)
    counter = Counter()
    assert read(viewer, counter) == 7
    assert counter.times == 0


def test_past_half_its_time_the_reader_gets_the_kept_count_and_it_is_counted_behind(
    viewer, settings
):
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 200, value=7)
    counter = Counter()
    with translation.override("fr"):
        assert read(viewer, counter) == 7
    assert counter.times == 1
    assert counter.languages == ["fr"]
    # The next reader gets the new count, young again: nothing more to count.
    assert read(viewer, counter) == 1
    assert counter.times == 1


def test_one_recount_at_a_time_for_a_key(viewer, settings):
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 200, value=7)
    key = kept_counts.key_for("figures", viewer)
    cache.set(f"{key}:recounting", True, 60)  # another reader's recount is under way
    counter = Counter()
    assert read(viewer, counter) == 7
    assert counter.times == 0


def test_a_recount_that_fails_leaves_the_kept_count_and_lets_the_next_reader_try(
    viewer, settings, caplog
):
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 200, value=7)

    def failing():
        raise RuntimeError("the database went away")

    assert read(viewer, failing) == 7
    assert "could not be counted again: figures" in caplog.text
    counter = Counter()
    assert read(viewer, counter) == 7
    assert counter.times == 1


def test_a_count_is_never_kept_past_its_time(viewer, settings):
    settings.KEPT_COUNTS_SECONDS = 0
    counter = Counter()
    assert read(viewer, counter) == 1
    assert read(viewer, counter) == 2


def test_each_viewer_has_counts_of_their_own(viewer):
    other = UserFactory()
    read(viewer, Counter())
    counter = Counter()
    assert read(other, counter) == 1
    assert counter.times == 1
