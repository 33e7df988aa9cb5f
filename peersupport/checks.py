"""System check: NOTE_ENCRYPTION_KEYS read what the database holds.

Tagged ``database`` (it asks the database), so it runs with
``manage.py check --database default`` and before ``migrate``, which then
refuses to run with wrong keys; ``check --deploy`` without a database skips it.
"""

from django.core.checks import Error, Tags, register


@register(Tags.database)
def check_note_encryption_keys(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    from .key_check import check_keys

    status = check_keys(thorough=True)
    if not status.is_known:
        # A fresh database: nothing stored, nothing to compare the keys with.
        return []
    if status.is_usable:
        return []
    return [
        Error(
            "NOTE_ENCRYPTION_KEYS do not decrypt " + ", ".join(status.unreadable) + ".",
            hint=(
                "Configure the keys the data was written with (the newest first, every key "
                "still in use after it). Until then confidential pages answer 503 and nothing "
                "encrypted is written."
            ),
            id="peersupport.E001",
        )
    ]
