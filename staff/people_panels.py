"""What the staff app adds to the home page (onboarding overdue, for
coordinators) and to a staff member's account page (who backs them, their
onboarding, their declaration, their time, their staff teams). Context keys
start with ``staff_people_``: the pages merge every app's keys."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from clients.access import dual_relationship_policy
from peersupport.home import Card, Line, card_of
from peersupport.models import User

from . import people_reads
from .access import backing_policy, onboarding_item_policy, work_activity_policy

HOME_PAGE_TEMPLATES = {"due": "staff/people/home/onboarding.html"}
ACCOUNT_PAGE_TEMPLATES = {"sections": "staff/people/account/section.html"}


def onboarding_overdue(*, viewer: Any) -> Card:
    """Peers whose onboarding has steps overdue, one line each, linking to
    their checklist. One query whatever their number."""
    if not onboarding_item_policy.can(viewer, onboarding_item_policy.Action.KEEP):
        return Card("home-onboarding", "", [], 0)

    def title(total: int) -> str:
        return ngettext(
            "Onboarding overdue: %(count)d peer",
            "Onboarding overdue: %(count)d peers",
            total,
        ) % {"count": total}

    def line(peer: Any) -> Line:
        # ``onboarding_overdue`` is an annotation of people_reads.overdue_per_peer.
        overdue = peer.onboarding_overdue
        return Line(
            str(peer),
            reverse("supervision:onboarding", args=[peer.pk]),
            ngettext("%(count)d step overdue", "%(count)d steps overdue", overdue)
            % {"count": overdue},
        )

    return card_of(
        "home-onboarding",
        people_reads.overdue_per_peer(viewer=viewer),
        title=title,
        line=line,
        links=[Line(gettext("Supervision and onboarding"), reverse("supervision:peers"))],
    )


def home_page(request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
    return {"staff_people_onboarding_overdue": onboarding_overdue(viewer=request.user)}


def account_page(request: HttpRequest, *, account: User, **kwargs: Any) -> dict[str, Any]:
    """Who backs this account, its onboarding and declaration, as far as the
    viewer's policies allow; its staff teams; a link to its time by kind."""
    viewer = request.user
    is_peer = people_reads.peers().filter(pk=account.pk).exists()
    context: dict[str, Any] = {"staff_people_is_peer": is_peer}
    if is_peer and backing_policy.can(viewer, backing_policy.Action.VIEW):
        backers = people_reads.current_backers(viewer=viewer, peer_pks=[account.pk])
        context["staff_people_backers"] = backers.get(account.pk) or people_reads.Backers()
    if is_peer and onboarding_item_policy.can(viewer, onboarding_item_policy.Action.VIEW):
        items = people_reads.checklist(viewer=viewer, peer=account)
        context["staff_people_onboarding"] = {
            "total": len(items),
            "done": sum(1 for item in items if item.done_on),
            "overdue": sum(1 for item in items if item.is_overdue()),
            "url": reverse("supervision:onboarding", args=[account.pk]),
        }
    context["staff_people_sees_declarations"] = dual_relationship_policy.can(
        viewer, dual_relationship_policy.Action.LINK
    )
    if context["staff_people_sees_declarations"]:
        context["staff_people_declared"] = (
            dual_relationship_policy.visible_to(viewer).filter(user=account).exists()
        )
    if work_activity_policy.can(viewer, work_activity_policy.Action.COUNT):
        context["staff_people_time_url"] = f"{reverse('work:time')}?peer={account.pk}"
    context["staff_people_teams"] = list(account.staff_teams.order_by("name"))
    return context
