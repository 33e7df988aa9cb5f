"""Re-encrypt every encrypted column with the first key of NOTE_ENCRYPTION_KEYS,
so that an older key can then be removed.

The columns are found from the models (every ConfidentialTextField or
ConfidentialCharField of every installed app), so a column added later is
rotated without touching this command. It works on raw ciphertext and shows
no text: an operator's maintenance step, not a way to read notes. Rows
already under the first key are left alone, so a second run (or a run
resumed after an interruption) re-encrypts nothing twice.
"""

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from peersupport.fields import confidential_columns, current_fernet
from peersupport.key_check import check_keys, forget_key_status


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column with the newest key (put it first in "
        "NOTE_ENCRYPTION_KEYS, keep the old keys after it until this has run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        status = check_keys(thorough=True)
        if not status.is_usable:
            raise CommandError(
                "NOTE_ENCRYPTION_KEYS do not decrypt "
                + ", ".join(status.unreadable)
                + ": add the key the data was written with (after the new one) and run again."
            )
        newest = Fernet(settings.NOTE_ENCRYPTION_KEYS[0])
        for model, field in confidential_columns():
            rotated, kept = self.rotate_column(model, field, newest, batch_size)
            self.stdout.write(
                f"{model._meta.label}.{field.name}: {rotated} re-encrypted, "
                f"{kept} already with the newest key."
            )
        forget_key_status()

    def rotate_column(self, model, field, newest, batch_size):
        quote = connection.ops.quote_name
        meta = model._meta
        table, pk, column = quote(meta.db_table), quote(meta.pk.column), quote(field.column)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        select = (
            f"SELECT {pk}, {column} FROM {table} "  # noqa: S608 (names from the models)
            f"WHERE {pk} > %s AND {column} IS NOT NULL AND {column} <> '' "
            f"ORDER BY {pk} LIMIT %s{lock}"
        )
        update = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s"  # noqa: S608
        fernet = current_fernet()
        rotated = kept = 0
        last = 0  # below every key: the project's models all have integer keys from 1
        while True:
            # One transaction per batch, rows locked: a text saved meanwhile
            # waits, and is never overwritten by an older one.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select, [last, batch_size])
                rows = cursor.fetchall()
                for key, token in rows:
                    try:
                        newest.decrypt(token.encode("ascii"))
                        kept += 1
                        continue
                    except InvalidToken:
                        pass
                    try:
                        token = fernet.rotate(token.encode("ascii")).decode("ascii")
                    except InvalidToken:
                        raise CommandError(
                            f"{model._meta.label}.{field.name} #{key}: no key of "
                            "NOTE_ENCRYPTION_KEYS decrypts it; this batch was left as it was."
                        ) from None
                    cursor.execute(update, [token, key])
                    rotated += 1
            if len(rows) < batch_size:
                return rotated, kept
            last = rows[-1][0]
