"""The register reads its pages through an index in its own order (by the
folded name used, then number), and its name searches (``LIKE '%...%'`` on
the folded copies) through trigram indexes on PostgreSQL; SQLite keeps
scanning, which is what it did, and gets only the B-tree."""

from django.db import migrations, models

from peersupport.migration_operations import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_encrypt_free_text_about_people"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="client",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True)),
                fields=["display_key", "id"],
                name="client_by_name",
            ),
        ),
        # search_text: the care team's search (every name); display_key: the
        # search for people outside one's teams (the name used only).
        trigram_indexes(
            "clients_client",
            {
                "client_search_text_trgm": '"search_text"',
                "client_display_key_trgm": '"display_key"',
            },
        ),
    ]
