"""Demo supervision and onboarding (invented): the demo peer is supervised by
the demo clinician, with the second clinician as reference person; their
onboarding checklist is all done, and their wellness plan is shared with
their supervisor. The newer demo peer started ten days ago: three steps of
their first week are done, the fourth is overdue, and nobody backs them yet
(what the coordinator's page shows for someone new). One staff team holds
the demo staff. Idempotent: nothing is added once the demo peer is backed.

Created through the services, as the coordinator and the peer would."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from peersupport.models import User
from staff import people_services as services
from staff.choices import OnboardingStep
from staff.models import Backing, OnboardingItem

# The steps of the newer peer's first week that are done (the fourth is overdue).
DONE_IN_FIRST_WEEK = (OnboardingStep.OFFICE, OnboardingStep.ID_CARD, OnboardingStep.COMPUTER)


def _users(*usernames: str) -> dict[str, User]:
    return {user.username: user for user in User.objects.filter(username__in=usernames)}


@transaction.atomic
def seed_staff_people() -> int:
    users = _users("coordinator", "peer", "peer2", "clinician", "clinician2", "researcher")
    coordinator, peer = users.get("coordinator"), users.get("peer")
    if coordinator is None or peer is None or Backing.objects.filter(peer=peer).exists():
        return 0
    today = timezone.localdate()
    made = 0
    if "clinician" in users:
        services.backing_set(
            acting_user=coordinator,
            peer=peer,
            backer=users["clinician"],
            role="supervisor",
            started_on=today - timedelta(days=120),
        )
        made += 1
    if "clinician2" in users:
        services.backing_set(
            acting_user=coordinator,
            peer=peer,
            backer=users["clinician2"],
            role="reference",
            started_on=today - timedelta(days=110),
        )
        made += 1
    first_day = today - timedelta(days=120)
    for item in services.onboarding_start(acting_user=coordinator, peer=peer, started_on=first_day):
        services.onboarding_item_done(acting_user=coordinator, item=item, done_on=item.due_on)
        made += 1
    services.wellness_plan_save(
        acting_user=peer,
        when_well="I sleep through the night, I cook, I call my brother on Sundays.",
        early_signs="I stop answering messages; I skip meals; I dread the morning round.",
        what_helps="A walk along the canal, a day off planned ahead, a talk in supervision.",
        who_to_call="My brother Luc; the employee assistance line.",
        shared_with_supervisor=True,
    )
    made += 1
    newer = users.get("peer2")
    if newer is not None and not OnboardingItem.objects.filter(peer=newer).exists():
        items = services.onboarding_start(
            acting_user=coordinator, peer=newer, started_on=today - timedelta(days=10)
        )
        made += len(items)
        for item in items:
            if item.step in DONE_IN_FIRST_WEEK:
                services.onboarding_item_done(
                    acting_user=coordinator, item=item, done_on=today - timedelta(days=8)
                )
    staff = [user for name, user in users.items() if name != "researcher"]
    services.staff_team_save(acting_user=coordinator, name="Équipe du Plateau", members=staff)
    return made + 1
