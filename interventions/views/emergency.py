"""The safety exception: opening a person's notes when someone's safety is at
stake, and the coordinators' review of every use."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.access import client_policy
from peersupport.access import ability_required
from peersupport.form_tools import apply_service
from peersupport.roles import Ability

from .. import selectors, services
from ..access import emergency_access_policy
from ..choices import ReviewStatus
from ..forms import DisclosureForm, EmergencyAccessForm, ReviewForm
from ..models import EmergencyAccess

Action = emergency_access_policy.Action
REVIEW_PAGE = 25


@ability_required(Ability.USE_REGISTER)
def emergency_access_open(request, pk):
    client = client_policy.get_for(request.user, pk)
    if not emergency_access_policy.can(request.user, Action.OPEN, EmergencyAccess(client=client)):
        raise PermissionDenied
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = apply_service(
            form,
            lambda: services.emergency_access_open(
                acting_user=request.user, client=client, **form.service_arguments()
            ),
        )
        if grant:
            messages.warning(request, _("Safety exception opened."))
            return redirect("clients:detail", pk=client.pk)
    return render(
        request, "interventions/emergency_access_form.html", {"client": client, "form": form}
    )


@ability_required(Ability.USE_REGISTER)
def emergency_review_queue(request):
    """Every use of the exception, those to review first (coordinators see all)."""
    if not emergency_access_policy.can(request.user, Action.REVIEW):
        raise Http404
    status = request.GET.get("status")
    grants = selectors.emergency_review_list(viewer=request.user, status=status)
    page = Paginator(grants, REVIEW_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "interventions/emergency_queue.html",
        {"page": page, "statuses": ReviewStatus.choices, "status": status, "form": ReviewForm()},
    )


@ability_required(Ability.USE_REGISTER)
@require_POST
def emergency_review(request, pk):
    grant = emergency_access_policy.get_for(request.user, pk, Action.REVIEW)
    form = ReviewForm(request.POST)
    if form.is_valid() and apply_service(
        form,
        lambda: services.emergency_access_review(
            acting_user=request.user, grant=grant, **form.service_arguments()
        ),
    ):
        messages.success(request, _("Review recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("emergency:queue")


@ability_required(Ability.USE_REGISTER)
def emergency_disclosure(request, pk):
    """The record of what was disclosed from the opened notes, to whom and why."""
    grant = emergency_access_policy.get_for(request.user, pk)
    form = DisclosureForm(
        request.POST or None,
        initial={
            "what": grant.disclosed_what,
            "to_whom": grant.disclosed_to,
            "purpose": grant.disclosure_purpose,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.emergency_disclosure_record(
                acting_user=request.user, grant=grant, **form.service_arguments()
            ),
        )
    ):
        messages.success(request, _("Disclosure recorded."))
        return redirect("clients:detail", pk=grant.client_id)
    return render(
        request, "interventions/emergency_disclosure.html", {"grant": grant, "form": form}
    )
