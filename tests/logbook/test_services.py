from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from logbook import selectors, services
from logbook.models import Entry, Stage, Theme
from tests.db_snapshot import snapshot

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
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.entry_save(acting_user=peer, entry=entry, data=DATA, themes=[theme])
    with pytest.raises(PermissionDenied):
        services.entry_save(acting_user=peer, data=DATA, themes=[theme])
    assert snapshot() == before


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
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.entry_restore(acting_user=peer, entry=entry)
    assert snapshot() == before
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
    before = snapshot()
    for user in (peer, coordinator):
        with pytest.raises(PermissionDenied):
            services.theme_save(acting_user=user, theme=Theme(name="x", polarity="neutral"))
    assert snapshot() == before


def test_the_starting_codebook_is_seeded_with_a_hierarchy():
    roots = Theme.objects.filter(parent__isnull=True)
    assert {t.name for t in roots} == {"Facilitators", "Barriers"}
    assert Theme.objects.filter(parent__isnull=False).count() == 16
    assert all(t.name_fr for t in Theme.objects.all())


# Every service asks the policy itself: a caller that forgets cannot open a hole.


@pytest.mark.parametrize("persona", ["coordinator", "outsider"])
def test_those_who_only_read_or_hold_no_role_cannot_write_an_entry(request, persona):
    user = request.getfixturevalue(persona)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.entry_save(acting_user=user, data=DATA)
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["other_peer", "clinician", "coordinator", "outsider"])
def test_only_the_author_and_the_research_team_change_or_delete_an_entry(
    request, peer, make_entry, persona
):
    user = request.getfixturevalue(persona)
    entry = make_entry(peer)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.entry_save(acting_user=user, entry=entry, data={**DATA, "title": "Changed"})
    with pytest.raises(PermissionDenied):
        services.entry_delete(acting_user=user, entry=entry)
    assert snapshot() == before


def test_an_entry_in_the_bin_is_neither_changed_nor_deleted_again(researcher, make_entry):
    entry = make_entry(researcher, deleted_at=timezone.now())
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.entry_save(acting_user=researcher, entry=entry, data=DATA)
    with pytest.raises(PermissionDenied):
        services.entry_delete(acting_user=researcher, entry=entry)
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["peer", "coordinator", "outsider"])
def test_only_the_research_team_restores_merges_and_moves_stages(
    request, researcher, make_entry, stages, persona
):
    user = request.getfixturevalue(persona)
    entry = make_entry(user if persona == "peer" else researcher, deleted_at=timezone.now())
    keep, away = Theme.objects.filter(parent__isnull=False)[:2]
    preparation = stages[0]
    preparation.name = "Renamed"
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.entry_restore(acting_user=user, entry=entry)
    with pytest.raises(PermissionDenied):
        services.theme_merge(acting_user=user, keep=keep, merge_away=away)
    with pytest.raises(PermissionDenied):
        services.stage_save(acting_user=user, stage=preparation)
    with pytest.raises(PermissionDenied):
        services.stage_save(acting_user=user, stage=Stage(name="Later", starts_on=date(2030, 1, 1)))
    assert snapshot() == before


def test_a_deactivated_researcher_changes_nothing(researcher, make_entry):
    entry = make_entry(researcher)
    researcher.is_active = False
    researcher.save()
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.entry_save(acting_user=researcher, entry=entry, data=DATA)
    with pytest.raises(PermissionDenied):
        services.theme_save(acting_user=researcher, theme=Theme(name="x", polarity="neutral"))
    assert snapshot() == before
