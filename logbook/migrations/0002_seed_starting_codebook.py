"""The starting codebook: barriers and facilitators that implementation
studies of peer support keep finding. Researchers edit, add and merge themes."""

from django.db import migrations

CODEBOOK = {
    ("Facilitators", "Facilitateurs", "facilitator"): [
        (
            "Backing from supervisors and reference colleagues",
            "Appui de la supervision et des collègues de référence",
        ),
        ("A clear role with known limits", "Un rôle clair aux limites connues"),
        (
            "Institutional support: office, badge, computer, staff services",
            "Soutien de l’établissement : bureau, carte, ordinateur, services au personnel",
        ),
        ("Training and room to grow", "Formation et possibilités de progresser"),
        ("Coping strategies suited to the peer", "Stratégies d’adaptation propres au pair"),
        ("The research team as outside support", "L’équipe de recherche comme soutien externe"),
        ("A crisis that opens a window", "Une crise qui ouvre une fenêtre d’opportunité"),
    ],
    ("Barriers", "Obstacles", "barrier"): [
        ("Role left unclear", "Rôle resté flou"),
        ("Hostility or stigma from other staff", "Hostilité ou stigmatisation d’autres employés"),
        (
            "Unsupportive setting, red tape and gatekeeping",
            "Milieu peu soutenant, lourdeurs administratives et contrôle d’accès",
        ),
        ("Working in silos", "Travail en silos"),
        ("Uncertain funding", "Financement incertain"),
        ("No job title that fits", "Aucun titre d’emploi adapté"),
        (
            "Worries about confidentiality and access to records",
            "Inquiétudes sur la confidentialité et l’accès aux dossiers",
        ),
        (
            "Safety and exposure risks for the peer",
            "Risques de sécurité et d’exposition pour le pair",
        ),
        (
            "Dual relationships: a former carer now a colleague",
            "Relations doubles : un ancien soignant devenu collègue",
        ),
    ],
}


def seed(apps, schema_editor):
    Theme = apps.get_model("logbook", "Theme")
    for (name, name_fr, polarity), children in CODEBOOK.items():
        parent, _ = Theme.objects.get_or_create(
            name=name, parent=None, defaults={"name_fr": name_fr, "polarity": polarity}
        )
        for child, child_fr in children:
            Theme.objects.get_or_create(
                name=child, defaults={"name_fr": child_fr, "polarity": polarity, "parent": parent}
            )


class Migration(migrations.Migration):
    dependencies = [("logbook", "0001_stages_codebook_entries")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
