"""Free text about a person, encrypted at rest like note bodies: the columns turn
into ConfidentialTextField / ConfidentialCharField, then the plain text already
stored is encrypted with the first key (reversible: the reverse decrypts first)."""

from django.db import migrations

import peersupport.fields
from peersupport.migration_operations import AlterToConfidential, encrypt_existing_text


class Migration(migrations.Migration):
    dependencies = [
        ("peersupport", "0007_key_check"),
        ("interventions", "0005_notification_debriefing_requested"),
    ]

    operations = [
        AlterToConfidential(
            model_name="emergencyaccess",
            name="disclosed_to",
            field=peersupport.fields.ConfidentialCharField(
                blank=True, max_length=200, verbose_name="to whom"
            ),
        ),
        AlterToConfidential(
            model_name="emergencyaccess",
            name="disclosure_purpose",
            field=peersupport.fields.ConfidentialTextField(
                blank=True, verbose_name="why it was disclosed"
            ),
        ),
        AlterToConfidential(
            model_name="emergencyaccess",
            name="justification",
            field=peersupport.fields.ConfidentialTextField(verbose_name="justification"),
        ),
        AlterToConfidential(
            model_name="emergencyaccess",
            name="review_comment",
            field=peersupport.fields.ConfidentialTextField(
                blank=True, verbose_name="review comment"
            ),
        ),
        AlterToConfidential(
            model_name="encounter",
            name="anonymous_description",
            field=peersupport.fields.ConfidentialCharField(
                blank=True,
                help_text="No names or identifying details.",
                max_length=200,
                verbose_name="short description",
            ),
        ),
        AlterToConfidential(
            model_name="peerrequest",
            name="reason",
            field=peersupport.fields.ConfidentialTextField(
                verbose_name="what the person could use a peer for"
            ),
        ),
        encrypt_existing_text(
            "interventions.emergencyaccess",
            "disclosed_to",
            "disclosure_purpose",
            "justification",
            "review_comment",
        ),
        encrypt_existing_text("interventions.encounter", "anonymous_description"),
        encrypt_existing_text("interventions.peerrequest", "reason"),
    ]
