"""The wellness action plan: its owner reads, saves and looks back at it;
their current supervisor reads its newest version when they shared it.
Nobody else: every other request answers 404. Every read is audited."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peersupport.audit import record_reads, record_view
from peersupport.form_tools import apply_service
from peersupport.models import User

from ..access import supervisor_of, wellness_plan_policy
from ..people_forms import WellnessPlanForm
from ..people_services import PLAN_FIELDS, newest_own_plan, wellness_plan_save
from .profile import be_supervised


@be_supervised
def plan_detail(request):
    plan = newest_own_plan(request.user)
    if plan is None:
        # Nothing to read yet: opening one's plan is writing it.
        return redirect("me:wellness_edit")
    record_view(plan)
    return render(
        request,
        "staff/people/wellness_detail.html",
        {"plan": plan, "supervisor": supervisor_of(request.user), "is_owner": True},
    )


@be_supervised
def plan_edit(request):
    newest = newest_own_plan(request.user)
    initial = {name: getattr(newest, name) for name in PLAN_FIELDS} if newest else {}
    if newest is not None:
        record_view(newest)
    form = WellnessPlanForm(request.POST or None, initial=initial, row=newest)
    if request.method == "POST" and form.is_valid():
        result = apply_service(
            form,
            lambda: wellness_plan_save(acting_user=request.user, **form.service_arguments()),
        )
        if result is not None:
            _plan, saved = result
            if saved:
                messages.success(request, _("Your wellness plan is saved."))
            else:
                messages.info(request, _("Nothing changed: no new version was saved."))
            return redirect("me:wellness")
    return render(
        request,
        "staff/people/wellness_form.html",
        {"form": form, "supervisor": supervisor_of(request.user)},
    )


@be_supervised
def plan_history(request):
    versions = list(
        wellness_plan_policy.visible_to(request.user)
        .filter(peer=request.user)
        .order_by("-saved_at", "-pk")
    )
    if not versions:
        return redirect("me:wellness_edit")
    record_reads(versions, via="wellness_history")
    return render(request, "staff/people/wellness_history.html", {"versions": versions})


def plan_shared(request, peer_pk):
    """The plan a peer shared with ``request.user``, their supervisor today."""
    if peer_pk == request.user.pk and wellness_plan_policy.can(
        request.user, wellness_plan_policy.Action.SAVE
    ):
        return redirect("me:wellness")
    plan = (
        wellness_plan_policy.visible_to(request.user)
        .filter(peer_id=peer_pk)
        .exclude(peer=request.user)
        .select_related("peer")
        .order_by("-saved_at", "-pk")
        .first()
    )
    if plan is None:
        raise Http404
    record_view(plan)
    peer: User = plan.peer
    return render(
        request,
        "staff/people/wellness_detail.html",
        {"plan": plan, "peer": peer, "is_owner": False},
    )
