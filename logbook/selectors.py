"""Reads of the logbook. Those that take a viewer start from the policies in
``access``; the list's exports read through ``entry_list``, the screen's own
selector, so a file never holds more than the list shows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from peersupport.keyset import Place

from .access import entry_policy, stage_policy, theme_policy
from .models import Entry, Stage, Theme

if TYPE_CHECKING:
    from peersupport.models import User

# The stage filter's value for entries dated outside every stage.
OUTSIDE_STAGES = "outside"
# The list's order, newest first; the list pages by place in it (peersupport.keyset).
LIST_ORDER = ("-occurred_on", "-pk")


def _stages_holding_the_entry() -> QuerySet[Stage]:
    # Stage.holds, in SQL, for the entry of the outer query.
    return Stage.objects.filter(Stage.holding(OuterRef("occurred_on")))


def _stage_of(field: str) -> Subquery:
    return Subquery(_stages_holding_the_entry().order_by("starts_on").values(field)[:1])


def with_stage(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Each entry's stage, from its date (one query, no stored copy)."""
    return entries.annotate(stage_id=_stage_of("pk"), stage_name=_stage_of("name"))


def entry_with_stage(entry: Entry) -> Entry:
    """One entry, read again with its stage (an entry the policy already gave)."""
    return with_stage(Entry.objects.filter(pk=entry.pk)).get()


def entry_authors(*, viewer: Any) -> QuerySet[User]:
    """Who wrote the entries ``viewer`` may see, for the author filter."""
    from peersupport.models import User

    return User.objects.filter(pk__in=entry_policy.visible_to(viewer).values("author")).order_by(
        "first_name", "last_name", "username"
    )


def theme_tree() -> dict[int, int | None]:
    """Every theme's parent, in one query: the codebook is small."""
    return dict(Theme.objects.values_list("pk", "parent_id"))


def with_descendants(theme_id: int, parents: dict[int, int | None]) -> set[int]:
    """A theme and every theme below it, however deep."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in parents.items():
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    todo = [theme_id]
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


def entry_list(*, viewer: Any, filters: EntryFilters = EntryFilters()) -> QuerySet[Entry]:
    """The list's entries (the bin's, with ``filters.deleted``), each with its stage."""
    if filters.deleted:
        entries = entry_policy.deleted_visible_to(viewer)
    else:
        entries = entry_policy.visible_to(viewer)
    if filters.stage == OUTSIDE_STAGES:
        entries = entries.filter(~Exists(_stages_holding_the_entry()))
    elif isinstance(filters.stage, Stage):
        entries = entries.filter(filters.stage.holds_rows("occurred_on"))
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.source:
        entries = entries.filter(source=filters.source)
    if filters.theme_id:
        # "Barriers" finds what is coded with any barrier below it, too. EXISTS
        # rather than a join: an entry coded twice under it is still one row.
        theme_ids = with_descendants(filters.theme_id, theme_tree())
        entries = entries.filter(
            Exists(
                Entry.themes.through.objects.filter(entry_id=OuterRef("pk"), theme_id__in=theme_ids)
            )
        )
    if filters.author_id:
        entries = entries.filter(author_id=filters.author_id)
    if filters.since:
        entries = entries.filter(occurred_on__gte=filters.since)
    if filters.until:
        entries = entries.filter(occurred_on__lte=filters.until)
    if filters.q:
        entries = entries.filter(Q(title__icontains=filters.q) | Q(narrative__icontains=filters.q))
    # No filter joins a many-valued relation, so each entry is one row: no
    # DISTINCT, which would compare whole rows, narratives included. Authors
    # come in a query of their own: a search in narratives is estimated to
    # find almost nothing, and a join then pairs every match with every
    # account (seconds at 20,000 entries).
    return with_stage(entries).prefetch_related("author", "themes").order_by(*LIST_ORDER)


def entry_place(*, viewer: Any, pk: int, deleted: bool = False) -> Place | None:
    """Where the entry numbered ``pk`` sits in the list (or in the bin, with
    ``deleted``), for the links to the pages around it; None if ``viewer``
    may not see it there."""
    policy = entry_policy
    entries = policy.deleted_visible_to(viewer) if deleted else policy.visible_to(viewer)
    occurred_on = entries.filter(pk=pk).values_list("occurred_on", flat=True).first()
    return None if occurred_on is None else Place(0, (occurred_on, pk))


@dataclass
class MatrixRow:
    theme: Theme
    cells: list[int]  # one count per stage, in stage order, then "outside any stage"
    first_seen: date | None
    total: int
    is_group: bool = False  # a theme with others below it: it counts theirs too


def _stage_column(stages: list[Stage], field: str) -> Case:
    """The matrix column of the date at ``field``: the index of the stage that
    holds it (stages never overlap), else ``len(stages)``, "outside any
    stage". Computed in SQL, so the counts can be grouped by it."""
    return Case(
        *(When(stage.holds_rows(field), then=Value(i)) for i, stage in enumerate(stages)),
        default=Value(len(stages)),
        output_field=IntegerField(),
    )


# How long counts of an unchanged logbook are kept: a day, after which they
# are counted again even if nothing changed (the key changes with any change).
MATRIX_KEPT_SECONDS = 24 * 60 * 60


