"""The safety exception: opening a person's notes when someone's safety is at
stake, and the coordinators' review of every use."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.access import get_client_for
from peersupport.access import ability_required
from peersupport.form_tools import apply_service
from peersupport.roles import Ability

from .. import access, services
from ..choices import ReviewStatus
from ..forms import DisclosureForm, EmergencyAccessForm, ReviewForm


@ability_required(Ability.USE_REGISTER)
def emergency_access_open(request, pk):
    client = get_client_for(request.user, pk)
    if not access.can_open_emergency_access(request.user, client):
        raise PermissionDenied
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grant = apply_service(
            form,
            lambda: services.emergency_access_open(
                acting_user=request.user,
                client=client,
                password=data["password"],
                reason=data["reason"],
                justification=data["justification"],
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
    if not access.can_review_emergency_access(request.user):
        raise Http404
    grants = (
        access.emergency_accesses_visible_to(request.user)
        .select_related("user", "client", "reviewed_by")
        .order_by("review_status", "-granted_at")
    )
    status = request.GET.get("status")
    if status in ReviewStatus.values:
        grants = grants.filter(review_status=status)
    page = Paginator(grants, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "interventions/emergency_queue.html",
        {"page": page, "statuses": ReviewStatus.choices, "status": status, "form": ReviewForm()},
    )


@ability_required(Ability.USE_REGISTER)
@require_POST
def emergency_review(request, pk):
    grant = get_object_or_404(access.emergency_accesses_visible_to(request.user), pk=pk)
    if not access.can_review_emergency_access(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid() and apply_service(
        form,
        lambda: services.emergency_access_review(
            acting_user=request.user,
            grant=grant,
            status=ReviewStatus(form.cleaned_data["status"]),
            comment=form.cleaned_data["comment"],
        ),
    ):
        messages.success(request, _("Review recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("emergency:queue")


@ability_required(Ability.USE_REGISTER)
def emergency_disclosure(request, pk):
    """The record of what was disclosed from the opened notes, to whom and why."""
    grant = get_object_or_404(access.emergency_accesses_visible_to(request.user), pk=pk)
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
                acting_user=request.user,
                grant=grant,
                what=form.cleaned_data["what"],
                to_whom=form.cleaned_data["to_whom"],
                purpose=form.cleaned_data["purpose"],
            ),
        )
    ):
        messages.success(request, _("Disclosure recorded."))
        return redirect("clients:detail", pk=grant.client_id)
    return render(
        request, "interventions/emergency_disclosure.html", {"grant": grant, "form": form}
    )
