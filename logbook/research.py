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
import io
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Func, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from interventions.access import encounter_research_policy
from interventions.models import Activity, Encounter
from partners.choices import PartnerKind
from partners.models import Partner
from peersupport.export_text import spreadsheet_cell
from peersupport.export_text import spreadsheet_cell_sql as cell_sql
from peersupport.small_cells import HIDDEN, SMALL_CELL, suppress, suppress_parts
from peersupport.streamed_rows import streamed_rows
from referrals.choices import FINAL_STATUSES, ReferralStatus

from . import research_summary
from .access import stage_policy
from .exports import CountedCsvFile

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


# On SQLite: the export from the database cursor -----------------------------
#
# One query gives every row in its final order: people by pseudonym (computed
# in SQL by the Python ``pseudonym``, registered on the connection, so that the
# order costs no list of people held here), each person's encounters by date;
# SQLite reads its rows lazily. Python shifts dates (one digest per person:
# rows come grouped by person) and formats the rows; what repeats (activity
# lists, settings) is cleaned for the spreadsheet once. PostgreSQL writes the
# same file itself (``_copy_query`` below); the key and the planner settings
# of its transaction are shared.

EXPORT_CHUNK = 2000  # rows fetched from the cursor at a time
HMAC_BLOCK = 64  # bytes: SHA-256's block size
# Where the pseudonym key waits on PostgreSQL while an export runs: a
# temporary table of the export's own session, gone when its transaction
# ends. The key never enters a statement's text, which PostgreSQL shows in
# pg_stat_activity and writes to its log (a slow or failed query): with the
# key, anyone holding an export could hash every record number and name each
# pseudonym.
KEY_PADS = (
    "(SELECT inner_pad FROM pg_temp.research_pseudonym_key)",
    ("(SELECT outer_pad FROM pg_temp.research_pseudonym_key)"),
)


def _hmac_pads() -> tuple[bytes, bytes]:
    """The inner and outer keys of HMAC-SHA256 (RFC 2104) for the pseudonym key."""
    key = settings.RESEARCH_PSEUDONYM_KEY.encode("utf-8")
    if len(key) > HMAC_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(HMAC_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def _key_for_this_transaction(connection: Any) -> None:
    """The HMAC pads into the key's table through COPY, whose data is not part
    of any statement. Call it inside the transaction that runs the export."""
    if connection.vendor != "postgresql":
        return
    inner, outer = _hmac_pads()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS research_pseudonym_key "
            "(inner_pad bytea NOT NULL, outer_pad bytea NOT NULL) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE research_pseudonym_key")
        # COPY's text format: bytea as \x and hex digits, the backslash doubled.
        row = f"\\\\x{inner.hex()}\t\\\\x{outer.hex()}\n"
        cursor.copy_expert("COPY research_pseudonym_key FROM STDIN", io.StringIO(row))


# The export's one query sorts every row it sends (by pseudonym, then date):
# some 50 MB at 370,000 rows, which PostgreSQL's default work_mem (4 MB)
# sorts on disk. For the export's transaction only.
EXPORT_WORK_MEM = "64MB"


def _planner_for_this_transaction(connection: Any) -> None:
    """Settings for the export's transaction only (``SET LOCAL``): its sort in
    memory; no JIT compilation, which spent 0.65 s compiling a query that
    runs once; and no nested loops. The consent rule (each person's newest
    research decision, a correlated subquery) cannot be estimated: at
    1,000,000 encounters the planner expects 2,000 rows of the 370,000 it
    returns, and joined people and partners by nested loops that took 4 s of
    the 6.5; hash joins take 1.2 s. The export reads every row, which is what
    hash joins are for."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SELECT set_config('work_mem', %s, true)", [EXPORT_WORK_MEM])


def _hmac_hex_sql(prefix: str, column: str) -> str:
    """HMAC-SHA256 of ``prefix`` and a record number, in hex, built from
    PostgreSQL's own ``sha256()`` with the key ``_key_for_this_transaction``
    placed: what ``_digest`` computes in Python."""
    inner, outer = KEY_PADS
    message = f"convert_to('{prefix}:' || ({column})::text, 'UTF8')"
    return f"encode(sha256({outer} || sha256({inner} || {message})), 'hex')"


class Pseudonym(Func):
    """``pseudonym(client_id)`` on SQLite: the Python function itself,
    registered on each connection (``sqlite_functions``). PostgreSQL computes
    pseudonyms in the export's COPY (``_copy_query``)."""

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"research_pseudonym({sql})", list(params)


def sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``: what ``Pseudonym`` calls on SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "research_pseudonym", 1, pseudonym, deterministic=True
        )


def _export_query(viewer: Any) -> QuerySet[Any]:
    encounters = encounter_research_policy.visible_to(
        viewer, encounter_research_policy.Action.EXPORT_ROWS
    )
    return (
        encounters.order_by()
        .annotate(
            person=Pseudonym("client_id"),
            day=TruncDate("occurred_at"),
            activity_ids=research_summary.activity_ids(),
            co=research_summary.with_participants(),
        )
        .order_by("person", "occurred_at", "pk")
        .values_list(
            "client_id",
            "person",
            "day",
            "setting",
            "partner__kind",
            "duration_minutes",
            "activity_ids",
            "co",
            "situation",
        )
    )


def export_rows(*, viewer: Any, dates: str) -> Iterator[tuple[Any, ...]]:
    """Encounter-level rows for people whose research consent is in force,
    each cell ready for a spreadsheet (``spreadsheet_cell``).

    People come in the order of their pseudonyms, not of their record numbers,
    which would reveal who registered first; nothing is held per person.
    """
    rows = _export_query(viewer)
    with transaction.atomic():
        _key_for_this_transaction(transaction.get_connection())
        _planner_for_this_transaction(transaction.get_connection())
        activities = _ActivityCells()
        cells: dict[Any, Any] = {None: ""}
        person, offset = None, timedelta(0)
        fetched = streamed_rows(rows, chunk_size=EXPORT_CHUNK)
        try:
            for client_id, name, day, setting, kind, minutes, ids, co, situation in fetched:
                if dates == "week":
                    shown = day - timedelta(days=day.weekday())
                else:
                    if client_id != person:
                        person, offset = client_id, date_offset(client_id)
                    shown = day + offset
                for value in (setting, kind, situation):
                    if value not in cells:
                        cells[value] = spreadsheet_cell(value)
                activity_names, hifis_codes = activities.of(ids)
                yield (
                    name,
                    shown.isoformat(),
                    cells[setting],
                    cells[kind],
                    minutes or "",
                    activity_names,
                    hifis_codes,
                    1 if co else 0,
                    cells[situation],
                )
        finally:
            # A download cut short: the cursor closes inside this transaction,
            # before it ends.
            fetched.close()


class _ActivityCells:
    """The activities and HIFIS codes cells of a list of activity ids, in the
    order of the activity list, each list worked out once."""

    def __init__(self) -> None:
        self.known: dict[str | None, tuple[str, str]] = {None: ("", "")}
        self._load()

    def _load(self) -> None:
        # Kept when read again: an activity deleted meanwhile is still named by the cursor's rows.
        known = {activity.pk: activity for activity in getattr(self, "listed", [])}
        known |= {activity.pk: activity for activity in Activity.objects.all()}
        self.listed = sorted(known.values(), key=lambda a: (a.position, a.pk))
        self.rank = {activity.pk: index for index, activity in enumerate(self.listed)}

    def of(self, ids: str | None) -> tuple[str, str]:
        if ids not in self.known:
            pks = [int(pk) for pk in ids.split(",")]  # type: ignore[union-attr]
            if not set(pks) <= self.rank.keys():
                self._load()  # an activity added since the export began
            chosen = [self.listed[self.rank[pk]] for pk in sorted(pks, key=self.rank.__getitem__)]
            self.known[ids] = (
                spreadsheet_cell("; ".join(a.name_en for a in chosen)),
                spreadsheet_cell("; ".join(a.hifis_code for a in chosen if a.hifis_code)),
            )
        return self.known[ids]


# On PostgreSQL: the file written by the database -----------------------------
#
# ``COPY`` writes the rows as CSV in the server, handed on as they come
# (``peersupport.copy_out``): no Python object per row. The query works out
# each thing once where it can: the encounters through the research policy
# (``r``); each person's pseudonym and date shift once per person, not per
# encounter, and their place in the order of pseudonyms (``people``); the
# activities of each encounter as a set of ids, read in one pass over the
# links of those encounters (``acts``), and the two cells of each distinct set
# once (``sets``): a few hundred sets for 370,000 encounters. Every text cell
# is cleaned in SQL as ``spreadsheet_cell`` cleans it; ``test_research_export``
# compares the file with the one Python writes.


