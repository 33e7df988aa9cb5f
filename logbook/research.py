"""Programme activity for research: counts, never people.

Aggregates pass through ``suppress`` before anyone sees them: a count below 5
is shown as "<5", so no cell can single someone out. The encounter-level
export carries a keyed pseudonym per person, dates shifted per person (or cut
to the week), no free text and no names, and only people whose research
consent is in force. Who is counted and whose rows may leave is decided by the
research policies of the register and of the encounters
(``client_research_policy``, ``encounter_research_policy``), never here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from interventions.access import encounter_research_policy
from interventions.models import Encounter
from partners.choices import PartnerKind
from peersupport.small_cells import HIDDEN, SMALL_CELL, suppress, suppress_parts
from referrals.choices import FINAL_STATUSES, ReferralStatus

from . import research_summary
from .access import stage_policy

SHIFT_DAYS = 30  # a person's dates move by the same number of days, within +/- this


ADDITIVE = ("encounters", "anonymous", "co", "new_people")


def figures(*, viewer: Any) -> research_summary.Figures:
    """The raw counts every table of the page is drawn from, read once per
    page (kept counted: ``research_summary``)."""
    return research_summary.figures(viewer=viewer)


def monthly_activity(
    *, viewer: Any, counted: research_summary.Figures | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Encounters per month by setting and by activity, people reached, anonymous
    contacts, co-interventions and new people, every cell suppressed."""
    months = (counted or figures(viewer=viewer)).activity_months()
    result = []
    for month in sorted(months):
        cell = months[month]
        encounters = cell["encounters"]
        result.append(
            {
                "month": month,
                "encounters": suppress(encounters),
                "people": suppress(cell["people"]),
                "anonymous": suppress(cell["anonymous"]),
                "co": suppress(cell["co"]),
                "new_people": suppress(cell["new_people"]),
                # The settings of a month add up to its encounters.
                "settings": suppress_parts(cell["settings"]),
                # An encounter may carry several activities: these do not add up.
                "activities": {k: suppress(v) for k, v in cell["activities"].items()},
                "bar": encounters if encounters >= SMALL_CELL else 0,
            }
        )
    return {"months": result}


def group_months(
    *, viewer: Any, counted: research_summary.Figures | None = None
) -> list[dict[str, Any]]:
    """Support group sessions held per month, and who came: registered people
    and others (a head count), each cell suppressed; registered and others
    add up to the month's attendance, so a lone small part hides the other.
    Counted through the sessions' policy (``metadata_visible_to``), never
    reading a session's note nor naming who came."""
    months = (counted or figures(viewer=viewer)).group_months()
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


def by_stage(
    *, viewer: Any, counted: research_summary.Figures | None = None
) -> list[dict[str, Any]]:
    """The same measures for each stage, built from whole months (the month
    belongs to the stage its first day falls in), so that stage dates cannot be
    moved to single out a day. A stage total is hidden when exactly one of its
    months is too small to show, as it would give that month away."""
    counted = counted or figures(viewer=viewer)
    months = counted.activity_months()
    rows = []
    for stage in stage_policy.visible_to(viewer):
        # A month (given by its first day) belongs to the stage that holds that day.
        inside = [m for m in months if stage.holds(m)]
        row: dict[str, Any] = {"stage": stage}
        for measure in ADDITIVE:
            values = [months[m][measure] for m in inside]
            small = [v for v in values if v < SMALL_CELL]
            total = sum(values)
            row[measure] = HIDDEN if len(small) == 1 and total >= SMALL_CELL else suppress(total)
        # People met in several months are counted once: the union of the months.
        row["people"] = suppress(counted.people_in(inside))
        rows.append(row)
    return rows


# Referrals by where they went and how they ended. A referral to a service of
# our own organisation is its own row, whatever kind the service is.
INTERNAL = "internal"
STILL_OPEN = "open"
OUTCOMES = (
    STILL_OPEN,
    ReferralStatus.ATTENDED,
    ReferralStatus.NO_SHOW,
    ReferralStatus.DECLINED,
    ReferralStatus.CLOSED,
)


def referral_figures(
    *, viewer: Any, counted: research_summary.Figures | None = None
) -> dict[str, Any]:
    """Referrals of every person counted (as encounters are: consent governs
    rows, not counts), by kind of partner and by how they ended. Each list
    adds up to the total, so a lone small cell hides the smallest other one."""
    by_kind: dict[str, int] = defaultdict(int)
    by_outcome: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
    for row in (counted or figures(viewer=viewer)).referrals:
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


def _digest(label: str) -> str:
    key = settings.RESEARCH_PSEUDONYM_KEY.encode("utf-8")
    return hmac.new(key, label.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonym(client_id: int) -> str:
    """Stable for one key, not reversible without it."""
    return "P-" + _digest(f"person:{client_id}")[:16]


def date_offset(client_id: int) -> timedelta:
    """The same shift for every date of one person."""
    return timedelta(
        days=int(_digest(f"shift:{client_id}")[:8], 16) % (2 * SHIFT_DAYS + 1) - SHIFT_DAYS
    )


EXPORT_COLUMNS = [
    ("person", "Pseudonym of the person: the same within this export key, not reversible."),
    (
        "date",
        "Date of the encounter, shifted for each person by the same number of days "
        "(up to 30), or the Monday of its week, as chosen at export.",
    ),
    ("setting", "Where the encounter took place (controlled list)."),
    ("partner_kind", "Kind of partner organisation, when the encounter took place at one."),
    ("duration_minutes", "How long it lasted, when recorded."),
    ("activities", "What was done, from the activity list, separated by semicolons."),
    ("hifis_codes", "The HIFIS service types of those activities."),
    ("co_intervention", "1 when a clinician or other staff member took part, else 0."),
    ("living_situation", "Living situation recorded at the contact, if any (controlled list)."),
]


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
