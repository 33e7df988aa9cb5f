"""A new peer's onboarding checklist, kept by coordinators: started from the
peer's first day, each step's due date and comment changed, marked done."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.form_tools import apply_service

from .. import people_reads
from ..access import onboarding_item_policy
from ..people_forms import OnboardingDoneForm, OnboardingItemForm, OnboardingStartForm
from ..people_services import onboarding_item_done, onboarding_item_update, onboarding_start
from .declarations import manage_staff

A = onboarding_item_policy.Action


def _checklist_page(request, peer, start_form=None):
    items = people_reads.checklist(viewer=request.user, peer=peer)
    return render(
        request,
        "staff/people/checklist.html",
        {
            "peer": peer,
            "items": items,
            "items_done": sum(1 for item in items if item.done_on),
            "today": timezone.localdate(),
            "start_form": start_form or (None if items else OnboardingStartForm()),
            "can_keep": onboarding_item_policy.can(request.user, A.KEEP),
        },
    )


@manage_staff
def checklist(request, peer_pk):
    return _checklist_page(request, people_reads.peer_or_404(peer_pk))


@manage_staff
@require_POST
def checklist_start(request, peer_pk):
    peer = people_reads.peer_or_404(peer_pk)
    form = OnboardingStartForm(request.POST)
    if form.is_valid():
        started = apply_service(
            form,
            lambda: onboarding_start(
                acting_user=request.user, peer=peer, started_on=form.cleaned_data["started_on"]
            ),
        )
        if started is not None:
            messages.success(request, _("The onboarding checklist is started."))
            return redirect("supervision:onboarding", peer_pk=peer.pk)
    return _checklist_page(request, peer, start_form=form)


@manage_staff
def item_edit(request, pk):
    item = onboarding_item_policy.get_for(request.user, pk, A.KEEP)
    form = OnboardingItemForm(
        request.POST or None, initial={"due_on": item.due_on, "comment": item.comment}, row=item
    )
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: onboarding_item_update(
                acting_user=request.user, item=item, **form.service_arguments()
            ),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("supervision:onboarding", peer_pk=item.peer_id)
    return render(
        request,
        "staff/people/item_form.html",
        {"form": form, "item": item, "title": _("Change this step")},
    )


@manage_staff
def item_done(request, pk):
    item = onboarding_item_policy.get_for(request.user, pk, A.KEEP)
    form = OnboardingDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form,
            lambda: onboarding_item_done(
                acting_user=request.user, item=item, done_on=form.cleaned_data["done_on"]
            ),
        )
        if done is not None:
            messages.success(request, _("Marked done."))
            return redirect("supervision:onboarding", peer_pk=item.peer_id)
    return render(
        request,
        "staff/people/item_form.html",
        {"form": form, "item": item, "title": _("Mark this step done")},
    )
