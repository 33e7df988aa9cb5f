"""Long lists paged by place rather than by number (keyset pagination).

A page is "the rows after this one" (or before it) in the list's order, found
through the index that serves that order: a page of a list of 1.5 million
rows costs what it costs at a thousand, with no COUNT over the table and no
OFFSET walking past every row above it. The order must be total (end it with
``pk``), so that rows sharing a moment or a name keep their place and every
row is on exactly one page.

A list may be made of parts shown one after the other, each in the same
order (a coordinator's own people, then everyone else): each part is read
through its own index, never sorted by a computed flag.

The place travels in the page's links as a cursor that the view chooses
(``peersupport.query.TimeCursorField``, or a record number the view finds
again through the list's policy, so that no name ever travels in a link);
this module only pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .query import QueryForm, TimeCursor, TimeCursorField, TimeCursorQuery, page_number, parse

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Place:
    """Where a row sits: its part of the list, and its values of the order's fields."""

    part: int
    values: tuple[Any, ...]


@dataclass
class KeysetPage(Generic[M]):
    """The rows of one page, whether others come before or after them, and
    the cursors of the links to those pages."""

    rows: list[M]
    has_previous: bool
    has_next: bool
    cursor: Callable[[M], str]

    @property
    def object_list(self) -> list[M]:
        """The rows, by the name a numbered page gives them."""
        return self.rows

    def __iter__(self) -> Iterator[M]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_cursor(self) -> str:
        """The cursor of the page before this one: "before my first row"."""
        return self.cursor(self.rows[0]) if self.rows else ""

    @property
    def next_cursor(self) -> str:
        """The cursor of the page after this one: "after my last row"."""
        return self.cursor(self.rows[-1]) if self.rows else ""


class Keyset(Generic[M]):
    """Pages of ``size`` rows through ``parts`` (querysets shown one after the
    other), each in ``order`` (field names, "-" for descending, ending with
    "pk"). ``cursor`` gives the text that names a row's place in a link.

    ``keys_first``: a page is found by the numbers of its rows alone, then
    those rows are read by number. A search that skips many rows before it
    fills a page (a name fragment in a region's register) then walks an
    index that holds what it filters on (an index-only scan), instead of
    reading every skipped row from the table; it costs a query more for each
    part read."""

    def __init__(
        self,
        parts: Sequence[QuerySet[M]],
        order: Sequence[str],
        size: int,
        cursor: Callable[[M], str],
        *,
        keys_first: bool = False,
    ) -> None:
        self.parts = list(parts)
        self.order = tuple(order)
        self.size = size
        self.cursor = cursor
        self.keys_first = keys_first
        self._names = [name.lstrip("-") for name in self.order]
        self._descending = [name.startswith("-") for name in self.order]

    def place_of(self, part: int, row: M) -> Place:
        """The place of ``row``, a row of part ``part``."""
        return Place(part, tuple(getattr(row, name) for name in self._names))

    # The pages.

    def first(self) -> KeysetPage[M]:
        found = self._walk(None, forward=True, limit=self.size + 1)
        return self._page(found, has_previous=False)

    def after(self, place: Place) -> KeysetPage[M]:
        """The page after ``place`` (the next page)."""
        found = self._walk(place, forward=True, limit=self.size + 1)
        if not found:
            # Nothing after it: a link from a list that changed, or a made-up one.
            return self.first()
        part, row = found[0]
        return self._page(found, has_previous=self._any(self.place_of(part, row), forward=False))

    def before(self, place: Place) -> KeysetPage[M]:
        """The page before ``place`` (the previous page)."""
        found = self._walk(place, forward=False, limit=self.size + 1)
        if len(found) <= self.size:
            # The top of the list: its first page, whole, as the list opens.
            return self.first()
        shown = found[: self.size][::-1]
        part, row = shown[-1]
        return KeysetPage(
            rows=[row for _, row in shown],
            has_previous=True,
            has_next=self._any(self.place_of(part, row), forward=True),
            cursor=self.cursor,
        )

    def at_offset(self, offset: int) -> KeysetPage[M]:
        """The page that starts ``offset`` rows down: what a page number asked
        for before the list paged by place (old links and bookmarks). The row
        just above it is found by an OFFSET over the order's columns alone
        (bounded by the list's length), and the page is the one after it."""
        skip = offset
        for part, rows in enumerate(self.parts):
            if skip <= 0:
                # The page above ended with the previous part: this one starts here.
                return self._after_part(part)
            above = rows.order_by(*self.order).values_list(*self._names)[skip - 1 : skip]
            values = next(iter(above), None)
            if values is not None:
                return self.after(Place(part, tuple(values)))
            skip -= rows.count()
        # Past the end: the list starts over at its top.
        return self.first()

    def _after_part(self, part: int) -> KeysetPage[M]:
        found = self._walk(Place(part, ()), forward=True, limit=self.size + 1, whole=True)
        return self._page(found, has_previous=True) if found else self.first()

    # How they are found.

    def _page(self, found: list[tuple[int, M]], *, has_previous: bool) -> KeysetPage[M]:
        return KeysetPage(
            rows=[row for _, row in found[: self.size]],
            has_previous=has_previous,
            has_next=len(found) > self.size,
            cursor=self.cursor,
        )

    def _ordered(self, part: int, forward: bool) -> QuerySet[M]:
        if forward:
            return self.parts[part].order_by(*self.order)
        pairs = zip(self._names, self._descending, strict=True)
        flipped = [name if desc else f"-{name}" for name, desc in pairs]
        return self.parts[part].order_by(*flipped)

    def _parts_from(self, place: Place | None, forward: bool) -> range:
        count = len(self.parts)
        if forward:
            return range(0 if place is None else place.part, count)
        return range(count - 1 if place is None else place.part, -1, -1)

    def _beyond(self, values: tuple[Any, ...], forward: bool) -> Q:
        """The rows after ``values`` in the list's order (``forward``), or before
        them: (a, b) after (x, y) is a > x, or a = x and b > y. The first
        field's bound comes first on its own, so that the index serves it."""
        later = Q()
        equal: dict[str, Any] = {}
        conditions = []
        for name, desc, value in zip(self._names, self._descending, values, strict=True):
            lookup = "lt" if desc == forward else "gt"
            conditions.append(Q(**equal, **{f"{name}__{lookup}": value}))
            equal[name] = value
        for condition in conditions:
            later |= condition
        lookup = "lte" if self._descending[0] == forward else "gte"
        return Q(**{f"{self._names[0]}__{lookup}": values[0]}) & later

    def _walk(
        self, place: Place | None, *, forward: bool, limit: int, whole: bool = False
    ) -> list[tuple[int, M]]:
        """Up to ``limit`` rows from ``place`` (excluded), part after part; from
        the start of ``place``'s part if ``whole``."""
        found: list[tuple[int, M]] = []
        for part in self._parts_from(place, forward):
            rows = self._ordered(part, forward)
            if place is not None and part == place.part and not whole:
                rows = rows.filter(self._beyond(place.values, forward))
            found.extend((part, row) for row in self._read(part, rows[: limit - len(found)]))
            if len(found) >= limit:
                break
        return found

    def _read(self, part: int, rows: QuerySet[M]) -> list[M]:
        """``rows`` (a slice in order), or, with ``keys_first``, their numbers
        first and then the rows of part ``part`` that bear them, in that order."""
        if not self.keys_first:
            return list(rows)
        keys = list(rows.values_list("pk", flat=True))
        if not keys:
            return []
        by_key = {row.pk: row for row in self.parts[part].filter(pk__in=keys)}
        if len(by_key) < len(keys):
            # A row left the list between the two reads (a merge, a new name):
            # read the slice again whole, as the list stands now, rather than
            # leave a hole the page's links would count as its end.
            return list(rows)
        return [by_key[key] for key in keys]

    def _any(self, place: Place, *, forward: bool) -> bool:
        """Whether any row comes after ``place`` (``forward``), or before it."""
        for part in self._parts_from(place, forward):
            rows = self.parts[part]
            if part == place.part:
                rows = rows.filter(self._beyond(place.values, forward))
            if rows.exists():
                return True
        return False