def _copy_query(viewer: Any, dates: str) -> tuple[str, list[Any]]:
    """The export's rows, every cell as the CSV writes it, in its order."""
    encounters = encounter_research_policy.visible_to(
        viewer, encounter_research_policy.Action.EXPORT_ROWS
    )
    rows_sql, rows_params = (
        encounters.order_by()
        .values_list(
            "pk",
            "client_id",
            "occurred_at",
            "setting",
            "partner_id",
            "duration_minutes",
            "situation",
        )
        .query.sql_with_params()
    )
    links = Encounter.activities.through._meta.db_table
    participants = Encounter.participants.through._meta.db_table
    activities = Activity._meta.db_table
    partners = Partner._meta.db_table
    day = "(r.occurred_at AT TIME ZONE %s)::date"
    shown = f"date_trunc('week', {day})::date" if dates == "week" else f"{day} + p.shift"
    query = f"""
        WITH r AS MATERIALIZED (
            SELECT * FROM ({rows_sql}) AS e
                (id, client_id, occurred_at, setting, partner_id, duration_minutes, situation)
        ),
        people AS MATERIALIZED (
            SELECT client_id, person, shift, row_number() OVER (ORDER BY person) AS rank
            FROM (
                SELECT client_id,
                    'P-' || substr({_hmac_hex_sql("person", "client_id")}, 1, 16) AS person,
                    (('x' || substr({_hmac_hex_sql("shift", "client_id")}, 1, 8))::bit(32)::bigint
                        %% {2 * SHIFT_DAYS + 1} - {SHIFT_DAYS})::integer AS shift
                FROM (SELECT DISTINCT client_id FROM r) AS served
            ) AS named
        ),
        acts AS MATERIALIZED (
            SELECT l.encounter_id, array_agg(l.activity_id) AS ids
            FROM {links} AS l WHERE l.encounter_id IN (SELECT id FROM r)
            GROUP BY l.encounter_id
        ),
        sets AS MATERIALIZED (
            SELECT ids,
                {cell_sql("string_agg(a.name_en, '; ' ORDER BY a.position, a.id)")} AS names,
                {cell_sql("string_agg(NULLIF(a.hifis_code, ''), '; ' ORDER BY a.position, a.id)")}
                    AS codes
            FROM (SELECT DISTINCT ids FROM acts) AS distinct_sets
                JOIN {activities} AS a ON a.id = ANY (distinct_sets.ids)
            GROUP BY ids
        )
        SELECT p.person, to_char({shown}, 'YYYY-MM-DD'), {cell_sql("r.setting")},
            {cell_sql("partner.kind")}, NULLIF(r.duration_minutes, 0), sets.names, sets.codes,
            CASE WHEN EXISTS (SELECT 1 FROM {participants} AS x WHERE x.encounter_id = r.id)
                THEN 1 ELSE 0 END,
            {cell_sql("r.situation")}
        FROM r
            JOIN people AS p ON p.client_id = r.client_id
            LEFT JOIN {partners} AS partner ON partner.id = r.partner_id
            LEFT JOIN acts ON acts.encounter_id = r.id
            LEFT JOIN sets ON sets.ids = acts.ids
        ORDER BY p.rank, r.occurred_at, r.id
    """  # noqa: S608 (the policy's compiled query, names from the models; values are parameters)
    return query, [*rows_params, timezone.get_current_timezone_name()]


class ExportFile(CountedCsvFile):
    """The research CSV as bytes, piece by piece (``CountedCsvFile``): written
    by PostgreSQL's COPY there (``_copy_query``), by Python's csv writer
    elsewhere (``export_rows``); the same file either way, lines ending in LF
    (which is what COPY writes, and what every spreadsheet and statistics
    package reads)."""

    header = [name for name, _ in EXPORT_COLUMNS]

    def __init__(self, *, viewer: Any, dates: str) -> None:
        super().__init__()
        self.viewer = viewer
        self.dates = dates

    def copy_query(self, connection: Any) -> tuple[str, list[Any]]:
        _key_for_this_transaction(connection)
        _planner_for_this_transaction(connection)
        return _copy_query(self.viewer, self.dates)

    def cells(self) -> Iterator[tuple[Any, ...]]:
        return export_rows(viewer=self.viewer, dates=self.dates)
