"""Demo work that is not an encounter (invented), for the demo peer's last
weeks: two team meetings, a training, an outreach round at the drop-in, a
supervision and a debriefing with their supervisor (the demo clinician), the
debriefing answering a request of theirs; and a request asked yesterday after
an encounter, still open, on the supervisor's home. Idempotent: nothing is
added once work activities exist. Deterministic: dated from today.

Created through the services, as the peer and their supervisor would; the
times of the requests are then set to when the demo says (``restamp``). The
demo peer's supervisor is named by ``demo.staff_people``; only if nobody
supervises them (that step absent) is the demo clinician named here."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from demo.accounts import moment, restamp
from interventions.models import Encounter
from partners.models import Partner
from peersupport.models import User
from staff import work_services as services
from staff.access import supervisor_of
from staff.choices import BackingRole
from staff.models import Backing, WorkActivity

DROP_IN = "Halte-accueil Verdun"


def _day(days_ago: int):
    return timezone.localdate() - timedelta(days=days_ago)


def _users(*usernames: str) -> dict[str, User]:
    return {user.username: user for user in User.objects.filter(username__in=usernames)}


@transaction.atomic
def seed_staff_work() -> int:
    users = _users("coordinator", "peer", "peer2", "clinician")
    peer, clinician = users.get("peer"), users.get("clinician")
    if peer is None or clinician is None or WorkActivity.objects.exists():
        return 0
    supervisor = supervisor_of(peer)
    if supervisor is None:
        supervisor = clinician
        Backing.objects.create(
            peer=peer,
            backer=clinician,
            role=BackingRole.SUPERVISOR,
            set_by=users.get("coordinator", clinician),
            started_on=_day(120),
        )
    others = [user for name, user in users.items() if name not in ("peer",)]
    made = []
    made.append(
        services.work_log(
            acting_user=peer,
            kind="meeting",
            occurred_on=_day(14),
            duration_minutes=60,
            attendees=others,
            note="Agreed to move the drop-in hours to Thursday afternoons.",
        )
    )
    made.append(
        services.work_log(
            acting_user=peer,
            kind="meeting",
            occurred_on=_day(7),
            duration_minutes=45,
            attendees=[users["peer2"]] if "peer2" in users else [],
            note="Shared the list of shelters with beds this week.",
        )
    )
    made.append(
        services.work_log(
            acting_user=peer,
            kind="training",
            occurred_on=_day(20),
            duration_minutes=180,
            note="Naloxone refresher, with the harm reduction team.",
        )
    )
    drop_in = Partner.objects.filter(name=DROP_IN).first()
    if drop_in is not None:
        made.append(
            services.work_log(
                acting_user=peer,
                kind="outreach",
                occurred_on=_day(5),
                duration_minutes=90,
                partner=drop_in,
                contacts_count=4,
            )
        )
    made.append(
        services.work_log(
            acting_user=supervisor,
            kind="supervision",
            occurred_on=_day(10),
            duration_minutes=60,
            peer=peer,
            led_by=supervisor,
            note="Caseload feels heavy since the winter; agreed to pause new intakes a week.",
        )
    )
    # A debriefing the peer asked for, held two days later.
    earlier, _ = services.debriefing_ask(acting_user=peer)
    restamp(earlier, asked_at=moment(6, 18))
    services.debriefing_hold(
        acting_user=supervisor,
        request=earlier,
        occurred_on=_day(4),
        duration_minutes=40,
        note="Talked through the eviction they witnessed; sleeping better now.",
    )
    restamp(earlier, closed_at=moment(4, 16))
    # And one asked yesterday after an encounter: on the supervisor's home.
    encounter = Encounter.objects.filter(author=peer).order_by("-occurred_at").first()
    waiting, _ = services.debriefing_ask(acting_user=peer, encounter=encounter)
    restamp(waiting, asked_at=moment(1, 17))
    return len(made) + 2
