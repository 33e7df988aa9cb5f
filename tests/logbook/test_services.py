from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from logbook import selectors, services
from logbook.models import Entry, Stage, Theme

pytestmark = pytest.mark.django_db

DATA = {
    "occurred_on": date(2025, 3, 1),
    "kind": "barrier",
    "source": "debriefing",
    "title": "No desk yet",
    "narrative": "The peer still has no desk at the clinic.",
}


def test_an_entry_falls_into_the_stage_of_its_date_and_follows_moved_stages(
    researcher, stages, make_entry
):
    march, august = (
        make_entry(researcher, date(2025, 3, 1)),
        make_entry(researcher, date(2025, 8, 1)),
    )
    stage_of = lambda: {e.pk: e.stage_name for e in selectors.with_stage(Entry.objects.all())}  # noqa: E731
    assert stage_of() == {march.pk: "Preparation", august.pk: "Deployment"}
    preparation, deployment = stages
    deployment.starts_on = date(2025, 9, 1)
    services.stage_save(acting_user=researcher, stage=deployment)
    preparation.ends_on = date(2025, 8, 31)
    services.stage_save(acting_user=researcher, stage=preparation)
    assert stage_of() == {march.pk: "Preparation", august.pk: "Preparation"}


def test_stages_cannot_overlap(researcher, stages):
    with pytest.raises(ValidationError, match="overlap"):
        services.stage_save(
            acting_user=researcher,
            stage=Stage(name="Funding loss", starts_on=date(2025, 5, 1), ends_on=date(2025, 9, 1)),
        )


def test_a_peer_contributes_but_does_not_code(peer):
    theme = Theme.objects.first()
    entry = services.entry_save(acting_user=peer, data=DATA)
    assert entry.author == peer
    with pytest.raises(ValidationError) as error:
        services.entry_save(acting_user=peer, entry=entry, data=DATA, themes=[theme])
    assert "themes" in error.value.error_dict


def test_edits_keep_who_when_and_old_and_new_values(researcher, peer):
    theme = Theme.objects.first()
    entry = services.entry_save(acting_user=peer, data=DATA)
    services.entry_save(
        acting_user=researcher, entry=entry, data={**DATA, "title": "Still no desk"}, themes=[theme]
    )
    changes = [
        e for e in LogEntry.objects.get_for_object(entry) if e.action == LogEntry.Action.UPDATE
    ]
    assert any(
        e.changes.get("title") == ["No desk yet", "Still no desk"] and e.actor == researcher
        for e in changes
    )
    assert any("themes" in e.changes for e in changes)


def test_deletion_is_a_soft_delete_a_researcher_can_undo(researcher, peer):
    entry = services.entry_save(acting_user=peer, data=DATA)
    services.entry_delete(acting_user=peer, entry=entry)
    assert Entry.objects.filter(pk=entry.pk).exists()
    with pytest.raises(ValidationError):
        services.entry_restore(acting_user=peer, entry=entry)
    services.entry_restore(acting_user=researcher, entry=entry)
    entry.refresh_from_db()
    assert not entry.is_deleted


def test_an_adaptation_says_what_changed(researcher):
    with pytest.raises(ValidationError) as error:
        services.entry_save(acting_user=researcher, data={**DATA, "kind": "adaptation"})
    assert "what_changed" in error.value.error_dict


def test_merging_themes_moves_their_entries_and_children(researcher, make_entry):
    keep, away = Theme.objects.filter(parent__isnull=False)[:2]
    child = Theme.objects.create(name="Sub", polarity=away.polarity, parent=away)
    both, only_away = make_entry(researcher), make_entry(researcher)
    both.themes.set([keep, away])
    only_away.themes.set([away])
    services.theme_merge(acting_user=researcher, keep=keep, merge_away=away)
    assert set(both.themes.all()) == {keep} and set(only_away.themes.all()) == {keep}
    child.refresh_from_db()
    away.refresh_from_db()
    assert child.parent == keep and away.merged_into == keep


def test_only_the_research_team_keeps_the_codebook(peer, coordinator):
    for user in (peer, coordinator):
        with pytest.raises(ValidationError):
            services.theme_save(acting_user=user, theme=Theme(name="x", polarity="neutral"))


def test_the_starting_codebook_is_seeded_with_a_hierarchy():
    roots = Theme.objects.filter(parent__isnull=True)
    assert {t.name for t in roots} == {"Facilitators", "Barriers"}
    assert Theme.objects.filter(parent__isnull=False).count() == 16
    assert all(t.name_fr for t in Theme.objects.all())