def _matrix_counts(
    viewer: Any,
    entries: QuerySet[Entry],
    stages: list[Stage],
    below: dict[int, set[int]],
    filters: tuple[str, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The matrix's grouped counts: each theme's entries per stage column
    (with the first date), and each group's distinct entries per column.

    At 20,000 entries they take the database some 45 ms, and the logbook
    changes a few times a day, so they are kept in Django's cache under a key
    that holds everything they are counted from: the viewer, the filters, the
    stages' dates, the themes below each group, the visible entries' number
    and latest change (a few milliseconds at 20,000), and the number and newest
    id of the links between entries and themes. Writing, deleting or
    restoring an entry changes its ``updated_at``; coding it (by its form, a
    theme merge, the admin) adds or removes links; so the next matrix is
    counted afresh: the counts are never stale."""
    state = entries.aggregate(n=Count("pk"), last=Max("updated_at"))
    # Coding adds and removes links and never changes one (nor saves the
    # entry): their number and newest id change with every coding.
    links = Entry.themes.through.objects.aggregate(n=Count("pk"), last=Max("pk"))
    key = (
        "logbook-matrix:"
        + hashlib.sha256(
            repr(
                (
                    viewer.pk,
                    filters,
                    state["n"],
                    state["last"],
                    links["n"],
                    links["last"],
                    [(stage.pk, stage.starts_on, stage.ends_on) for stage in stages],
                    sorted((group, sorted(ids)) for group, ids in below.items()),
                )
            ).encode()
        ).hexdigest()
    )
    kept = cache.get(key)
    if kept is not None:
        return kept
    # Each theme's own entries, per stage: an entry carries a theme once, so
    # a count of its codes is a count of entries.
    own = list(
        entries.annotate(theme=F("themes"), column=_stage_column(stages, "occurred_on"))
        .values("theme", "column")
        .annotate(entries=Count("pk"), first=Min("occurred_on"))
        .order_by()
    )
    grouped: list[dict[str, Any]] = []
    if below:
        # A group counts an entry coded twice below it once: distinct entries,
        # one column per group, grouped by stage (one join, no row per entry
        # comes back).
        grouped = list(
            entries.filter(themes__in=set().union(*below.values()))
            .annotate(column=_stage_column(stages, "occurred_on"))
            .values("column")
            .annotate(
                **{
                    f"group_{group}": Count("pk", distinct=True, filter=Q(themes__in=ids))
                    for group, ids in below.items()
                }
            )
            .order_by()
        )
    cache.set(key, (own, grouped), MATRIX_KEPT_SECONDS)
    return own, grouped


def theme_matrix(
    *, viewer: Any, kind: str = "", source: str = ""
) -> tuple[list[Stage], list[MatrixRow]]:
    """Themes x stages: entries per cell, when each theme first appeared
    (primacy) and how often (frequency). A theme with others below it counts
    the entries coded with any of them, once each, as the list's theme filter
    finds them. Grouped in the database on narrow columns: one row per theme
    and stage comes back, never one per coded entry; and counted once for as
    long as the entries stay as they are (``_matrix_counts``): three queries
    then, whatever the size."""
    stages = list(stage_policy.visible_to(viewer))
    entries = entry_policy.visible_to(viewer)
    if kind:
        entries = entries.filter(kind=kind)
    if source:
        entries = entries.filter(source=source)
    themes = {t.pk: t for t in theme_policy.visible_to(viewer).select_related("parent")}
    parents = {pk: theme.parent_id for pk, theme in themes.items()}
    groups = {parent_id for parent_id in parents.values() if parent_id is not None}
    counts: dict[int, list[int]] = {pk: [0] * (len(stages) + 1) for pk in themes}
    first_seen: dict[int, date] = {}
    below = {group: with_descendants(group, parents) for group in groups if group in themes}
    own, grouped = _matrix_counts(viewer, entries, stages, below, (kind, source))
    for row in own:
        if row["theme"] not in counts:
            continue
        if row["theme"] not in groups:
            counts[row["theme"]][row["column"]] = row["entries"]
        # A theme first appears with its own first entry or one below it.
        for counted_id in [row["theme"], *ancestors(row["theme"], parents)]:
            if counted_id in counts and (
                counted_id not in first_seen or row["first"] < first_seen[counted_id]
            ):
                first_seen[counted_id] = row["first"]
    for row in grouped:
        for group in below:
            counts[group][row["column"]] = row[f"group_{group}"]
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


def timeline(*, viewer: Any) -> list[tuple[Stage | None, list[Entry]]]:
    """Entries grouped by stage, oldest stage first, then those outside every
    stage (two queries)."""
    stages = list(stage_policy.visible_to(viewer))
    entries = list(
        entry_policy.visible_to(viewer).select_related("author").order_by("occurred_on", "pk")
    )
    groups: list[tuple[Stage | None, list[Entry]]] = [(stage, []) for stage in stages]
    outside: list[Entry] = []
    for entry in entries:
        for stage, members in groups:
            if stage is not None and stage.holds(entry.occurred_on):
                members.append(entry)
                break
        else:
            outside.append(entry)
    if outside:
        groups.append((None, outside))
    return groups


def entry_counting(work_activity: Any) -> Entry | None:
    """The entry (not in the bin) that counts ``work_activity`` (a meeting or a
    debriefing, ``staff.WorkActivity``) already, whoever wrote it: an activity
    is counted once. Callers show it only to who may see it (``entry_policy``)."""
    return (
        Entry.objects.filter(work_activity=work_activity, deleted_at__isnull=True)
        .order_by("pk")
        .first()
    )
