"""Demo people and partners (invented). Idempotent: a person or partner whose
name is already there is left alone."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from peersupport.models import User

from . import services
from .choices import (
    ClosedReason,
    ConsentMethod,
    Decision,
    Gender,
    HealthCoverage,
    NoAnswer,
    PartnerKind,
    Purpose,
    ReferralSource,
    Situation,
    TeamRole,
)
from .models import Client, Partner

PARTNERS = [
    ("Refuge du Plateau", PartnerKind.SHELTER, "4120 rue Saint-Denis", "514 555-0101", "24/7"),
    (
        "Halte-accueil Verdun",
        PartnerKind.DROP_IN,
        "380 rue de l’Église",
        "514 555-0102",
        "Mon–Fri 9:00–16:00",
    ),
    (
        "Clinique communautaire Centre-Sud",
        PartnerKind.HEALTH_CLINIC,
        "1705 rue de la Visitation",
        "514 555-0103",
        "Mon–Thu 8:30–20:00",
    ),
    (
        "Aide juridique Ville-Marie",
        PartnerKind.LEGAL,
        "425 boul. de Maisonneuve O.",
        "514 555-0104",
        "Mon–Fri 9:00–17:00",
    ),
    (
        "Point de service réduction des méfaits",
        PartnerKind.HARM_REDUCTION,
        "2000 rue Ontario E.",
        "514 555-0105",
        "Every day 12:00–22:00",
    ),
]

# name, aliases, birth year, gender, coverage, situation, team ("a": peer+clinician,
# "b": peer2+clinician2), consents {purpose: (decision, days ago, expires in days)}, extra
PEOPLE = [
    (
        "Hélène",
        "Lène",
        1971,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        Situation.EMERGENCY_SHELTER,
        "a",
        {
            "peer_support": ("given", 200, None),
            "care_team_sharing": ("given", 200, 20),
            "research": ("given", 200, None),
        },
        {},
    ),
    (
        "Jean-François",
        "JF",
        1985,
        Gender.MAN,
        HealthCoverage.EXPIRED,
        Situation.STREET,
        "a",
        {"peer_support": ("given", 90, None), "care_team_sharing": ("given", 90, None)},
        {},
    ),
    (
        "Noémie",
        "",
        None,
        Gender.NON_BINARY,
        HealthCoverage.NONE,
        Situation.ENCAMPMENT,
        "a",
        {"peer_support": ("given", 30, None), "research": ("refused", 30, None)},
        {"birth_year_no_answer": NoAnswer.PREFERS_NOT, "pronouns": "iel"},
    ),
    (
        "Mathéo",
        "Teo",
        1999,
        Gender.MAN,
        HealthCoverage.HAS_CARD,
        Situation.WITH_OTHERS,
        "a",
        {"peer_support": ("given", 400, None), "care_team_sharing": ("given", 400, 300)},
        {},
    ),
    (
        "Anaïs",
        "",
        1990,
        Gender.WOMAN,
        HealthCoverage.UNKNOWN,
        Situation.TRANSITIONAL,
        "a",
        {
            "peer_support": ("given", 120, None),
            "care_team_sharing": ("withdrawn", 10, None),
            "research": ("given", 120, None),
        },
        {},
    ),
    (
        "Big Mike",
        "Michel",
        1968,
        Gender.MAN,
        HealthCoverage.HAS_CARD,
        Situation.HOSPITAL,
        "a",
        {"peer_support": ("given", 60, None), "care_team_sharing": ("given", 60, None)},
        {},
    ),
    (
        "Chloé",
        "Clo",
        2001,
        Gender.WOMAN,
        HealthCoverage.NOT_ASKED,
        Situation.VEHICLE,
        "a",
        {"peer_support": ("given", 14, None)},
        {},
    ),
    (
        "Étienne",
        "",
        1979,
        Gender.SELF_DESCRIBED,
        HealthCoverage.HAS_CARD,
        Situation.HOUSED_SUPPORTIVE,
        "a",
        {
            "peer_support": ("given", 300, None),
            "care_team_sharing": ("given", 300, 600),
            "research": ("withdrawn", 40, None),
        },
        {"gender_self_described": "genderfluid"},
    ),
    (
        "Kateri",
        "",
        1994,
        Gender.TWO_SPIRIT,
        HealthCoverage.HAS_CARD,
        Situation.DETOX,
        "a",
        {
            "peer_support": ("given", 45, None),
            "care_team_sharing": ("given", 45, None),
            "research": ("given", 45, None),
        },
        {"languages": "English, Kanien’kéha"},
    ),
    (
        "Réjean",
        "Ti-Rej",
        1960,
        Gender.MAN,
        HealthCoverage.EXPIRED,
        Situation.PRISON,
        "a",
        {"peer_support": ("given", 500, -100)},
        {"last_contact_days_ago": 120},
    ),
    (
        "Sylvie",
        "",
        1975,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        Situation.HOUSED_SUBSIDISED,
        "a",
        {"peer_support": ("given", 700, None)},
        {"closed": ClosedReason.NO_LONGER_NEEDED},
    ),
    (
        "Moïse",
        "Mo",
        1988,
        Gender.MAN,
        HealthCoverage.NONE,
        Situation.STREET,
        "a",
        {},
        {"legal_name_no_answer": NoAnswer.PREFERS_NOT},
    ),
    (
        "Zoé",
        "",
        2003,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        Situation.EMERGENCY_SHELTER,
        "a",
        {"peer_support": ("given", 5, None), "care_team_sharing": ("given", 5, 25)},
        {},
    ),
    (
        "Françoise",
        "Fanfan",
        1956,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        Situation.HOUSED_MARKET,
        "a",
        {"peer_support": ("given", 250, None), "research": ("given", 250, 10)},
        {},
    ),
    (
        "Yannick",
        "",
        1983,
        Gender.MAN,
        HealthCoverage.UNKNOWN,
        Situation.STREET,
        "b",
        {"peer_support": ("given", 80, None), "care_team_sharing": ("given", 80, None)},
        {},
    ),
    (
        "Ginette",
        "Gigi",
        1965,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        Situation.WITH_OTHERS,
        "b",
        {"peer_support": ("given", 100, None), "care_team_sharing": ("refused", 100, None)},
        {},
    ),
    (
        "Ahmed",
        "",
        1992,
        Gender.MAN,
        HealthCoverage.NONE,
        Situation.EMERGENCY_SHELTER,
        "b",
        {"peer_support": ("given", 20, None), "research": ("given", 20, None)},
        {"languages": "Arabic, French"},
    ),
    (
        "Maëlle",
        "",
        1997,
        Gender.DOESNT_KNOW,
        HealthCoverage.HAS_CARD,
        Situation.TRANSITIONAL,
        "b",
        {"peer_support": ("given", 150, None), "care_team_sharing": ("given", 150, 200)},
        {},
    ),
    (
        "Lucien",
        "Lulu",
        1958,
        Gender.MAN,
        HealthCoverage.HAS_CARD,
        Situation.UNKNOWN,
        "b",
        {"peer_support": ("given", 365, -30)},
        {"last_contact_days_ago": 200},
    ),
    ("Océane", "", 2000, Gender.WOMAN, HealthCoverage.NOT_ASKED, Situation.ENCAMPMENT, "b", {}, {}),
]


def _team(code):
    names = ("peer", "clinician") if code == "a" else ("peer2", "clinician2")
    return [User.objects.get(username=name) for name in names]


@transaction.atomic
def seed_partners() -> int:
    coordinator = User.objects.get(username="coordinator")
    created = 0
    for name, kind, address, phone, hours in PARTNERS:
        if Partner.objects.filter(name=name).exists():
            continue
        services.partner_save(
            acting_user=coordinator,
            partner=Partner(name=name, kind=kind, address=address, phone=phone, hours=hours),
        )
        created += 1
    return created


@transaction.atomic
def seed_people() -> int:
    coordinator = User.objects.get(username="coordinator")
    today = timezone.localdate()
    created = 0
    for index, (
        name,
        aliases,
        year,
        gender,
        coverage,
        situation,
        team,
        consents,
        extra,
    ) in enumerate(PEOPLE):
        if Client.objects.filter(display_name=name).exists():
            continue
        peer, clinician = _team(team)
        intake = today - timedelta(days=60 + 25 * index)
        details = {
            "display_name": name,
            "aliases": aliases,
            "birth_year": year,
            "gender": gender,
            "health_coverage": coverage,
            "intake_date": intake,
            "referral_source": list(ReferralSource)[index % len(ReferralSource)],
        }
        details.update(
            {k: v for k, v in extra.items() if k not in {"closed", "last_contact_days_ago"}}
        )
        client = services.client_register(acting_user=peer, details=details)
        services.client_record_situation(
            acting_user=peer, client=client, situation=Situation.UNKNOWN, recorded_on=intake
        )
        services.client_record_situation(
            acting_user=peer,
            client=client,
            situation=situation,
            recorded_on=today - timedelta(days=extra.get("last_contact_days_ago", index % 9)),
        )
        services.team_add_member(
            acting_user=coordinator, client=client, member=clinician, team_role=TeamRole.CLINICIAN
        )
        for purpose, (decision, days_ago, expires_in) in consents.items():
            decided_on = today - timedelta(days=days_ago)
            if decision == Decision.WITHDRAWN:
                services.consent_record(
                    acting_user=peer,
                    client=client,
                    purpose=Purpose(purpose),
                    decision=Decision.GIVEN,
                    decided_on=decided_on - timedelta(days=90),
                    method=ConsentMethod.VERBAL,
                )
            services.consent_record(
                acting_user=peer,
                client=client,
                purpose=Purpose(purpose),
                decision=Decision(decision),
                decided_on=decided_on,
                method=ConsentMethod.WRITTEN if decision == Decision.GIVEN else "",
                expires_on=today + timedelta(days=expires_in) if expires_in is not None else None,
            )
        if extra.get("closed"):
            services.client_close(acting_user=peer, client=client, reason=extra["closed"])
        created += 1
    return created
