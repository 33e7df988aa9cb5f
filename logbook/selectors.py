"""Reads of the logbook that take a viewer; exports will reuse these."""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery

from . import access
from .models import Entry, Stage


def _stage_of(field):
    return Subquery(
        Stage.objects.filter(starts_on__lte=OuterRef("occurred_on"))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("occurred_on")))
        .order_by("starts_on")
        .values(field)[:1]
    )


def with_stage(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Each entry's stage, from its date (one query, no stored copy)."""
    return entries.annotate(stage_id=_stage_of("pk"), stage_name=_stage_of("name"))


@dataclass(frozen=True)
class EntryFilters:
    stage: Stage | None = None
    kind: str = ""
    source: str = ""
    theme_id: int | None = None
    author_id: int | None = None
    since: date | None = None
    until: date | None = None
    q: str = ""
    deleted: bool = False


def entry_list(*, viewer, filters: EntryFilters = EntryFilters()) -> QuerySet[Entry]:
    entries = access.entries_visible_to(viewer, deleted=filters.deleted)
    if filters.stage is not None:
        entries = entries.filter(occurred_on__gte=filters.stage.starts_on)
        if filters.stage.ends_on:
            entries = entries.filter(occurred_on__lte=filters.stage.ends_on)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.source:
        entries = entries.filter(source=filters.source)
    if filters.theme_id:
        entries = entries.filter(themes__pk=filters.theme_id)
    if filters.author_id:
        entries = entries.filter(author_id=filters.author_id)
    if filters.since:
        entries = entries.filter(occurred_on__gte=filters.since)
    if filters.until:
        entries = entries.filter(occurred_on__lte=filters.until)
    if filters.q:
        entries = entries.filter(Q(title__icontains=filters.q) | Q(narrative__icontains=filters.q))
    return (
        with_stage(entries)
        .select_related("author")
        .prefetch_related("themes")
        .distinct()
        .order_by("-occurred_on", "-pk")
    )
