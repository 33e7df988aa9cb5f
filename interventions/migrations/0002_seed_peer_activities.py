"""The starting activity list: the peer work the programme does, with the
matching HIFIS and HMIS service types where one exists. Coordinators edit it."""

from django.db import migrations

ACTIVITIES = [
    # English, French, HIFIS service type, HMIS service
    ("Listening and emotional support", "Écoute et soutien émotionnel", "Support services", ""),
    ("Sharing lived experience", "Partage du vécu", "Support services", ""),
    ("Housing search", "Recherche de logement", "Housing search", "Housing search/placement"),
    (
        "Accompaniment to a medical appointment",
        "Accompagnement à un rendez-vous médical",
        "Accompaniment",
        "Transportation",
    ),
    ("Accompaniment to court", "Accompagnement au tribunal", "Accompaniment", "Legal services"),
    (
        "Linking to a resource",
        "Orientation vers une ressource",
        "Referral",
        "Referral to other service",
    ),
    (
        "Help with paperwork: ID",
        "Aide aux démarches : pièces d’identité",
        "Identification",
        "Case management",
    ),
    (
        "Help with paperwork: income",
        "Aide aux démarches : revenu",
        "Income support",
        "Case management",
    ),
    (
        "Help with paperwork: health coverage",
        "Aide aux démarches : couverture santé",
        "Health",
        "Case management",
    ),
    (
        "Harm-reduction supplies",
        "Matériel de réduction des méfaits",
        "Harm reduction",
        "Outreach services",
    ),
    ("Crisis support", "Soutien en situation de crise", "Crisis support", "Crisis intervention"),
    ("Support group", "Groupe de soutien", "Group support", "Support group"),
]


def seed(apps, schema_editor):
    Activity = apps.get_model("interventions", "Activity")
    for position, (name_en, name_fr, hifis, hmis) in enumerate(ACTIVITIES, start=1):
        Activity.objects.get_or_create(
            name_en=name_en,
            defaults={
                "name_fr": name_fr,
                "hifis_code": hifis,
                "hmis_code": hmis,
                "position": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_encounters_notes_emergency_access")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
