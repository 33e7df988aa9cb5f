"""The coordinator's list of peers: who backs each, their onboarding and
whether they declared a dual relationship; naming and ending backers."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.form_tools import apply_service

from .. import people_reads
from ..access import backing_policy
from ..people_forms import BackingForm
from ..people_services import backing_end as end_service
from ..people_services import backing_set
from .declarations import manage_staff


@manage_staff
def peer_list(request):
    return render(
        request,
        "staff/people/peers.html",
        {
            "rows": people_reads.peer_rows(viewer=request.user),
            "can_set": backing_policy.can(request.user, backing_policy.Action.SET),
        },
    )


@manage_staff
def backing_create(request, peer_pk):
    peer = people_reads.peer_or_404(peer_pk)
    backing_policy.check(request.user, backing_policy.Action.SET)
    form = BackingForm(request.POST or None, peer=peer)
    if request.method == "POST" and form.is_valid():
        backing = apply_service(
            form,
            lambda: backing_set(acting_user=request.user, peer=peer, **form.service_arguments()),
        )
        if backing is not None:
            messages.success(
                request,
                _("%(name)s is named %(role)s.")
                % {"name": backing.backer, "role": backing.get_role_display().lower()},
            )
            return redirect("supervision:peers")
    backers = people_reads.current_backers(viewer=request.user, peer_pks=[peer.pk])
    return render(
        request,
        "staff/people/backing_form.html",
        {"form": form, "peer": peer, "backers": backers.get(peer.pk)},
    )


@manage_staff
@require_POST
def backing_end(request, pk):
    backing = backing_policy.get_for(request.user, pk, backing_policy.Action.END)
    ended = end_service(acting_user=request.user, backing=backing)
    messages.success(
        request,
        _("%(name)s no longer backs %(peer)s.") % {"name": ended.backer, "peer": ended.peer},
    )
    return redirect("supervision:peers")
