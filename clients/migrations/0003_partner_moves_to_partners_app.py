"""The clients app hands the partner directory to the partners app.

partners 0001 took over the model; interventions 0003 and logbook 0003 point
their fields at partners.Partner. Here the clients app forgets the model (its
state only: the table stays, partners 0002 renames it) and its content type
is relabelled, so the audit entries and permissions that refer to it (by
content type id) now refer to partners.Partner, with the same id."""

from django.db import migrations


def _relabel(apps, schema_editor, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    if not content_types.filter(app_label=old_label, model="partner").exists():
        return  # a new database: post_migrate creates partners.partner afterwards
    # A row under the new label exists only if post_migrate ran while both
    # models were in the state (someone migrated to partners 0001 alone); it
    # holds nothing but the default permissions created with it. The old row
    # carries the history, so it wins.
    content_types.filter(app_label=new_label, model="partner").delete()
    content_types.filter(app_label=old_label, model="partner").update(app_label=new_label)
    ContentType.objects.clear_cache()


def to_partners(apps, schema_editor):
    _relabel(apps, schema_editor, "clients", "partners")


def back_to_clients(apps, schema_editor):
    _relabel(apps, schema_editor, "partners", "clients")


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0002_refold_names_without_hyphens_or_apostrophes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0001_partner_moved_from_clients"),
        # Nothing may point at clients.Partner once it leaves the state.
        ("interventions", "0003_encounter_partner_from_partners_app"),
        ("logbook", "0003_entry_partners_from_partners_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Partner")],
        ),
        migrations.RunPython(to_partners, back_to_clients),
    ]
