"""Count the research figures again from the whole history, outside any
request: after a bulk load that sent no signals (``bulk_create``, a restore
into a live database), or to have them ready before the first reader (at a
million encounters, counting everything takes seconds)."""

from django.core.management.base import BaseCommand, CommandError

from logbook import research_summary
from peersupport.models import User


class Command(BaseCommand):
    help = "Count the research figures again, as a researcher or coordinator."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="A researcher or coordinator: the figures are counted through their policies.",
        )

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None or not research_summary.can_count(user):
            raise CommandError("This user may not count the research figures.")
        research_summary.count_everything_again()
        figures = research_summary.figures(viewer=user)
        self.stdout.write(f"Research figures counted: {len(figures.months)} months.")
