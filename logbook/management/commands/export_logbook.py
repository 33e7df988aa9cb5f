"""Export the logbook to a file, as a named user, through the same policy and
audit as the screen's export."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from logbook import exports_http, selectors
from logbook.access import Action, entry_policy, stage_policy, theme_policy
from logbook.exports import FORMATS
from peersupport.models import User

*_FIRST, _LAST = FORMATS


class Command(BaseCommand):
    help = (
        f"Export logbook entries ({', '.join(_FIRST)} or {_LAST}) as a researcher or coordinator."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=list(FORMATS))
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The researcher or coordinator exporting (recorded in the audit trail).",
        )
        parser.add_argument("--stage", help="Stage name.")
        parser.add_argument("--kind", default="")
        parser.add_argument("--source", default="")
        parser.add_argument("--theme", help="Theme name.")
        parser.add_argument("--since", type=date.fromisoformat)
        parser.add_argument("--until", type=date.fromisoformat)
        parser.add_argument("--q", default="", help="Text to search for.")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None or not entry_policy.can(user, Action.EXPORT):
            raise CommandError("This user may not export the logbook.")
        stage = theme = None
        if options["stage"]:
            stage = stage_policy.visible_to(user).filter(name=options["stage"]).first()
            if stage is None:
                raise CommandError(f"No stage named {options['stage']!r}.")
        if options["theme"]:
            theme = theme_policy.visible_to(user).filter(name=options["theme"]).first()
            if theme is None:
                raise CommandError(f"No theme named {options['theme']!r}.")
        filters = selectors.EntryFilters(
            stage=stage,
            kind=options["kind"],
            source=options["source"],
            theme_id=theme.pk if theme else None,
            since=options["since"],
            until=options["until"],
            q=options["q"],
        )
        entries, codebook = exports_http.prepare(
            viewer=user, filters=filters, fmt=options["format"]
        )
        with open(options["output"], "wb") as output:
            exports_http.write(
                output,
                viewer=user,
                entries=entries,
                codebook=codebook,
                filters=filters,
                fmt=options["format"],
            )
        self.stdout.write(f"{entries.count()} entries written to {options['output']}.")
