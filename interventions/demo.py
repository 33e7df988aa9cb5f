"""Demo encounters, notes and one reviewed use of the safety exception
(invented). Idempotent: nothing is added once demo encounters exist."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clients.models import Client
from peersupport.models import User

from . import services
from .choices import Audience, ReviewStatus, Setting
from .models import Activity, EmergencyAccess, Encounter, Note

PEER_NOTES = [
    "Met at the drop-in. Tired but talkative; we went over the housing list together.",
    "Walked to the pharmacy together. Wants to try again with the detox waiting list.",
    "Court date moved to next month. I will go with them; they asked me to.",
    "Shared a bit of my own story about getting my ID back. They laughed, first time in weeks.",
    "Rough night outside. Brought a sleeping bag and harm-reduction kit.",
    "Filled in the income support form together. Missing a birth certificate.",
    "Came to the support group and stayed until the end.",
    "On en a parlé longtemps au refuge; veut qu’on rappelle la travailleuse sociale ensemble.",
]
SHARED_NOTES = [
    "For the team: appointment at the clinic Thursday 10:00, I will accompany.",
    "Said they stopped the medication two weeks ago because of side effects; "
    "worth asking at the next visit.",
    "Housing interview went well; the landlord wants a reference from the clinic.",
]
CLINICAL_NOTES = [
    "Wound care done; follow-up in one week. Discussed only with me, not to be shared.",
    "Medication reviewed; the person asked that this stays within the clinical team.",
]
ANSWERS = ["Thanks, noted for Thursday. I will bring the referral letter."]
ADDENDA = ["Correction: the appointment is Friday, not Thursday."]


@transaction.atomic
def seed_encounters() -> int:
    if Encounter.objects.exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 (invented demo data, same every time)
    now = timezone.now()
    activities = list(Activity.objects.filter(is_active=True))
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "peer",
                "peer2",
                "clinician",
                "clinician2",
                "coordinator",
            ]
        )
    }
    settings_pool = [
        Setting.STREET,
        Setting.SHELTER,
        Setting.CLINIC,
        Setting.PHONE,
        Setting.HOSPITAL,
        Setting.COURT,
        Setting.PARTNER,
        Setting.HOME,
    ]
    created = 0
    for client in Client.objects.filter(merged_into__isnull=True, closed_on__isnull=True):
        team = {m.member.username for m in client.memberships.filter(left_on__isnull=True)}
        peer = users["peer"] if "peer" in team else users["peer2"]
        clinician = users["clinician"] if "clinician" in team else users["clinician2"]
        span = max((now.date() - client.intake_date).days, 1)
        for _ in range(rng.randint(8, 16)):
            when = now - timedelta(days=rng.randint(0, min(span, 540)), hours=rng.randint(0, 9))
            encounter = services.encounter_log(
                acting_user=peer,
                client=client,
                occurred_at=when,
                duration_minutes=rng.choice([15, 20, 30, 45, 60, 90, 180]),
                setting=rng.choice(settings_pool),
                activities=rng.sample(activities, rng.randint(1, 3)),
                participants=[clinician] if rng.random() < 0.25 else [],
            )
            created += 1
            if rng.random() < 0.5:
                services.note_start(
                    acting_user=peer,
                    client=client,
                    encounter=encounter,
                    audience=Audience.PEER_TEAM,
                    body=rng.choice(PEER_NOTES),
                )
        _notes_for(client, peer, clinician, rng)
    for _ in range(60):
        services.encounter_log(
            acting_user=rng.choice([users["peer"], users["peer2"]]),
            anonymous_count=rng.randint(1, 6),
            anonymous_description=rng.choice(
                ["Group by the metro", "Under the bridge", "Park bench"]
            ),
            occurred_at=now - timedelta(days=rng.randint(0, 540)),
            setting=Setting.STREET,
            activities=rng.sample(activities, 1),
        )
        created += 1
    # Sign the peers' drafts, but leave a few as drafts.
    drafts = list(Note.objects.filter(status="draft").order_by("pk"))
    for note in drafts[:-3]:
        services.note_sign(acting_user=note.author, note=note)
    _safety_exception(users)
    return created


def _notes_for(client, peer, clinician, rng):
    from .access import audiences_for

    sharing = Audience.CARE_TEAM in audiences_for(peer, client)
    if sharing:
        shared = services.note_start(
            acting_user=peer,
            client=client,
            audience=Audience.CARE_TEAM,
            body=rng.choice(SHARED_NOTES),
        )
        services.note_sign(acting_user=peer, note=shared)
        answer = services.note_start(
            acting_user=clinician,
            client=client,
            audience=Audience.CARE_TEAM,
            body=rng.choice(ANSWERS),
        )
        services.note_sign(acting_user=clinician, note=answer)
        if rng.random() < 0.4:
            services.note_add_addendum(acting_user=peer, note=shared, body=rng.choice(ADDENDA))
    if rng.random() < 0.5:
        clinical = services.note_start(
            acting_user=clinician,
            client=client,
            audience=Audience.CLINICAL_TEAM,
            body=rng.choice(CLINICAL_NOTES),
        )
        services.note_sign(acting_user=clinician, note=clinical)


def _safety_exception(users):
    client = Client.objects.filter(display_name="Big Mike").first()
    if client is None:
        return
    grant = EmergencyAccess.objects.create(
        client=client,
        user=users["clinician"],
        reason="medical_emergency",
        justification="Found unconscious at the shelter; paramedics asked what he had taken.",
        granted_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(days=20) + timedelta(hours=1),
        disclosed_what="Substances mentioned in the peer's last note",
        disclosed_to="Paramedic crew on site",
        disclosure_purpose="Emergency treatment",
    )
    services.emergency_access_review(
        acting_user=users["coordinator"],
        grant=grant,
        status=ReviewStatus.REVIEWED,
        comment="Justified: medical emergency, disclosure limited to the crew.",
    )
