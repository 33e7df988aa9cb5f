"""Re-encrypt every note body and addendum with the first key of
NOTE_ENCRYPTION_KEYS, so that an older key can then be removed.

Works on the whole table on purpose and reads no body for display: it is an
operator's maintenance step, not a way to see notes.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from interventions import selectors
from interventions.models import Addendum, Note


class Command(BaseCommand):
    help = "Re-encrypt note bodies with the newest key (put it first in NOTE_ENCRYPTION_KEYS)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        for model in (Note, Addendum):
            done = 0
            ids = selectors.encrypted_row_ids(model)
            for start in range(0, len(ids), batch_size):
                with transaction.atomic():
                    batch = ids[start : start + batch_size]
                    rows = selectors.encrypted_rows_for_update(model, batch)
                    for row in rows:
                        # Writing the body again encrypts it with the first key;
                        # an update, so nothing else about the row changes.
                        rows.filter(pk=row.pk).update(body=row.body)
                        done += 1
            self.stdout.write(f"{model._meta.verbose_name_plural}: {done} re-encrypted.")
