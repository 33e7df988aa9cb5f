"""The partner directory leaves the clients app: its model is now partners.Partner.

Nothing is copied and, here, nothing in the database changes: the model
enters this app's state over the table the clients app created. Then
interventions 0003 and logbook 0003 point their fields at it, clients 0003
drops the old model from its state and moves its content type, and
partners 0002 renames the table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("clients", "0002_refold_names_without_hyphens_or_apostrophes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Partner",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("shelter", "Shelter"),
                                    ("drop_in", "Drop-in"),
                                    ("food", "Food"),
                                    ("housing", "Housing"),
                                    ("legal", "Legal"),
                                    ("health_clinic", "Health clinic"),
                                    ("income_support", "Income support"),
                                    ("harm_reduction", "Harm reduction"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "address",
                            models.CharField(blank=True, max_length=300, verbose_name="address"),
                        ),
                        (
                            "phone",
                            models.CharField(blank=True, max_length=40, verbose_name="phone"),
                        ),
                        (
                            "hours",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="opening hours"
                            ),
                        ),
                        ("notes", models.TextField(blank=True, verbose_name="notes")),
                        (
                            "is_active",
                            models.BooleanField(
                                default=True,
                                help_text=(
                                    "Untick when the organisation closes or stops working with us."
                                ),
                                verbose_name="active",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="updated at"),
                        ),
                    ],
                    options={
                        "verbose_name": "community partner",
                        "verbose_name_plural": "community partners",
                        "ordering": ["name", "pk"],
                        # The table clients 0001 created, until partners 0002.
                        "db_table": "clients_partner",
                    },
                ),
            ],
        ),
    ]
