"""Programme activity for research: counts, never people.

Aggregates pass through ``suppress`` before anyone sees them: a count below 5
is shown as "<5", so no cell can single someone out. The encounter-level
export carries a keyed pseudonym per person, dates shifted per person (or cut
to the week), no free text and no names, and only people whose research
consent is in force.
"""

import csv
import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from clients.choices import Purpose
from clients.consent import with_consent_in_force
from interventions import access as intervention_access

from .access import stages_for
from .exports import _Echo

SMALL_CELL = 5
SHIFT_DAYS = 30  # a person's dates move by the same number of days, within +/- this


def suppress(count: int) -> int | str:
    return "<5" if count < SMALL_CELL else count


def _month(value) -> date:
    return timezone.localtime(value).date().replace(day=1) if hasattr(value, "tzinfo") else value


def monthly_activity(*, viewer) -> dict:
    """Encounters per month by setting and by activity, people reached, anonymous
    contacts, co-interventions and new people, every cell suppressed."""
    encounters = intervention_access.encounters_for_research(viewer)
    by_month = encounters.annotate(month=TruncMonth("occurred_at"))
    settings_rows = by_month.values("month", "setting").annotate(n=Count("pk"))
    activity_rows = by_month.values("month", "activities__name_en").annotate(n=Count("pk"))
    totals = by_month.values("month").annotate(
        encounters=Count("pk"),
        people=Count("client", distinct=True),
        anonymous=Sum("anonymous_count"),
        co=Count("pk", filter=Q(participants__isnull=False), distinct=True),
    )
    new_people = (
        intervention_access.clients_for_research(viewer)
        .annotate(month=TruncMonth("intake_date"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    months: dict = defaultdict(lambda: {"settings": {}, "activities": {}})
    for row in settings_rows:
        months[_month(row["month"])]["settings"][row["setting"]] = row["n"]
    for row in activity_rows:
        if row["activities__name_en"]:
            months[_month(row["month"])]["activities"][row["activities__name_en"]] = row["n"]
    for row in totals:
        months[_month(row["month"])].update(
            encounters=row["encounters"],
            people=row["people"],
            anonymous=row["anonymous"] or 0,
            co=row["co"],
        )
    for row in new_people:
        months[_month(row["month"])]["new_people"] = row["n"]
    result = []
    for month in sorted(months):
        cell = months[month]
        result.append(
            {
                "month": month,
                "encounters": suppress(cell.get("encounters", 0)),
                "people": suppress(cell.get("people", 0)),
                "anonymous": suppress(cell.get("anonymous", 0)),
                "co": suppress(cell.get("co", 0)),
                "new_people": suppress(cell.get("new_people", 0)),
                "settings": {k: suppress(v) for k, v in cell["settings"].items()},
                "activities": {k: suppress(v) for k, v in cell["activities"].items()},
                "bar": cell.get("encounters", 0) if cell.get("encounters", 0) >= SMALL_CELL else 0,
            }
        )
    return {"months": result}


def by_stage(*, viewer) -> list[dict]:
    """The same measures for each stage of the logbook."""
    encounters = intervention_access.encounters_for_research(viewer)
    people = intervention_access.clients_for_research(viewer)
    rows = []
    for stage in stages_for(viewer):
        window = Q(occurred_at__date__gte=stage.starts_on)
        intake = Q(intake_date__gte=stage.starts_on)
        if stage.ends_on:
            window &= Q(occurred_at__date__lte=stage.ends_on)
            intake &= Q(intake_date__lte=stage.ends_on)
        in_stage = encounters.filter(window)
        counts = in_stage.aggregate(
            encounters=Count("pk"),
            people=Count("client", distinct=True),
            anonymous=Sum("anonymous_count"),
            co=Count("pk", filter=Q(participants__isnull=False), distinct=True),
        )
        rows.append(
            {
                "stage": stage,
                **{key: suppress(value or 0) for key, value in counts.items()},
                "new_people": suppress(people.filter(intake).count()),
            }
        )
    return rows


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


def export_rows(*, viewer, dates: str) -> tuple[object, Iterator[list]]:
    """Encounter-level rows for people whose research consent is in force."""
    consenting = with_consent_in_force(
        intervention_access.clients_for_research(viewer), Purpose.RESEARCH
    ).values("pk")
    encounters = (
        intervention_access.encounters_for_research(viewer)
        .filter(client__in=consenting)
        .select_related("partner")
        .prefetch_related("activities")
        .annotate(co_count=Count("participants"))
        .order_by("client_id", "occurred_at", "pk")
    )

    def rows():
        for encounter in encounters.iterator(chunk_size=500):
            day = timezone.localtime(encounter.occurred_at).date()
            if dates == "week":
                shown = day - timedelta(days=day.weekday())
            else:
                shown = day + date_offset(encounter.client_id)
            activities = list(encounter.activities.all())
            yield [
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

    return encounters, rows()


def csv_chunks(header: list[str], rows) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)
