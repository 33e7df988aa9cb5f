"""An entry's partners are now partners.Partner rows (the model moved apps).

State only: the link table logbook_entry_partners keeps its name and its
columns (entry_id, partner_id), and its foreign key stays on the same table
(partners 0002 renames it later, and the key follows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("logbook", "0002_seed_starting_codebook"),
        ("partners", "0001_partner_moved_from_clients"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="partners",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="logbook_entries",
                        to="partners.partner",
                        verbose_name="partner organisations involved",
                    ),
                ),
            ],
        ),
    ]
