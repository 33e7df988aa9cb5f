"""Kept counts (peersupport/kept_counts.py): counted once and kept; counted
again at once when asked; past half their time, the reader still gets the
kept count while it is counted again behind them, once, in the reader's
language; never shown once their time is over; the object counted, not a
copy of it."""

import threading
import time

import pytest
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


class Later:
    """kept_counts' clock, ``seconds`` ahead of the real one."""

    def __init__(self, seconds):
        self.seconds = seconds

    def time(self):
        return time.time() + self.seconds


@pytest.fixture
def viewer(db):
    return UserFactory()


def read(viewer, counter, **options):
    value = kept_counts.kept("figures", viewer, counter, **options)
    kept_counts.wait_for_recounts()
    return value


def aged(viewer, seconds, monkeypatch, value=7):
    """A count of ``value`` kept ``seconds`` ago."""
    read(viewer, lambda: value)
    monkeypatch.setattr(kept_counts, "time", Later(seconds))


def test_a_count_is_counted_once_and_kept(viewer):
    counter = Counter()
    assert read(viewer, counter) == 1
    assert read(viewer, counter) == 1
    assert counter.times == 1


def test_what_is_kept_is_the_object_counted_not_a_copy(viewer):
    figures = {"people": [1, 2, 3]}
    read(viewer, lambda: figures)
    assert read(viewer, Counter()) is figures


def test_fresh_counts_again_at_once_and_keeps_the_new_count(viewer):
    counter = Counter()
    read(viewer, counter)
    assert read(viewer, counter, fresh=True) == 2
    assert read(viewer, counter) == 2


def test_a_young_count_is_read_without_counting(viewer, settings, monkeypatch):
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 100, monkeypatch)
    counter = Counter()
    assert read(viewer, counter) == 7
    assert counter.times == 0


def test_past_half_its_time_the_reader_gets_the_kept_count_and_it_is_counted_behind(
    viewer, settings, monkeypatch
):
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 200, monkeypatch)
    counter = Counter()
    with translation.override("fr"):
        assert read(viewer, counter) == 7
    assert counter.times == 1
    assert counter.languages == ["fr"]
    # The next reader gets the new count, young again: nothing more to count.
    assert read(viewer, counter) == 1
    assert counter.times == 1


def test_past_its_time_a_count_is_counted_again_before_it_is_shown(viewer, settings, monkeypatch):
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 301, monkeypatch)
    assert read(viewer, Counter()) == 1


def test_one_recount_at_a_time_for_a_key(viewer, settings, monkeypatch):
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 200, monkeypatch)
    release = threading.Event()
    counted = []

    def slow():
        release.wait(10)
        counted.append(1)
        return 8

    # The first reader starts a recount that has not ended when the next reads.
    assert kept_counts.kept("figures", viewer, slow) == 7
    assert kept_counts.kept("figures", viewer, slow) == 7
    release.set()
    kept_counts.wait_for_recounts()
    assert counted == [1]
    assert read(viewer, Counter()) == 8


def test_a_recount_that_fails_leaves_the_kept_count_and_lets_the_next_reader_try(
    viewer, settings, monkeypatch, caplog
):
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 200, monkeypatch)

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


def test_a_process_keeps_a_bounded_number_of_counts(viewer, monkeypatch):
    monkeypatch.setattr(kept_counts, "KEPT_AT_MOST", 3)
    for number in range(5):
        kept_counts.kept("figures", viewer, lambda n=number: n, parts=[number])
    counter = Counter()
    # The two read least recently went first; the three others are kept.
    assert kept_counts.kept("figures", viewer, counter, parts=[0]) == 1
    assert kept_counts.kept("figures", viewer, counter, parts=[4]) == 4
    assert counter.times == 1


def test_each_viewer_has_counts_of_their_own(viewer):
    other = UserFactory()
    read(viewer, Counter())
    counter = Counter()
    assert read(other, counter) == 1
    assert counter.times == 1


# A recount reads the database from a thread of its own: these tests commit.


def database_count():
    """A count that asks the database, as the overview's do."""
    from peersupport.models import User

    return User.objects.count()


def start_recount(viewer, settings, monkeypatch, count):
    """A kept count past half its time, read: its recount starts behind the reader."""
    settings.KEPT_COUNTS_SECONDS = 300
    aged(viewer, 200, monkeypatch)
    assert kept_counts.kept("figures", viewer, count) == 7
    (thread,) = kept_counts.recounts.values()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_recount_asks_the_database_only_once_no_request_is_being_answered(settings, monkeypatch):
    viewer = UserFactory()
    monkeypatch.setattr(kept_counts, "QUIET_WAIT_AT_MOST", 30)
    counted = []

    def count():
        counted.append(database_count())
        return counted[-1]

    kept_counts.request_started()
    thread = start_recount(viewer, settings, monkeypatch, count)
    thread.join(0.3)
    assert counted == []  # its query waits for the request
    kept_counts.request_finished()
    kept_counts.wait_for_recounts()
    assert counted == [1]  # the one account, counted once the request ended
    assert read(viewer, Counter()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_server_never_quiet_still_counts_again(settings, monkeypatch):
    viewer = UserFactory()
    monkeypatch.setattr(kept_counts, "QUIET_WAIT_AT_MOST", 0.05)
    kept_counts.request_started()
    try:
        start_recount(viewer, settings, monkeypatch, database_count)
        kept_counts.wait_for_recounts()
        assert read(viewer, Counter()) == 1
    finally:
        kept_counts.request_finished()


def test_the_requests_answered_are_counted_from_start_to_finish_and_never_below_none():
    kept_counts.request_started()
    kept_counts.request_started()
    kept_counts.request_finished()
    assert kept_counts.answering == 1
    kept_counts.request_finished()
    kept_counts.request_finished()  # a response that ended without having started
    assert kept_counts.answering == 0


def test_a_page_is_being_answered_until_its_response_ends(client, db):
    answering = []

    def page_started(**kwargs):
        answering.append(kept_counts.answering)

    from django.core.signals import request_started

    request_started.connect(page_started)
    try:
        client.get("/accounts/login/")
    finally:
        request_started.disconnect(page_started)
    assert answering == [1]
    assert kept_counts.answering == 0


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_recount_leaves_the_other_cores_to_the_pages(settings, monkeypatch):
    """No parallel workers for a count behind the readers: they would take the
    cores the requests are answered on."""
    from django.db import connection

    def workers():
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    viewer = UserFactory()
    start_recount(viewer, settings, monkeypatch, workers)
    kept_counts.wait_for_recounts()
    assert read(viewer, Counter()) == "0"
    assert workers() != "0"  # the requests' own connection is left as it was
