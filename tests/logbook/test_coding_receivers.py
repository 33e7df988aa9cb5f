"""Coding an entry, from either side of the relation, moves its last change,
which tells the theme matrix to count again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from logbook.models import Entry, Theme


@pytest.fixture
def old_entries(make_entry, researcher):
    entries = [make_entry(researcher), make_entry(researcher)]
    long_ago = timezone.now() - timedelta(days=30)
    Entry.objects.update(updated_at=long_ago)
    return entries, long_ago


def _changed(entries, since):
    return [Entry.objects.get(pk=entry.pk).updated_at > since for entry in entries]


def test_themes_set_on_an_entry_move_its_last_change(old_entries):
    (first, second), long_ago = old_entries
    first.themes.set(Theme.objects.all()[:2])
    assert _changed([first, second], long_ago) == [True, False]


def test_removing_and_clearing_an_entrys_themes_move_its_last_change(old_entries):
    (first, second), long_ago = old_entries
    theme = Theme.objects.first()
    first.themes.add(theme)
    second.themes.add(theme)
    Entry.objects.update(updated_at=long_ago)
    first.themes.remove(theme)
    second.themes.clear()
    assert _changed([first, second], long_ago) == [True, True]


def test_entries_added_to_or_cleared_from_a_theme_move_their_last_change(old_entries):
    (first, second), long_ago = old_entries
    theme = Theme.objects.first()
    theme.entries.add(first)
    assert _changed([first, second], long_ago) == [True, False]
    Entry.objects.update(updated_at=long_ago)
    theme.entries.clear()
    assert _changed([first, second], long_ago) == [True, False]
