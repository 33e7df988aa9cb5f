"""Demo follow-ups and accompaniments (invented), as a working week looks:
each worker has something due today (the peer, an accompaniment), something
overdue, something coming, and a few closed (done, one with how it went;
one cancelled); one follow-up came from an encounter's next steps, one was
handed by the peer to a clinician (who was told). Idempotent: nothing is
added once demo follow-ups exist. Deterministic: dated from today.

Created through the services, as a worker would; closing times are then set
to when the demo says it happened (``demo.accounts.restamp``)."""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from agenda import services
from agenda.models import AccompanimentKind, FollowUp
from clients.models import CareTeamMembership, Client
from demo.accounts import moment, restamp
from interventions.models import Encounter
from partners.models import Partner
from peersupport.models import User

LEGAL_AID, SHELTER = "Aide juridique Ville-Marie", "Refuge du Plateau"


def _people_of(user: User) -> list[Client]:
    """The open files on ``user``'s care teams, in a fixed order."""
    on_team = CareTeamMembership.objects.filter(member=user, left_on__isnull=True).values("client")
    return list(
        Client.objects.filter(
            pk__in=on_team, closed_on__isnull=True, merged_into__isnull=True
        ).order_by("display_name", "pk")
    )


def _kind(name_en: str) -> AccompanimentKind | None:
    return AccompanimentKind.objects.filter(name_en=name_en, is_active=True).first()


def _day(days_from_today: int):
    return timezone.localdate() + timedelta(days=days_from_today)


def _close(follow_up: FollowUp, user: User, status: str, days_ago: int, outcome: str = ""):
    services.follow_up_close(
        acting_user=user, follow_up=follow_up, status=status, outcome=outcome or None
    )
    restamp(follow_up, closed_at=moment(days_ago, 17))


def _peer_week(peer: User, people: list[Client], clinician: User | None) -> int:
    first, second, third = (people * 3)[:3]
    made = 0
    court, medical = _kind("Court"), _kind("Medical appointment")
    legal_aid = Partner.objects.filter(name=LEGAL_AID).first()
    if court is not None:
        # Today's accompaniment: what the peer sees first on their home page.
        services.follow_up_create(
            acting_user=peer,
            client=first,
            what="Hearing about the unpaid rent; bring the lease and the receipts.",
            due_on=_day(0),
            due_time=time(10, 30),
            duration_minutes=120,
            kind=court,
            place_text="Palais de justice, 1 rue Notre-Dame Est",
        )
        made += 1
    services.follow_up_create(
        acting_user=peer,
        client=second,
        what="Call the housing committee back about the flat on Wellington.",
        due_on=_day(-3),
    )
    made += 1
    services.follow_up_create(
        acting_user=peer,
        client=third,
        what="Bring the health card renewal form and help fill it in.",
        due_on=_day(4),
    )
    made += 1
    if medical is not None:
        services.follow_up_create(
            acting_user=peer,
            client=second,
            what="Go together to the follow-up at the clinic; she asked for company.",
            due_on=_day(6),
            due_time=time(14, 0),
            duration_minutes=90,
            kind=medical,
        )
        made += 1
    # Closed ones: done with how it went, and one cancelled.
    if legal_aid is not None and court is not None:
        done = services.follow_up_create(
            acting_user=peer,
            client=first,
            what="First meeting with the legal aid lawyer.",
            due_on=_day(-6),
            due_time=time(9, 0),
            kind=court,
            place_partner=legal_aid,
        )
        _close(done, peer, "done", 6, "The lawyer took the file; next step is the hearing.")
        made += 1
    cancelled = services.follow_up_create(
        acting_user=peer, client=third, what="Visit the room on Centre street.", due_on=_day(-2)
    )
    _close(cancelled, peer, "cancelled", 3)
    made += 1
    # From an encounter's next steps, and handed to a clinician of the team.
    encounter = (
        Encounter.objects.filter(author=peer, client__in=people)
        .exclude(next_steps="")
        .order_by("-occurred_at")
        .first()
    )
    if encounter is not None:
        services.follow_up_create(
            acting_user=peer,
            client=encounter.client,
            what=encounter.next_steps,
            due_on=_day(2),
            from_encounter=encounter,
        )
        made += 1
    if clinician is not None and second in _people_of(clinician):
        services.follow_up_create(
            acting_user=peer,
            client=second,
            what="Review the medication list with her before Friday.",
            due_on=_day(-1),
            assigned_to=clinician,
        )
        made += 1
    return made


def _worker_week(user: User, people: list[Client]) -> int:
    if not people:
        return 0
    first, second = (people * 2)[:2]
    services.follow_up_create(
        acting_user=user,
        client=first,
        what="Phone to ask how the first night at the shelter went.",
        due_on=_day(0),
    )
    services.follow_up_create(
        acting_user=user,
        client=second,
        what="Send the income support office the signed form.",
        due_on=_day(-2),
    )
    return 2


@transaction.atomic
def seed_follow_ups() -> int:
    if FollowUp.objects.exists():
        return 0
    users = {user.username: user for user in User.objects.filter(is_active=True)}
    made = 0
    peer, clinician = users.get("peer"), users.get("clinician")
    if peer is not None and (people := _people_of(peer)):
        made += _peer_week(peer, people, clinician)
    for username in ("peer2", "clinician"):
        if username in users:
            made += _worker_week(users[username], _people_of(users[username]))
    # Written some days before they were due, never at the moment of seeding.
    today = timezone.localdate()
    for follow_up in FollowUp.objects.all():
        days_ago = max(1, (today - follow_up.due_on).days + 7)
        restamp(follow_up, created_at=moment(days_ago, 16), updated_at=moment(days_ago, 16))
    return made
