"""Demo support group (invented): a weekly peer group run by the demo peer,
with a clinician co-facilitating, and its last four sessions, each with a few
of the peer's people named and others counted by head; one has a note for
the peers who facilitate. Idempotent: nothing is added once a group exists.
Deterministic: dated from today.

Created through the services, as a facilitator would; recording times are
then set to the evening of each session (``demo.accounts.restamp``)."""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from clients.models import CareTeamMembership, Client
from demo.accounts import moment, not_after_now, restamp
from groups import services
from groups.choices import Recurrence, SessionNoteAudience
from groups.models import SupportGroup
from partners.models import Partner
from peersupport.models import User

PLACE = "Refuge du Plateau"

# Days ago, topic, how many of the peer's people came, others counted, note.
SESSIONS = [
    (21, "Sleep and stress", 2, 4, ""),
    (14, "Dealing with the welfare office", 3, 2, ""),
    (
        7,
        "Finding a room for the winter",
        2,
        3,
        "Good energy. Two people shared leads on rooms; one asked to talk after.",
    ),
    (0, "What helps on a bad day", 1, 5, ""),
]


def _people_of(user: User) -> list[Client]:
    on_team = CareTeamMembership.objects.filter(member=user, left_on__isnull=True).values("client")
    return list(
        Client.objects.filter(
            pk__in=on_team, closed_on__isnull=True, merged_into__isnull=True
        ).order_by("display_name", "pk")
    )


@transaction.atomic
def seed_groups() -> int:
    """The demo group and its sessions; returns how many sessions were made."""
    if SupportGroup.objects.exists():
        return 0
    peer = User.objects.filter(username="peer", is_active=True).first()
    if peer is None:
        return 0
    clinician = User.objects.filter(username="clinician", is_active=True).first()
    place = Partner.objects.filter(name=PLACE, is_active=True).first()
    group = services.group_create(
        acting_user=peer,
        name="Entre pairs",
        description="A peer-run mutual support group: coffee, a topic, and time to talk.",
        facilitators=[peer] + ([clinician] if clinician else []),
        recurrence=Recurrence.WEEKLY,
        schedule="Tuesdays from 2 to 4 pm",
        place_partner=place,
        place_text="" if place else "Community room, 4th floor",
    )
    restamp(group, created_at=moment(30, 10))
    people = _people_of(peer)
    made = 0
    for days_ago, topic, named, others, note in SESSIONS:
        session = services.session_record(
            acting_user=peer,
            group=group,
            held_on=timezone.localdate() - timedelta(days=days_ago),
            starts_at=time(14, 0),
            duration_minutes=120,
            topic=topic,
            anonymous_count=others,
            note=note,
            note_audience=SessionNoteAudience.PEERS,
            # Rotating through the peer's people, so several have come.
            attendees=(people[made:] + people[:made])[:named],
        )
        when = not_after_now(moment(days_ago, 16, 30))
        restamp(session, created_at=when, updated_at=when)
        made += 1
    return made
