"""The starting kinds of accompaniment, each with the activity its encounter
records (matched by English name; none when the activity list was changed).
Coordinators edit the list."""

from django.db import migrations

KINDS = [
    # English, French, English name of the activity its encounter records
    (
        "Medical appointment",
        "Rendez-vous médical",
        "Accompaniment to a medical appointment",
    ),
    ("Court", "Tribunal", "Accompaniment to court"),
    ("Housing visit", "Visite de logement", "Housing search"),
    ("Income support office", "Bureau de l’aide au revenu", "Help with paperwork: income"),
    ("Identity papers", "Pièces d’identité", "Help with paperwork: ID"),
    ("Other", "Autre", ""),
]


def seed(apps, schema_editor):
    kind_model = apps.get_model("agenda", "AccompanimentKind")
    activity_model = apps.get_model("interventions", "Activity")
    for position, (english, french, activity_name) in enumerate(KINDS):
        if kind_model.objects.filter(name_en=english).exists():
            continue  # run again by the browser tests after a flush: skip what is there
        activity = (
            activity_model.objects.filter(name_en=activity_name).first() if activity_name else None
        )
        kind_model.objects.create(
            name_en=english, name_fr=french, activity=activity, position=position * 10
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0001_follow_ups_accompaniments_calendar_feeds"),
        ("interventions", "0002_seed_peer_activities"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
