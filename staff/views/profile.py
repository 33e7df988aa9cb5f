"""A peer's own page: who backs them, their onboarding, their wellness plan,
their time, a debriefing one tap away, and their declaration."""

from django.shortcuts import render
from django.utils import timezone

from clients.access import dual_relationship_policy
from peersupport.access import ability_required
from peersupport.roles import Ability

from .. import people_reads
from ..access import debriefing_request_policy
from ..choices import BackingRole
from ..people_services import newest_own_plan

be_supervised = ability_required(Ability.BE_SUPERVISED)


@be_supervised
def my_profile(request):
    user = request.user
    backings = list(people_reads.my_backings(user))
    items = people_reads.checklist(viewer=user, peer=user)
    plan = newest_own_plan(user)
    return render(
        request,
        "staff/people/me.html",
        {
            "supervisor": next((b for b in backings if b.role == BackingRole.SUPERVISOR), None),
            "references": [b for b in backings if b.role == BackingRole.REFERENCE],
            "items": items,
            "items_done": sum(1 for item in items if item.done_on),
            "today": timezone.localdate(),
            # Whether a plan exists and is shared: its content is on its own page.
            "plan_saved_at": plan.saved_at if plan else None,
            "plan_shared": bool(plan and plan.shared_with_supervisor),
            "declaration": people_reads.declaration_of(user),
            "can_declare": dual_relationship_policy.can(
                user, dual_relationship_policy.Action.DECLARE
            ),
            "can_ask_debriefing": debriefing_request_policy.can(
                user, debriefing_request_policy.Action.ASK
            ),
        },
    )
