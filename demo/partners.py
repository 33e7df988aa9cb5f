"""Demo service statuses of the partners (invented), as a week of a cold
snap looks: one partner reduced with a capacity note, one closed, one
nobody has checked for three weeks (stale), two open and checked lately, and
one nobody has said anything about yet. Each partner's status also has an
older row, so its page shows a history.

Said through the service, as a worker would, then dated back to when the
demo says it happened (``demo.accounts.restamp``). Idempotent: nothing is
added once demo statuses exist."""

from django.db import transaction

from partners.models import Partner, PartnerStatus
from partners.services import partner_status_update
from peersupport.models import User

from .accounts import moment, not_after_now, restamp

# Partner, then its statuses oldest first: (status, capacity, who, days ago, hour).
STATUSES = [
    (
        "Point de service réduction des méfaits",
        [
            ("open", "", "peer2", 12, 10),
            ("reduced", "no nurse on site this week; supplies only", "peer", 1, 9),
        ],
    ),
    (
        "Halte-accueil Verdun",
        [
            ("open", "", "clinician", 9, 14),
            ("closed", "water damage; reopening next Monday", "coordinator", 2, 8),
        ],
    ),
    # Nobody called them since: stale.
    ("Comité logement du Sud-Ouest", [("open", "", "peer2", 21, 11)]),
    (
        "Refuge du Plateau",
        [("reduced", "ten beds left", "peer", 6, 20), ("open", "", "coordinator", 1, 16)],
    ),
    ("Clinique communautaire Centre-Sud", [("open", "walk-ins until 18:00", "clinician", 0, 9)]),
]


@transaction.atomic
def seed_partner_statuses() -> int:
    if PartnerStatus.objects.exists():
        return 0
    made = 0
    for name, said in STATUSES:
        partner = Partner.objects.filter(name=name, is_active=True).first()
        if partner is None:
            continue
        for status, capacity, username, days_ago, hour in said:
            row = partner_status_update(
                acting_user=User.objects.get(username=username),
                partner=partner,
                status=status,
                capacity_note=capacity,
            )
            when = not_after_now(moment(days_ago, hour))
            restamp(row, updated_at=when)
            made += 1
        # The partner copies its newest row, dated as that row now is.
        restamp(partner, status_updated_at=when)
    return made
