"""Free text about a person, encrypted at rest like note bodies: the columns turn
into ConfidentialTextField / ConfidentialCharField, then the plain text already
stored is encrypted with the first key (reversible: the reverse decrypts first)."""

from django.db import migrations

import peersupport.fields
from peersupport.migration_operations import AlterToConfidential, encrypt_existing_text


class Migration(migrations.Migration):
    dependencies = [
        ("peersupport", "0007_key_check"),
        ("clients", "0005_dual_relationships"),
    ]

    operations = [
        AlterToConfidential(
            model_name="careteammembership",
            name="reason",
            field=peersupport.fields.ConfidentialTextField(blank=True, verbose_name="reason"),
        ),
        AlterToConfidential(
            model_name="client",
            name="closed_note",
            field=peersupport.fields.ConfidentialTextField(blank=True, verbose_name="closing note"),
        ),
        AlterToConfidential(
            model_name="client",
            name="gender_self_described",
            field=peersupport.fields.ConfidentialCharField(
                blank=True, max_length=80, verbose_name="gender, in their words"
            ),
        ),
        AlterToConfidential(
            model_name="client",
            name="referral_detail",
            field=peersupport.fields.ConfidentialCharField(
                blank=True, max_length=200, verbose_name="referral detail"
            ),
        ),
        AlterToConfidential(
            model_name="client",
            name="where_to_find",
            field=peersupport.fields.ConfidentialTextField(
                blank=True,
                help_text="A shelter, a corner, a drop-in, times.",
                verbose_name="where to find them",
            ),
        ),
        AlterToConfidential(
            model_name="clientmerge",
            name="reason",
            field=peersupport.fields.ConfidentialTextField(
                verbose_name="why they are the same person"
            ),
        ),
        AlterToConfidential(
            model_name="consent",
            name="comment",
            field=peersupport.fields.ConfidentialTextField(blank=True, verbose_name="comment"),
        ),
        AlterToConfidential(
            model_name="livingsituation",
            name="detail",
            field=peersupport.fields.ConfidentialCharField(
                blank=True,
                help_text="Which shelter, which area.",
                max_length=200,
                verbose_name="detail",
            ),
        ),
        encrypt_existing_text("clients.careteammembership", "reason"),
        encrypt_existing_text(
            "clients.client",
            "closed_note",
            "gender_self_described",
            "referral_detail",
            "where_to_find",
        ),
        encrypt_existing_text("clients.clientmerge", "reason"),
        encrypt_existing_text("clients.consent", "comment"),
        encrypt_existing_text("clients.livingsituation", "detail"),
    ]
