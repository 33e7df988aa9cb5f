"""The research figures as /research/activity/ counted them before they were
kept counted (the whole history at every read, straight through the research
policies), and the research export as it was (a query per 200 people, an
object per encounter). Kept verbatim as the references the kept figures and
the streamed export are compared with: same data, same page, same file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from clients.access import client_research_policy
from groups import selectors as group_selectors
from interventions.access import encounter_research_policy
from interventions.models import Encounter
from logbook.access import stage_policy
from logbook.research import INTERNAL, OUTCOMES, STILL_OPEN, date_offset, pseudonym
from partners.choices import PartnerKind
from peersupport.small_cells import HIDDEN, SMALL_CELL, suppress, suppress_parts
from referrals import selectors as referral_selectors
from referrals.choices import FINAL_STATUSES


def _month(value: Any) -> date:
    return timezone.localtime(value).date().replace(day=1) if hasattr(value, "tzinfo") else value


ADDITIVE = ("encounters", "anonymous", "co", "new_people")


def _raw_months(viewer: Any) -> dict[date, dict[str, Any]]:
    """Raw counts per month, before any suppression. Each measure is its own
    query, so no join multiplies another measure's rows."""
    encounters = encounter_research_policy.visible_to(viewer)
    by_month = encounters.annotate(month=TruncMonth("occurred_at"))
    months: dict[date, dict[str, Any]] = defaultdict(
        lambda: {"settings": {}, "activities": {}, "people_ids": set()}
    )
    for row in by_month.values("month").annotate(
        encounters=Count("pk", distinct=True), anonymous=Sum("anonymous_count")
    ):
        cell = months[_month(row["month"])]
        cell["encounters"], cell["anonymous"] = row["encounters"], row["anonymous"] or 0
    for row in (
        by_month.filter(participants__isnull=False)
        .values("month")
        .annotate(co=Count("pk", distinct=True))
    ):
        months[_month(row["month"])]["co"] = row["co"]
    for row in (
        by_month.filter(client__isnull=False)
        .values("month")
        .annotate(people=Count("client", distinct=True))
    ):
        months[_month(row["month"])]["people"] = row["people"]
    for row in by_month.values("month", "setting").annotate(n=Count("pk", distinct=True)):
        months[_month(row["month"])]["settings"][row["setting"]] = row["n"]
    for row in (
        by_month.filter(activities__isnull=False)
        .values("month", "activities__name_en")
        .annotate(n=Count("pk", distinct=True))
    ):
        months[_month(row["month"])]["activities"][row["activities__name_en"]] = row["n"]
    new_people = (
        client_research_policy.visible_to(viewer)
        .annotate(month=TruncMonth("intake_date"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    for row in new_people:
        months[_month(row["month"])]["new_people"] = row["n"]
    return months


def monthly_activity(*, viewer: Any) -> dict[str, list[dict[str, Any]]]:
    """Encounters per month by setting and by activity, people reached, anonymous
    contacts, co-interventions and new people, every cell suppressed."""
    months = _raw_months(viewer)
    result = []
    for month in sorted(months):
        cell = months[month]
        encounters = cell.get("encounters", 0)
        result.append(
            {
                "month": month,
                "encounters": suppress(encounters),
                "people": suppress(cell.get("people", 0)),
                "anonymous": suppress(cell.get("anonymous", 0)),
                "co": suppress(cell.get("co", 0)),
                "new_people": suppress(cell.get("new_people", 0)),
                # The settings of a month add up to its encounters.
                "settings": suppress_parts(cell["settings"]),
                # An encounter may carry several activities: these do not add up.
                "activities": {k: suppress(v) for k, v in cell["activities"].items()},
                "bar": encounters if encounters >= SMALL_CELL else 0,
            }
        )
    return {"months": result}


def group_months(*, viewer: Any) -> list[dict[str, Any]]:
    """Support group sessions held per month, and who came: registered people
    and others (a head count), each cell suppressed; registered and others
    add up to the month's attendance, so a lone small part hides the other.
    Counted through the sessions' policy (``metadata_visible_to``), never
    reading a session's note nor naming who came."""
    months = group_selectors.sessions_per_month(viewer=viewer)
    rows = []
    for month in sorted(months):
        cell = months[month]
        parts = suppress_parts({"registered": cell["registered"], "anonymous": cell["anonymous"]})
        rows.append(
            {
                "month": month,
                "sessions": suppress(cell["sessions"]),
                "attendance": suppress(cell["registered"] + cell["anonymous"]),
                "registered": parts["registered"],
                "anonymous": parts["anonymous"],
            }
        )
    return rows


def by_stage(*, viewer: Any) -> list[dict[str, Any]]:
    """The same measures for each stage, built from whole months (the month
    belongs to the stage its first day falls in), so that stage dates cannot be
    moved to single out a day. A stage total is hidden when exactly one of its
    months is too small to show, as it would give that month away."""
    months = _raw_months(viewer)
    encounters = encounter_research_policy.visible_to(viewer)
    rows = []
    for stage in stage_policy.visible_to(viewer):
        # A month (given by its first day) belongs to the stage that holds that day.
        inside = [m for m in months if stage.holds(m)]
        row: dict[str, Any] = {"stage": stage}
        for measure in ADDITIVE:
            values = [months[m].get(measure, 0) for m in inside]
            small = [v for v in values if v < SMALL_CELL]
            total = sum(values)
            row[measure] = HIDDEN if len(small) == 1 and total >= SMALL_CELL else suppress(total)
        if inside:
            first, last = min(inside), max(inside)
            window = Q(occurred_at__date__gte=first) & Q(occurred_at__date__lt=_next_month(last))
            row["people"] = suppress(
                encounters.filter(window, client__isnull=False).values("client").distinct().count()
            )
        else:
            row["people"] = suppress(0)
        rows.append(row)
    return rows


def referral_figures(*, viewer: Any) -> dict[str, Any]:
    """Referrals of every person counted (as encounters are: consent governs
    rows, not counts), by kind of partner and by how they ended. Each list
    adds up to the total, so a lone small cell hides the smallest other one."""
    by_kind: dict[str, int] = defaultdict(int)
    by_outcome: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
    for row in referral_selectors.counts_for_research(viewer=viewer):
        kind = INTERNAL if row["partner__is_internal"] else row["partner__kind"]
        by_kind[kind] += row["n"]
        status = row["status"]
        by_outcome[status if status in FINAL_STATUSES else STILL_OPEN] += row["n"]
    total = sum(by_kind.values())
    kinds = sorted((k for k in by_kind if k != INTERNAL), key=lambda k: PartnerKind.values.index(k))
    if INTERNAL in by_kind:
        kinds.append(INTERNAL)
    shown_kinds = suppress_parts({k: by_kind[k] for k in kinds})
    shown_outcomes = suppress_parts(by_outcome)
    return {
        "total": total and suppress(total),
        "by_kind": [(k, shown_kinds[k]) for k in kinds],
        "by_outcome": [(k, shown_outcomes[k]) for k in OUTCOMES],
    }


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


# The export as it was: a list of every person first, then a query per 200
# people, a Python object per encounter.

PERSONS_PER_QUERY = 200


def export_rows(*, viewer: Any, dates: str) -> tuple[QuerySet[Encounter], Iterator[list[Any]]]:
    """Encounter-level rows for people whose research consent is in force.

    People come in the order of their pseudonyms, not of their record numbers,
    which would reveal who registered first; only the list of ids is held.
    """
    encounters = (
        encounter_research_policy.visible_to(viewer, encounter_research_policy.Action.EXPORT_ROWS)
        .select_related("partner")
        .prefetch_related("activities")
        .annotate(co_count=Count("participants", distinct=True))
    )

    def rows() -> Iterator[list[Any]]:
        ids = sorted(set(encounters.values_list("client_id", flat=True)), key=pseudonym)
        for start in range(0, len(ids), PERSONS_PER_QUERY):
            batch = ids[start : start + PERSONS_PER_QUERY]
            order = {client_id: index for index, client_id in enumerate(batch)}
            chunk = sorted(
                encounters.filter(client_id__in=batch).order_by("occurred_at", "pk"),
                key=lambda e: order[e.client_id],
            )
            for encounter in chunk:
                yield _row(encounter, dates)

    return encounters, rows()


def _row(encounter: Any, dates: str) -> list[Any]:
    day = timezone.localtime(encounter.occurred_at).date()
    if dates == "week":
        shown = day - timedelta(days=day.weekday())
    else:
        shown = day + date_offset(encounter.client_id)
    activities = list(encounter.activities.all())
    # Written through exports.csv_stream, which quotes what would run as a formula.
    return [
        pseudonym(encounter.client_id),
        shown.isoformat(),
        encounter.setting,
        encounter.partner.kind if encounter.partner_id else "",
        encounter.duration_minutes or "",
        "; ".join(a.name_en for a in activities),
        "; ".join(a.hifis_code for a in activities if a.hifis_code),
        1 if encounter.co_count else 0,
        encounter.situation,
    ]
