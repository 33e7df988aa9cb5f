"""The safety exception: opening a person's notes when someone's safety is at
stake, and the coordinators' review of every use."""

from auditlog.models import LogEntry
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.access import client_policy
from peersupport.access import ability_required
from peersupport.audit import acting_as, record_event
from peersupport.form_tools import apply_service
from peersupport.query import page_number, parse
from peersupport.roles import Ability
from peersupport.second_factor import MALFORMED, has_second_factor, verify_code

from .. import selectors, services
from ..access import emergency_access_policy
from ..choices import ReviewStatus
from ..forms import DisclosureForm, EmergencyAccessForm, EmergencyQueueQuery, ReviewForm
from ..models import EmergencyAccess

Action = emergency_access_policy.Action
REVIEW_PAGE = 25
SECOND_FACTOR_FAILED = "emergency_second_factor_failed"


@ability_required(Ability.USE_REGISTER)
def emergency_access_open(request, pk):
    client = client_policy.get_for(request.user, pk)
    if not emergency_access_policy.can(request.user, Action.OPEN, EmergencyAccess(client=client)):
        raise PermissionDenied
    asks_code = has_second_factor(request.user)
    form = EmergencyAccessForm(request.POST or None, asks_second_factor=asks_code)
    if request.method == "POST" and form.is_valid() and _second_factor_given(request, form, client):
        grant = apply_service(
            form,
            lambda: services.emergency_access_open(
                acting_user=request.user, client=client, **form.service_arguments()
            ),
        )
        if grant:
            messages.warning(request, _("Safety exception opened."))
            return redirect("clients:detail", pk=client.pk)
        if asks_code:
            form.add_error("code", _("Enter a new code: each code works once."))
    return render(
        request, "interventions/emergency_access_form.html", {"client": client, "form": form}
    )


def _second_factor_given(request, form, client) -> bool:
    """For a user who has set up an app: the code is checked before the
    password, so that a wrong code answers the same whatever the password
    (no way to test passwords), and the app's throttling holds back guesses.
    A wrong code is recorded like a wrong password."""
    if "code" not in form.fields:
        return True
    try:
        verify_code(request.user, form.cleaned_data["code"])
    except ValidationError as refusal:
        form.add_error("code", refusal)
        if refusal.code != MALFORMED:
            with acting_as(request.user):
                record_event(
                    client,
                    action=LogEntry.Action.ACCESS,
                    extra={
                        "client_id": client.pk,
                        "event": SECOND_FACTOR_FAILED,
                        "severity": "high",
                    },
                )
        return False
    return True


@ability_required(Ability.USE_REGISTER)
def emergency_review_queue(request):
    """Every use of the exception, those to review first (coordinators see all)."""
    if not emergency_access_policy.can(request.user, Action.REVIEW):
        raise Http404
    status = parse(request, EmergencyQueueQuery).value("status")
    grants = selectors.emergency_review_list(viewer=request.user, status=status)
    page = Paginator(grants, REVIEW_PAGE).get_page(page_number(request))
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
