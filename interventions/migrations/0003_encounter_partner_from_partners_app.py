"""An encounter's partner is now a partners.Partner (the model moved apps).

State only: the column and its foreign key stay as they are, on the same
table (partners 0002 renames it later, and the key follows)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interventions", "0002_seed_peer_activities"),
        ("partners", "0001_partner_moved_from_clients"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="encounter",
                    name="partner",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="encounters",
                        to="partners.partner",
                        verbose_name="partner organisation",
                    ),
                ),
            ],
        ),
    ]
