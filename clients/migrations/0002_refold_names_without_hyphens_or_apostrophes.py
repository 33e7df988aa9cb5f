"""Recompute the folded name copies of every existing person now that search
also ignores hyphens and apostrophes ("jean francois" finds "Jean-François").

The fold below is a frozen copy of clients.models.fold as of this migration:
migrations never import app code, which may change after them.
"""

import unicodedata

from django.db import migrations

_APOSTROPHES = frozenset("'\u2018\u2019\u02bc`")


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", (text or "").replace("\u00ad", ""))
    bare = "".join(
        " " if ch in _APOSTROPHES or unicodedata.category(ch) == "Pd" else ch
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
    return " ".join(bare.casefold().split())


def refold_names(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    changed = []
    for client in Client.objects.only(
        "display_name",
        "aliases",
        "legal_first_name",
        "legal_last_name",
        "search_text",
        "display_key",
    ).iterator(chunk_size=500):
        legal = " ".join(p for p in (client.legal_first_name, client.legal_last_name) if p)
        aliases = [line.strip() for line in client.aliases.splitlines() if line.strip()]
        search_text = _fold(" ".join([client.display_name, legal, *aliases]))
        display_key = _fold(client.display_name)
        if (search_text, display_key) != (client.search_text, client.display_key):
            client.search_text, client.display_key = search_text, display_key
            changed.append(client)
    # bulk_update writes only these two columns: no updated_at bump, no audit entry
    # for what is an index, not a change a person made.
    Client.objects.bulk_update(changed, ["search_text", "display_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_register_care_teams_consent_partners"),
    ]

    operations = [
        migrations.RunPython(refold_names, migrations.RunPython.noop, elidable=True),
    ]
