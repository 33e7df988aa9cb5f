"""The order of the steps, inside one transaction: a failure leaves the
database as empty as it was."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from auditlog.models import LogEntry
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from clients.models import Client
from interventions.models import Encounter, Note
from logbook.models import Entry
from peersupport.key_check import require_usable_keys
from peersupport.models import User

from .audit_trail import Trail
from .calendar import Calendar
from .context import Context, Sizes
from .encounters import plan_moments, write_encounters
from .people import BUSY, plan_people, write_people
from .programme import write_logbook, write_partners
from .staff import plan_staff, write_staff
from .writer import Writer

# What makes a database not empty: generated rows would mix with real ones.
MUST_BE_EMPTY = {
    "accounts": User,
    "people": Client,
    "encounters": Encounter,
    "notes": Note,
    "logbook entries": Entry,
    "audit entries": LogEntry,
}


def rows_already_there() -> dict[str, int]:
    """What the database already holds of what the dataset would add."""
    return {name: n for name, model in MUST_BE_EMPTY.items() if (n := model._base_manager.count())}


def generate(
    *,
    sizes: Sizes,
    seed: int,
    today: date,
    password: str,
    otp_key: str | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """Fill an empty database; return the summary the command prints."""
    started = time.monotonic()
    require_usable_keys()  # what every encrypted field checks before writing
    with transaction.atomic():
        writer = Writer(progress)
        ctx = Context(
            sizes=sizes, seed=seed, calendar=Calendar(today), writer=writer, progress=progress
        )
        ctx.trail = Trail(ctx)
        ctx.say("staff")
        ctx.staff = plan_staff(ctx)
        write_partners(ctx)
        ctx.say(f"{sizes.people:,} people: care teams and consents")
        ctx.people = plan_people(ctx)
        write_staff(ctx, ctx.staff, password)  # after the teams: who left, and when
        ctx.say(f"{sizes.encounters:,} encounters: planning")
        moments = plan_moments(ctx)
        write_people(ctx)
        ctx.say("encounters and notes")
        write_encounters(ctx, moments)
        ctx.say("logbook")
        write_logbook(ctx)
        ctx.say("audit trail")
        ctx.trail.write()
        ctx.say("foreign keys and sequences")
        writer.finish()
        if otp_key:
            for pk in ctx.staff.bench.values():
                TOTPDevice.objects.create(user_id=pk, name="bench", key=otp_key, confirmed=True)
    ctx.say("statistics for the planner")
    writer.analyze()
    ctx.say("done")
    return {
        "people": ctx.counts["people"],
        "encounters": ctx.counts["encounters"],
        "notes": ctx.counts["notes"],
        "logbook": ctx.counts["logbook"],
        "audit": ctx.counts["audit"],
        "busy_person_pk": ctx.people[BUSY].pk,
        "seconds": round(time.monotonic() - started, 1),
    }
