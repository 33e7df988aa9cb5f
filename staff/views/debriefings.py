"""Debriefings asked for: the requests a peer made and those made of a
supervisor, asking in one tap (from an encounter's page or the list),
saying one was held, withdrawing one. Thin: the policy finds, services change."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from interventions.access import encounter_policy
from peersupport.form_tools import apply_service
from peersupport.query import parse

from .. import work_services
from ..access import debriefing_request_policy, supervisor_of
from ..choices import DebriefingStatus
from ..work_forms import DebriefingAskQuery, HoldForm

D = debriefing_request_policy.Action


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def debriefing_list(request):
    user = request.user
    _require(debriefing_request_policy.can(user, D.VIEW))
    rows = (
        debriefing_request_policy.visible_to(user)
        .select_related("peer", "supervisor", "held_as")
        .order_by("-asked_at", "-pk")
    )
    asked_by_me = [row for row in rows if row.peer_id == user.pk]
    asked_of_me = [row for row in rows if row.supervisor_id == user.pk]
    can_ask = debriefing_request_policy.can(user, D.ASK)
    return render(
        request,
        "staff/debriefings/list.html",
        {
            "asked_by_me": asked_by_me,
            "asked_of_me": asked_of_me,
            "can_ask": can_ask,
            "supervisor": supervisor_of(user) if can_ask else None,
            "has_open": any(row.status == DebriefingStatus.OPEN for row in asked_by_me),
        },
    )


@require_POST
def debriefing_ask(request):
    user = request.user
    _require(debriefing_request_policy.can(user, D.ASK))
    encounter = None
    query = parse(request, DebriefingAskQuery)
    if query.refused("encounter"):
        raise Http404
    if (encounter_id := query.value("encounter")) is not None:
        encounter = encounter_policy.get_for(user, encounter_id)
    try:
        asked, new = work_services.debriefing_ask(acting_user=user, encounter=encounter)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if new:
            messages.success(
                request,
                _("Request #%(number)d sent: your supervisor will get back to you.")
                % {"number": asked.pk},
            )
        else:
            messages.info(
                request,
                _("Your request #%(number)d is already with your supervisor.")
                % {"number": asked.pk},
            )
    if encounter is not None:
        return redirect("encounters:detail", pk=encounter.pk)
    return redirect("work:debriefings")


def debriefing_hold(request, pk):
    asked = debriefing_request_policy.get_for(request.user, pk, D.HOLD)
    form = HoldForm(
        request.POST or None,
        to_link=work_services.debriefings_to_link(asked, request.user),
    )
    if request.method == "POST" and form.is_valid():
        held = apply_service(
            form,
            lambda: work_services.debriefing_hold(
                acting_user=request.user, request=asked, **form.service_arguments()
            ),
        )
        if held is not None:
            messages.success(request, _("Marked held."))
            return redirect("work:detail", pk=held.held_as_id)
    return render(request, "staff/debriefings/hold.html", {"form": form, "asked": asked})


@require_POST
def debriefing_withdraw(request, pk):
    asked = debriefing_request_policy.get_for(request.user, pk, D.WITHDRAW)
    work_services.debriefing_withdraw(acting_user=request.user, request=asked)
    messages.success(request, _("Request withdrawn. It stays in your list."))
    return redirect("work:debriefings")
