"""Free text about a person, encrypted at rest like note bodies: the columns turn
into ConfidentialTextField / ConfidentialCharField, then the plain text already
stored is encrypted with the first key (reversible: the reverse decrypts first)."""

from django.db import migrations

import peersupport.fields
from peersupport.migration_operations import AlterToConfidential, encrypt_existing_text


class Migration(migrations.Migration):
    dependencies = [
        ("peersupport", "0007_key_check"),
        ("staff", "0001_programme_staff"),
    ]

    operations = [
        AlterToConfidential(
            model_name="onboardingitem",
            name="comment",
            field=peersupport.fields.ConfidentialCharField(
                blank=True, max_length=200, verbose_name="comment"
            ),
        ),
        encrypt_existing_text("staff.onboardingitem", "comment"),
    ]
