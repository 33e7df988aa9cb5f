"""Demo people and partners (invented), as a programme in use: people met
over two years, some now inactive or closed, care teams that others joined,
one duplicate record merged. Idempotent: a person or partner whose name is
already there is left alone, and each later step runs once.

Services stamp "now" on what they create; the demo then dates each row to
when it happened (``demo.accounts.restamp``)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clients import services
from clients.choices import (
    ClosedReason,
    ConsentMethod,
    Decision,
    Gender,
    HealthCoverage,
    NoAnswer,
    Purpose,
    ReferralSource,
    Situation,
    TeamRole,
)
from clients.models import CareTeamMembership, Client, ClientMerge, LivingSituation
from demo.accounts import moment, restamp
from partners import services as partner_services
from partners.choices import PartnerKind
from partners.models import Partner
from peersupport.models import User

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
    (
        "Comité logement du Sud-Ouest",
        PartnerKind.HOUSING,
        "1500 rue Charlevoix",
        "514 555-0106",
        "Tue–Thu 10:00–16:00",
    ),
]

# Who registers a person and who is assigned with them: team "a" or "b", or
# the username of a clinician who registered the person alone.
TEAMS = {"a": ("peer", "clinician"), "b": ("peer2", "clinician2")}

PS, SHARING, RESEARCH = Purpose.PEER_SUPPORT, Purpose.CARE_TEAM_SHARING, Purpose.RESEARCH
GIVEN, REFUSED, WITHDRAWN = Decision.GIVEN, Decision.REFUSED, Decision.WITHDRAWN


@dataclass(frozen=True)
class DemoPerson:
    name: str
    team: str
    intake: int  # days ago
    year: int | None
    gender: str
    coverage: str
    referral: str
    # (days ago, situation, detail), oldest first
    situations: tuple = ()
    # (purpose, decision, days ago, valid for so many days or None), oldest first
    consents: tuple = ()
    aliases: str = ""
    details: dict = field(default_factory=dict)


PEOPLE = [
    DemoPerson(
        "Hélène",
        "a",
        240,
        1971,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.SHELTER,
        ((240, Situation.STREET, ""), (236, Situation.EMERGENCY_SHELTER, "Refuge du Plateau")),
        ((PS, GIVEN, 240, None), (SHARING, GIVEN, 240, 260), (RESEARCH, GIVEN, 240, None)),
        aliases="Lène",
    ),
    DemoPerson(
        "Jean-François",
        "a",
        150,
        1985,
        Gender.MAN,
        HealthCoverage.EXPIRED,
        ReferralSource.OUTREACH,
        (
            (150, Situation.STREET, "sous le viaduc"),
            (40, Situation.EMERGENCY_SHELTER, "Refuge du Plateau"),
            (20, Situation.STREET, ""),
        ),
        ((PS, GIVEN, 150, None), (SHARING, GIVEN, 148, None)),
        aliases="JF",
        details={"languages": "Français"},
    ),
    DemoPerson(
        "Noémie",
        "a",
        35,
        None,
        Gender.NON_BINARY,
        HealthCoverage.NONE,
        ReferralSource.OUTREACH,
        ((35, Situation.ENCAMPMENT, "by the canal"),),
        ((PS, GIVEN, 35, None), (RESEARCH, REFUSED, 35, None)),
        details={"birth_year_no_answer": NoAnswer.PREFERS_NOT, "pronouns": "iel / they"},
    ),
    DemoPerson(
        "Mathéo",
        "a",
        410,
        1999,
        Gender.MAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.CLINIC_TEAM,
        ((410, Situation.WITH_OTHERS, "at a cousin's"), (25, Situation.HOUSED_MARKET, "a room")),
        ((PS, GIVEN, 410, None), (SHARING, GIVEN, 400, 700)),
        aliases="Teo",
    ),
    DemoPerson(
        "Anaïs",
        "a",
        130,
        1990,
        Gender.WOMAN,
        HealthCoverage.UNKNOWN,
        ReferralSource.COMMUNITY,
        ((130, Situation.TRANSITIONAL, ""),),
        (
            (PS, GIVEN, 130, None),
            (SHARING, GIVEN, 130, None),
            (RESEARCH, GIVEN, 130, None),
            (SHARING, WITHDRAWN, 10, None),
        ),
    ),
    DemoPerson(
        "Big Mike",
        "a",
        70,
        1968,
        Gender.MAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.OUTREACH,
        (
            (70, Situation.STREET, "near the metro"),
            (21, Situation.HOSPITAL, ""),
            (6, Situation.HOUSED_MARKET, "rooming house"),
        ),
        ((PS, GIVEN, 70, None), (SHARING, GIVEN, 68, None)),
        aliases="Michel",
    ),
    DemoPerson(
        "Chloé",
        "a",
        16,
        2001,
        Gender.WOMAN,
        HealthCoverage.NOT_ASKED,
        ReferralSource.SELF,
        ((16, Situation.VEHICLE, "with her dog"),),
        ((PS, GIVEN, 15, None),),
        aliases="Clo",
    ),
    DemoPerson(
        "Étienne",
        "a",
        300,
        1979,
        Gender.SELF_DESCRIBED,
        HealthCoverage.HAS_CARD,
        ReferralSource.HOSPITAL,
        ((300, Situation.HOUSED_SUPPORTIVE, ""),),
        (
            (PS, GIVEN, 300, None),
            (SHARING, GIVEN, 300, 900),
            (RESEARCH, GIVEN, 300, None),
            (RESEARCH, WITHDRAWN, 40, None),
        ),
        details={"gender_self_described": "genderfluid", "pronouns": "they"},
    ),
    DemoPerson(
        "Kateri",
        "a",
        45,
        1994,
        Gender.TWO_SPIRIT,
        HealthCoverage.HAS_CARD,
        ReferralSource.COMMUNITY,
        ((45, Situation.DETOX, ""),),
        ((PS, GIVEN, 45, None), (SHARING, GIVEN, 45, None), (RESEARCH, GIVEN, 45, None)),
        details={"languages": "English, Kanien’kéha"},
    ),
    DemoPerson(
        "Réjean",
        "a",
        520,
        1960,
        Gender.MAN,
        HealthCoverage.EXPIRED,
        ReferralSource.JUSTICE,
        ((520, Situation.STREET, ""), (300, Situation.PRISON, "")),
        ((PS, GIVEN, 500, 400),),
        aliases="Ti-Rej",
        details={"languages": "Français"},
    ),
    DemoPerson(
        "Sylvie",
        "a",
        710,
        1975,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.SHELTER,
        ((710, Situation.EMERGENCY_SHELTER, ""), (450, Situation.HOUSED_SUBSIDISED, "HLM")),
        ((PS, GIVEN, 700, None),),
        details={"languages": "Français"},
    ),
    DemoPerson(
        "Moïse",
        "a",
        55,
        1988,
        Gender.MAN,
        HealthCoverage.NONE,
        ReferralSource.OUTREACH,
        ((55, Situation.STREET, ""),),
        aliases="Mo",
        details={"legal_name_no_answer": NoAnswer.PREFERS_NOT},
    ),
    DemoPerson(
        "Zoé",
        "a",
        6,
        2003,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.SHELTER,
        ((6, Situation.EMERGENCY_SHELTER, "Refuge du Plateau"),),
        ((PS, GIVEN, 5, None), (SHARING, GIVEN, 5, 30)),
    ),
    DemoPerson(
        "Françoise",
        "a",
        260,
        1956,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.FAMILY_FRIEND,
        ((260, Situation.HOUSED_MARKET, ""),),
        ((PS, GIVEN, 255, None), (RESEARCH, GIVEN, 255, 265)),
        aliases="Fanfan",
        details={"languages": "Français"},
    ),
    DemoPerson(
        "Yannick",
        "b",
        85,
        1983,
        Gender.MAN,
        HealthCoverage.UNKNOWN,
        ReferralSource.OUTREACH,
        ((85, Situation.STREET, "metro entrance"), (9, Situation.EMERGENCY_SHELTER, "")),
        ((PS, GIVEN, 84, None), (SHARING, GIVEN, 80, None)),
    ),
    DemoPerson(
        "Ginette",
        "b",
        100,
        1965,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.FAMILY_FRIEND,
        ((100, Situation.WITH_OTHERS, "chez sa fille"),),
        ((PS, GIVEN, 100, None), (SHARING, REFUSED, 100, None)),
        aliases="Gigi",
        details={"languages": "Français"},
    ),
    DemoPerson(
        "Ahmed",
        "b",
        20,
        1992,
        Gender.MAN,
        HealthCoverage.NONE,
        ReferralSource.SHELTER,
        ((20, Situation.EMERGENCY_SHELTER, "Refuge du Plateau"),),
        ((PS, GIVEN, 20, None), (RESEARCH, GIVEN, 20, None)),
        details={"languages": "Arabic, French"},
    ),
    DemoPerson(
        "Maëlle",
        "b",
        150,
        1997,
        Gender.DOESNT_KNOW,
        HealthCoverage.HAS_CARD,
        ReferralSource.COMMUNITY,
        ((150, Situation.TRANSITIONAL, ""),),
        ((PS, GIVEN, 150, None), (SHARING, GIVEN, 150, 350)),
    ),
    DemoPerson(
        "Lucien",
        "b",
        365,
        1958,
        Gender.MAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.HOSPITAL,
        ((365, Situation.STREET, "chambres à la semaine"),),
        ((PS, GIVEN, 365, 335),),
        aliases="Lulu",
        details={"languages": "Français"},
    ),
    DemoPerson(
        "Océane",
        "b",
        42,
        2000,
        Gender.WOMAN,
        HealthCoverage.NOT_ASKED,
        ReferralSource.OUTREACH,
        ((42, Situation.ENCAMPMENT, ""),),
    ),
    DemoPerson(
        "Gaston",
        "b",
        330,
        1963,
        Gender.MAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.SHELTER,
        ((330, Situation.EMERGENCY_SHELTER, ""), (150, Situation.WITH_OTHERS, "")),
        ((PS, GIVEN, 330, None),),
        details={"languages": "Français"},
    ),
    # Registered again by another peer who did not recognise him; merged later.
    DemoPerson(
        "Mike B.",
        "peer2",
        90,
        1968,
        Gender.MAN,
        HealthCoverage.NOT_ASKED,
        ReferralSource.SHELTER,
        ((90, Situation.STREET, ""),),
        ((PS, GIVEN, 90, None),),
    ),
    # Registered by a clinician, who then asked for a peer.
    DemoPerson(
        "Patrice",
        "clinician",
        12,
        1977,
        Gender.MAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.HOSPITAL,
        ((12, Situation.WITH_OTHERS, "a friend's couch"),),
        ((PS, GIVEN, 12, None), (SHARING, GIVEN, 12, None)),
    ),
    DemoPerson(
        "Rosalie",
        "clinician2",
        6,
        1986,
        Gender.WOMAN,
        HealthCoverage.HAS_CARD,
        ReferralSource.CLINIC_TEAM,
        ((6, Situation.EMERGENCY_SHELTER, ""),),
        ((PS, GIVEN, 6, None), (SHARING, GIVEN, 6, None)),
        details={"languages": "Français"},
    ),
    DemoPerson(
        "Dave",
        "clinician",
        40,
        1971,
        Gender.MAN,
        HealthCoverage.EXPIRED,
        ReferralSource.CLINIC_TEAM,
        ((40, Situation.STREET, ""),),
        ((PS, GIVEN, 40, None), (SHARING, GIVEN, 40, None)),
    ),
]

# Peers and clinicians who met someone and joined their team: (person,
# username, days ago, reason).
JOINS = [
    (
        "Yannick",
        "clinician",
        58,
        "Treated Yannick's foot at the clinic walk-in while Marc was away; "
        "he asked me to stay involved.",
    ),
    (
        "Kateri",
        "clinician2",
        28,
        "Met Kateri at the detox intake; I follow her opioid agonist treatment at the clinic.",
    ),
    (
        "Noémie",
        "peer2",
        25,
        "Covering the canal encampment rounds while Alex is on holiday; "
        "met Noémie there on Tuesday.",
    ),
    (
        "Ahmed",
        "peer",
        17,
        "Met Ahmed at the Refuge du Plateau on my round. He asked for help with his "
        "work permit forms, and Sam is only there on Fridays.",
    ),
    (
        "Zoé",
        "clinician2",
        4,
        "I am the nurse at the shelter clinic Zoé goes to; she asked me to be on her team.",
    ),
]
# (person, username, days ago): someone who joined for a while and left.
DEPARTURES = [("Noémie", "peer2", 12)]
# person: (days ago, reason, note)
CLOSURES = {
    "Sylvie": (
        45,
        ClosedReason.NO_LONGER_NEEDED,
        "Settled in her apartment and working part time. She knows she can come back.",
    ),
    "Gaston": (
        80,
        ClosedReason.MOVED,
        "Moved to Gatineau to live near his daughter; he has the address of a drop-in there.",
    ),
}
MERGE = (
    "Big Mike",
    "Mike B.",
    18,
    "Same person: Mike B. is Big Mike (Michel, born 1968). He confirmed it when "
    "Sam visited him at the hospital.",
)


def _user(username) -> User:
    return User.objects.get(username=username)


def _day(days_ago):
    return timezone.localdate() - timedelta(days=days_ago)


@transaction.atomic
def seed_partners() -> int:
    coordinator = _user("coordinator")
    created = 0
    for name, kind, address, phone, hours in PARTNERS:
        if Partner.objects.filter(name=name).exists():
            continue
        partner_services.partner_save(
            acting_user=coordinator,
            partner=Partner(name=name, kind=kind, address=address, phone=phone, hours=hours),
        )
        created += 1
    return created


@transaction.atomic
def seed_people() -> int:
    coordinator = _user("coordinator")
    created = 0
    for index, person in enumerate(PEOPLE):
        if Client.objects.filter(display_name=person.name).exists():
            continue
        registrar, assigned = TEAMS.get(person.team, (person.team, None))
        registrar = _user(registrar)
        registered_at = moment(person.intake, 9 + index % 9, 15 * (index % 4))
        client = services.client_register(
            acting_user=registrar,
            details={
                "display_name": person.name,
                "aliases": person.aliases,
                "birth_year": person.year,
                "gender": person.gender,
                "health_coverage": person.coverage,
                "intake_date": _day(person.intake),
                "referral_source": person.referral,
                **person.details,
            },
        )
        restamp(client, created_at=registered_at)
        for membership in client.memberships.all():
            restamp(membership, joined_on=_day(person.intake), created_at=registered_at)
        if assigned:
            membership = services.team_add_member(
                acting_user=coordinator,
                client=client,
                member=_user(assigned),
                team_role=TeamRole.CLINICIAN,
            )
            # The coordinator assigns a clinician the next working day.
            restamp(
                membership,
                joined_on=_day(person.intake - 1),
                created_at=moment(person.intake - 1, 9, 30),
            )
        for days_ago, situation, detail in person.situations:
            record = services.client_record_situation(
                acting_user=registrar,
                client=client,
                situation=situation,
                detail=detail,
                recorded_on=_day(days_ago),
            )
            restamp(record, recorded_at=moment(days_ago, 17, 45))
        for number, (purpose, decision, days_ago, expires_in) in enumerate(person.consents):
            consent = services.consent_record(
                acting_user=registrar,
                client=client,
                purpose=purpose,
                decision=decision,
                decided_on=_day(days_ago),
                method=(
                    ""
                    if decision != GIVEN
                    else (ConsentMethod.WRITTEN if number % 2 else ConsentMethod.VERBAL)
                ),
                expires_on=_day(days_ago - expires_in) if expires_in is not None else None,
            )
            # A withdrawal is recorded "today" by the service; date it to when it was said.
            restamp(consent, decided_on=_day(days_ago), recorded_at=moment(days_ago, 16, number))
        created += 1
    return created


@transaction.atomic
def seed_joins() -> int:
    """People who joined a care team on their own, with their reason."""
    created = 0
    for index, (name, username, days_ago, reason) in enumerate(JOINS):
        client, member = Client.objects.filter(display_name=name).first(), _user(username)
        if client is None or client.memberships.filter(member=member).exists():
            continue
        membership = services.team_join(acting_user=member, client=client, reason=reason)
        joined_at = moment(days_ago, 10 + (index * 3) % 9, (index * 25) % 60)
        restamp(membership, joined_on=_day(days_ago), created_at=joined_at)
        created += 1
    return created


@transaction.atomic
def seed_outcomes() -> int:
    """What happened after the encounters: people who left a team, closed
    files, one merge. Runs once: the merge marks it done."""
    keep_name, duplicate_name, merged_days_ago, merge_reason = MERGE
    keep = Client.objects.filter(display_name=keep_name, merged_into__isnull=True).first()
    duplicate = Client.objects.filter(display_name=duplicate_name).first()
    if keep is None or duplicate is None or ClientMerge.objects.filter(merged=duplicate).exists():
        return 0
    for name, username, days_ago in DEPARTURES:
        membership = CareTeamMembership.objects.filter(
            client__display_name=name, member__username=username, left_on__isnull=True
        ).first()
        if membership is not None:
            services.team_end_membership(acting_user=_user("coordinator"), membership=membership)
            restamp(membership, left_on=_day(days_ago))
    for name, (days_ago, reason, note) in CLOSURES.items():
        client = Client.objects.filter(display_name=name, closed_on__isnull=True).first()
        if client is not None:
            services.client_close(
                acting_user=client.created_by,
                client=client,
                reason=reason,
                note=note,
                closed_on=_day(days_ago),
            )
    merge = services.client_merge(
        acting_user=_user("coordinator"), keep=keep, merge_away=duplicate, reason=merge_reason
    )
    restamp(merge, merged_at=moment(merged_days_ago, 11, 10))
    return 1 + len(CLOSURES) + len(DEPARTURES)


def settle_last_contacts(clients) -> None:
    """Last contact is the latest real contact: intake, a living situation, an
    encounter. (Joining a team counts as today for the service; not in the demo.)"""
    for client in clients:
        contacts = [client.intake_date]
        contacts += LivingSituation.objects.filter(client=client).values_list(
            "recorded_on", flat=True
        )
        contacts += [
            timezone.localtime(at).date()
            for at in client.encounters.values_list("occurred_at", flat=True)
        ]
        if client.last_contact_on != max(contacts):
            restamp(client, last_contact_on=max(contacts))
