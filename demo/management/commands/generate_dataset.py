"""A large, reproducible dataset for measuring the app (``make bench``).

Needs an empty migrated database; prints one line of JSON on stdout (the
sizes made, the busy person's number, the seconds taken) and its progress on
stderr. Its passwords are public: never on a server holding real data."""

import json
import re
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.dataset.build import generate, rows_already_there
from demo.dataset.context import Sizes
from demo.dataset.staff import BENCH_PASSWORD

DEFAULT_BUSY_ENCOUNTERS = 1500


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Fill an empty database with a large generated dataset (staff, people, care teams, "
        "consents, encounters with encrypted notes, logbook, audit trail) for benchmarks. "
        "Its passwords are public: never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=_count, required=True, help="People served.")
        parser.add_argument("--encounters", type=_count, required=True, help="Encounters in all.")
        parser.add_argument("--logbook", type=_count, required=True, help="Logbook entries.")
        parser.add_argument("--audit", type=_count, required=True, help="Audit trail entries.")
        parser.add_argument(
            "--seed", type=int, required=True, help="The same seed and sizes give the same data."
        )
        parser.add_argument(
            "--busy-encounters",
            type=_count,
            default=DEFAULT_BUSY_ENCOUNTERS,
            help="Encounters of the busy person, the same at every size (default %(default)s).",
        )
        parser.add_argument(
            "--password",
            default=BENCH_PASSWORD,
            help="The password of every account (default %(default)s).",
        )
        parser.add_argument(
            "--otp-key",
            default="",
            help=(
                "Give the bench-* accounts an authenticator with this hex key, for a server "
                "that requires two-factor sign-in (production settings)."
            ),
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help=(
                "The day the history ends before (default: today); the same day gives the "
                "same data on another day."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DJANGO_DEBUG is off (a benchmark server holding no real data).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to generate a dataset with DJANGO_DEBUG off: its passwords are public. "
                "Use --force on a server that holds no real data."
            )
        sizes = Sizes(
            people=options["people"],
            encounters=options["encounters"],
            logbook=options["logbook"],
            audit=options["audit"],
            busy_encounters=options["busy_encounters"],
        )
        if sizes.people < 1:
            raise CommandError("--people must be at least 1: the busy person is one of them.")
        if sizes.busy_encounters > sizes.encounters:
            raise CommandError(
                f"--busy-encounters ({sizes.busy_encounters}) cannot be more than "
                f"--encounters ({sizes.encounters})."
            )
        otp_key = options["otp_key"]
        if otp_key and not re.fullmatch(r"(?:[0-9a-fA-F]{2}){10,32}", otp_key):
            raise CommandError("--otp-key must be 20 to 64 bytes written in hexadecimal.")
        found = rows_already_there()
        if found:
            held = ", ".join(f"{count:,} {name}" for name, count in found.items())
            raise CommandError(
                f"generate_dataset needs an empty, migrated database; this one already has {held}. "
                "Create a new database, migrate it, and run the command there."
            )
        quiet = options["verbosity"] == 0
        summary = generate(
            sizes=sizes,
            seed=options["seed"],
            today=options["today"] or timezone.localdate(),
            password=options["password"],
            otp_key=otp_key or None,
            progress=(lambda message: None) if quiet else self.stderr.write,
        )
        self.stdout.write(json.dumps(summary))
