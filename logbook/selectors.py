"""Reads of the logbook that take a viewer; exports will reuse these."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from . import access
from .models import Entry, Stage, Theme

# The stage filter's value for entries dated outside every stage.
OUTSIDE_STAGES = "outside"


def _stages_holding_the_entry():
    return Stage.objects.filter(starts_on__lte=OuterRef("occurred_on")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("occurred_on"))
    )


def _stage_of(field):
    return Subquery(_stages_holding_the_entry().order_by("starts_on").values(field)[:1])


def with_stage(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Each entry's stage, from its date (one query, no stored copy)."""
    return entries.annotate(stage_id=_stage_of("pk"), stage_name=_stage_of("name"))


def theme_tree() -> dict[int, int | None]:
    """Every theme's parent, in one query: the codebook is small."""
    return dict(Theme.objects.values_list("pk", "parent_id"))


def with_descendants(theme_id: int, parents: dict[int, int | None]) -> set[int]:
    """A theme and every theme below it, however deep."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in parents.items():
        children.setdefault(parent_id, []).append(pk)
    found, todo = set(), [theme_id]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return found


def ancestors(theme_id: int, parents: dict[int, int | None]) -> list[int]:
    """The themes above one theme, nearest first (a cycle cannot loop forever)."""
    found: list[int] = []
    parent_id = parents.get(theme_id)
    while parent_id is not None and parent_id not in found and parent_id != theme_id:
        found.append(parent_id)
        parent_id = parents.get(parent_id)
    return found


@dataclass(frozen=True)
class EntryFilters:
    stage: Stage | str | None = None  # a stage, OUTSIDE_STAGES, or any
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
    if filters.stage == OUTSIDE_STAGES:
        entries = entries.filter(~Exists(_stages_holding_the_entry()))
    elif filters.stage is not None:
        entries = entries.filter(occurred_on__gte=filters.stage.starts_on)
        if filters.stage.ends_on:
            entries = entries.filter(occurred_on__lte=filters.stage.ends_on)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.source:
        entries = entries.filter(source=filters.source)
    if filters.theme_id:
        # "Barriers" finds what is coded with any barrier below it, too.
        theme_ids = with_descendants(filters.theme_id, theme_tree())
        entries = entries.filter(
            pk__in=Entry.themes.through.objects.filter(theme_id__in=theme_ids).values("entry_id")
        )
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


@dataclass
class MatrixRow:
    theme: object
    cells: list  # one count per stage, in stage order, then "outside any stage"
    first_seen: date | None
    total: int
    is_group: bool = False  # a theme with others below it: it counts theirs too


def theme_matrix(*, viewer, kind: str = "", source: str = "") -> tuple[list, list[MatrixRow]]:
    """Themes x stages: entries per cell, when each theme first appeared
    (primacy) and how often (frequency). A theme with others below it counts
    the entries coded with any of them, once each, as the list's theme filter
    finds them. Three queries whatever the size."""
    stages = list(access.stages_for(viewer))
    entries = access.entries_visible_to(viewer)
    if kind:
        entries = entries.filter(kind=kind)
    if source:
        entries = entries.filter(source=source)
    links = Entry.themes.through.objects.filter(entry__in=entries.values("pk")).values_list(
        "theme_id", "entry_id", "entry__occurred_on"
    )
    themes = {t.pk: t for t in access.codebook_for(viewer).select_related("parent")}
    parents = {pk: theme.parent_id for pk, theme in themes.items()}
    groups = {parent_id for parent_id in parents.values() if parent_id is not None}
    counted: dict[int, set[int]] = {pk: set() for pk in themes}
    counts: dict[int, list[int]] = {pk: [0] * (len(stages) + 1) for pk in themes}
    first_seen: dict[int, date] = {}
    for theme_id, entry_id, occurred_on in links:
        if theme_id not in counts:
            continue
        column = next(
            (
                i
                for i, s in enumerate(stages)
                if s.starts_on <= occurred_on and (s.ends_on is None or occurred_on <= s.ends_on)
            ),
            len(stages),
        )
        for counted_id in [theme_id, *ancestors(theme_id, parents)]:
            if counted_id not in counts or entry_id in counted[counted_id]:
                continue
            counted[counted_id].add(entry_id)
            counts[counted_id][column] += 1
            if counted_id not in first_seen or occurred_on < first_seen[counted_id]:
                first_seen[counted_id] = occurred_on
    rows = [
        MatrixRow(
            theme=themes[pk],
            cells=cells,
            first_seen=first_seen.get(pk),
            total=sum(cells),
            is_group=pk in groups,
        )
        for pk, cells in counts.items()
    ]
    # Themes in order of primacy, then the groups that sum them up, in the same order.
    rows.sort(
        key=lambda row: (
            row.is_group,
            row.first_seen is None,
            row.first_seen or date.max,
            row.theme.name,
        )
    )
    return stages, rows


def timeline(*, viewer) -> list[tuple[object, list[Entry]]]:
    """Entries grouped by stage, oldest stage first (two queries)."""
    stages = list(access.stages_for(viewer))
    entries = list(
        access.entries_visible_to(viewer).select_related("author").order_by("occurred_on", "pk")
    )
    groups = [(stage, []) for stage in stages]
    outside = []
    for entry in entries:
        for stage, members in groups:
            if stage.starts_on <= entry.occurred_on and (
                stage.ends_on is None or entry.occurred_on <= stage.ends_on
            ):
                members.append(entry)
                break
        else:
            outside.append(entry)
    if outside:
        groups.append((None, outside))
    return groups