def count_up_to(rows: QuerySet[Any], up_to: int) -> int:
    """How many ``rows`` there are, counted no further than one past ``up_to``
    (a list says "more than ``up_to``" then): a long list is never counted
    row by row."""
    return rows.order_by().values("pk")[: up_to + 1].count()


# The page a request asks for.


def requested_page(
    request: HttpRequest,
    keyset: Keyset[M],
    *,
    query: type[QueryForm],
    place_of: Callable[[Any], Place | None],
) -> KeysetPage[M]:
    """The page of ``keyset`` the request's ``?after=`` or ``?before=`` names
    (parsed with ``query``, found with ``place_of``); else the page an old
    ``?page=`` number named; else the first. A cursor that does not parse is
    explained and the list starts at its top; one that names no place it can
    see (``place_of`` gives None) starts it at its top too, as for a row that
    does not exist."""
    where = parse(request, query)
    for name, page in (("after", keyset.after), ("before", keyset.before)):
        cursor = where.value(name)
        if cursor is not None:
            place = place_of(cursor)
            return page(place) if place is not None else keyset.first()
    if where.refused("after") or where.refused("before"):
        messages.warning(
            request,
            _("This link to a page of the list is not valid: here is the top of the list."),
        )
        return keyset.first()
    number = page_number(request)
    return keyset.at_offset((number - 1) * keyset.size) if number > 1 else keyset.first()


def page_by_time(
    request: HttpRequest, rows: QuerySet[M], *, field: str, size: int
) -> KeysetPage[M]:
    """The requested page of ``rows``, newest first by ``field`` (a moment),
    then by record number: the cursor is "<moment>_<record number>" and
    needs no query to be found again."""

    def cursor(row: M) -> str:
        return TimeCursorField.of(getattr(row, field), row.pk)

    def place_of(where: TimeCursor) -> Place:
        return Place(0, (where.at, where.pk))

    keyset = Keyset([rows], (f"-{field}", "-pk"), size, cursor)
    return requested_page(request, keyset, query=TimeCursorQuery, place_of=place_of)
