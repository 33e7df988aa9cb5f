"""The logbook's search (``icontains`` on the title and the narrative, which
PostgreSQL runs as ``UPPER(column::text) LIKE UPPER('%...%')``) reads trigram
indexes on PostgreSQL instead of every narrative; SQLite keeps scanning."""

from django.db import migrations

from peersupport.migration_operations import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("logbook", "0005_research_figures_summary"),
    ]

    operations = [
        trigram_indexes(
            "logbook_entry",
            {
                "logbook_entry_title_trgm": 'UPPER("title"::text)',
                "logbook_entry_narrative_trgm": 'UPPER("narrative"::text)',
            },
        ),
    ]
