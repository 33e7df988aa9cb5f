"""Load demo data. Refuses to run on a production configuration unless forced."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import accounts as demo
from demo import agenda as agenda_demo
from demo import clients as clients_demo
from demo import groups as groups_demo
from demo import interventions as interventions_demo
from demo import logbook as logbook_demo
from demo import partners as partners_demo
from demo import referrals as referrals_demo
from demo import staff_people as staff_people_demo
from demo import staff_work as staff_work_demo


class Command(BaseCommand):
    help = (
        "Create demo accounts and data (idempotent). "
        "Demo passwords are public: never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DJANGO_DEBUG is off (a staging server, say).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with DJANGO_DEBUG off: their passwords "
                "are public. Use --force on a server that holds no real data."
            )
        created = demo.seed_accounts()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo accounts created: {', '.join(created)}"))
        else:
            self.stdout.write("Demo accounts already present; nothing changed.")
        # Each capability adds its demo data after the accounts it relies on.
        for label, step in [
            ("community partners", clients_demo.seed_partners),
            ("partner service statuses", partners_demo.seed_partner_statuses),
            ("people served", clients_demo.seed_people),
            ("care-team joins", clients_demo.seed_joins),
            ("encounters", interventions_demo.seed_encounters),
            ("referrals to partners", referrals_demo.seed_referrals),
            ("closed files, departures and merges", clients_demo.seed_outcomes),
            # After the outcomes: promises are about the files still open.
            ("follow-ups and accompaniments", agenda_demo.seed_follow_ups),
            ("support group sessions", groups_demo.seed_groups),
            ("supervision, onboarding and staff teams", staff_people_demo.seed_staff_people),
            ("meetings, supervision and debriefings", staff_work_demo.seed_staff_work),
            ("logbook entries", logbook_demo.seed_logbook),
        ]:
            self.stdout.write(f"Demo {label}: {step()} created.")
