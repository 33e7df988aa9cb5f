"""Free text about a person, encrypted at rest like note bodies: the columns turn
into ConfidentialTextField / ConfidentialCharField, then the plain text already
stored is encrypted with the first key (reversible: the reverse decrypts first)."""

from django.db import migrations

import peersupport.fields
from peersupport.migration_operations import AlterToConfidential, encrypt_existing_text


class Migration(migrations.Migration):
    dependencies = [
        ("peersupport", "0007_key_check"),
        ("agenda", "0003_kind_setting_of_its_encounter"),
    ]

    operations = [
        AlterToConfidential(
            model_name="followup",
            name="place_text",
            field=peersupport.fields.ConfidentialCharField(
                blank=True,
                help_text="An address or a service, never the person’s name.",
                max_length=200,
                verbose_name="place",
            ),
        ),
        encrypt_existing_text("agenda.followup", "place_text"),
    ]
