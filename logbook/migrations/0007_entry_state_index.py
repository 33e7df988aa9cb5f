"""The logbook matrix asks whether the entries changed (their number and
latest change) at every request: an index of the entries not in the bin, by
latest change and number, answers from the index alone rather than from
every entry's row."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("logbook", "0006_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["updated_at", "id"],
                name="logbook_entry_state",
            ),
        ),
    ]
