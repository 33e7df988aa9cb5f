"""Demo referrals: people referred to community partners and to a service of
the clinic, in every state, some with their consent to share with a partner
recorded. Noémie has no such consent, so referring her outside the clinic
shows what the form says then. Idempotent."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clients import services as client_services
from clients.choices import ConsentMethod, Decision, Purpose
from clients.models import Client
from partners import services as partner_services
from partners.choices import PartnerKind
from partners.models import Partner
from peersupport.models import User
from referrals import services
from referrals.models import Referral, ReferralStatusChange

from .accounts import moment, restamp

INTERNAL_SERVICE = "Service social de la clinique"


@dataclass(frozen=True)
class DemoReferral:
    person: str
    partner: str
    by: str  # username
    reason: str
    # (status, days ago, username, outcome); the first entry is the referral's day.
    steps: tuple[tuple[str, int, str, str], ...]


# Who consents to sharing with a partner, and since how many days.
SHARING_CONSENTS = {"Hélène": 40, "Mathéo": 70, "Big Mike": 20, "Yannick": 30}

REFERRALS = [
    DemoReferral(
        "Hélène",
        "Comité logement du Sud-Ouest",
        "peer",
        "Looking for a room she can afford; wants help with the application.",
        (
            ("proposed", 30, "peer", ""),
            ("sent", 28, "peer", ""),
            ("accepted", 20, "clinician", ""),
            ("attended", 10, "peer", "Met the housing worker; on the list for a room."),
        ),
    ),
    DemoReferral(
        "Hélène",
        "Aide juridique Ville-Marie",
        "clinician",
        "Fines from last year; needs advice before the court date.",
        (("proposed", 5, "clinician", ""), ("sent", 3, "clinician", "")),
    ),
    DemoReferral(
        "Mathéo",
        "Clinique communautaire Centre-Sud",
        "peer",
        "Wants a family doctor.",
        (
            ("proposed", 60, "peer", ""),
            ("sent", 58, "peer", ""),
            ("accepted", 50, "peer", ""),
            ("no_show", 40, "peer", "Missed the appointment: was working that day."),
        ),
    ),
    DemoReferral(
        "Big Mike",
        INTERNAL_SERVICE,
        "clinician",
        "Income support papers since he moved into the rooming house.",
        (("proposed", 4, "clinician", ""),),
    ),
    DemoReferral(
        "Jean-François",
        INTERNAL_SERVICE,
        "peer",
        "Health card renewal.",
        (
            ("proposed", 45, "peer", ""),
            ("closed", 30, "peer", "He renewed it himself at the office."),
        ),
    ),
    DemoReferral(
        "Noémie",
        INTERNAL_SERVICE,
        "peer",
        "Help to get an identity document.",
        (("proposed", 9, "peer", ""), ("sent", 8, "peer", ""), ("accepted", 2, "peer", "")),
    ),
    DemoReferral(
        "Chloé",
        INTERNAL_SERVICE,
        "peer",
        "A vet for her dog and a place that accepts pets.",
        (("proposed", 12, "peer", ""), ("declined", 11, "peer", "")),
    ),
    DemoReferral(
        "Yannick",
        "Refuge du Plateau",
        "peer2",
        "A bed for the coming cold nights.",
        (("proposed", 8, "peer2", ""), ("sent", 8, "peer2", ""), ("accepted", 7, "peer2", "")),
    ),
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _person(name: str) -> Client | None:
    return Client.objects.filter(display_name=name, merged_into__isnull=True).first()


def _internal_service(coordinator: User) -> Partner:
    service = Partner.objects.filter(name=INTERNAL_SERVICE).first()
    if service is None:
        service = partner_services.partner_save(
            acting_user=coordinator,
            partner=Partner(
                name=INTERNAL_SERVICE,
                kind=PartnerKind.INCOME_SUPPORT,
                is_internal=True,
                address="Clinic, 2nd floor",
                hours="Mon–Fri 9:00–16:00",
            ),
        )
    return service


@transaction.atomic
def seed_referrals() -> int:
    if Referral.objects.exists():
        return 0
    coordinator = _user("coordinator")
    _internal_service(coordinator)
    today = timezone.localdate()
    for name, days_ago in SHARING_CONSENTS.items():
        person = _person(name)
        if person is None:
            continue
        consent = client_services.consent_record(
            acting_user=coordinator,
            client=person,
            purpose=Purpose.PARTNER_REFERRAL,
            decision=Decision.GIVEN,
            method=ConsentMethod.VERBAL,
            decided_on=today - timedelta(days=days_ago),
        )
        restamp(consent, recorded_at=moment(days_ago, 15))
    created = 0
    for demo in REFERRALS:
        person = _person(demo.person)
        partner = Partner.objects.filter(name=demo.partner).first()
        if person is None or partner is None:
            continue
        (_, first_day, _, _), *later = demo.steps
        referral = services.referral_create(
            acting_user=_user(demo.by),
            client=person,
            partner=partner,
            reason=demo.reason,
            referred_on=today - timedelta(days=first_day),
        )
        restamp(referral, created_at=moment(first_day, 11))
        ReferralStatusChange.objects.filter(referral=referral).update(
            recorded_at=moment(first_day, 11)
        )
        for status, days_ago, username, outcome in later:
            step = services.referral_change_status(
                acting_user=_user(username),
                referral=referral,
                status=status,
                changed_on=today - timedelta(days=days_ago),
                outcome=outcome,
            )
            restamp(step, recorded_at=moment(days_ago, 14))
        created += 1
    return created
