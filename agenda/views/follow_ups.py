"""Follow-ups: the worker's list, a promise made (from a person's page, an
encounter's next steps, or on its own), its page, changing and closing it,
and the coordinators' counts per worker."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.access import client_policy
from interventions.access import encounter_policy
from peersupport.access import ability_required
from peersupport.audit import record_reads, record_view
from peersupport.form_tools import apply_service
from peersupport.query import parse
from peersupport.roles import Ability

from .. import selectors, services
from ..access import follow_up_policy
from ..choices import FollowUpStatus
from ..forms import CloseForm, FollowUpForm, FollowUpQuery

A = follow_up_policy.Action
works_on_teams = ability_required(Ability.JOIN_CARE_TEAMS)

# How far ahead a follow-up is due unless its author says otherwise.
DEFAULT_DAYS_AHEAD = 7


def _after(follow_up):
    """Where a change leads back to: the follow-up's person."""
    return redirect("clients:detail", pk=follow_up.client_id)


@works_on_teams
def follow_up_list(request):
    query = parse(request, FollowUpQuery)
    scope = query.value("scope", "mine")
    status = query.value("status", FollowUpStatus.OPEN)
    rows = selectors.follow_ups_list(viewer=request.user, scope=scope, status=status)
    record_reads(rows, via="follow_ups")
    return render(
        request,
        "agenda/follow_up_list.html",
        {
            "rows": rows,
            "scope": scope,
            "status": status,
            "statuses": FollowUpStatus.choices,
            "today": timezone.localdate(),
        },
    )


@works_on_teams
def follow_up_new(request):
    query = parse(request, FollowUpQuery)
    accompaniment = query.value("kind") == "accompaniment"
    client = encounter = None
    initial = {"due_on": timezone.localdate() + timedelta(days=DEFAULT_DAYS_AHEAD)}
    if accompaniment:
        initial.pop("due_on")
    if (encounter_id := query.value("encounter")) is not None:
        encounter = encounter_policy.get_for(request.user, encounter_id)
        if encounter.client_id is None or not encounter_policy.can(
            request.user, encounter_policy.Action.READ_NEXT_STEPS, encounter
        ):
            raise Http404
        client = encounter.client
        initial["what"] = encounter.next_steps
    elif (client_id := query.value("client")) is not None:
        # Someone the user may not see is not found; someone they see but may
        # not make a promise about (a closed file) is refused.
        client = client_policy.get_for(request.user, client_id)
    if (query.refused("client") or query.refused("encounter")) and client is None:
        raise Http404
    if (
        client is not None
        and not follow_up_policy.clients_for_new(request.user).filter(pk=client.pk).exists()
    ):
        raise PermissionDenied
    form = FollowUpForm(
        request.POST or None,
        user=request.user,
        client=client,
        accompaniment=accompaniment,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        arguments.setdefault("client", client)
        follow_up = apply_service(
            form,
            lambda: services.follow_up_create(
                acting_user=request.user, from_encounter=encounter, **arguments
            ),
        )
        if follow_up is not None:
            messages.success(
                request,
                _("Accompaniment saved.") if accompaniment else _("Follow-up saved."),
            )
            return _after(follow_up)
    return render(
        request,
        "agenda/follow_up_form.html",
        {
            "form": form,
            "client": client,
            "encounter": encounter,
            "accompaniment": accompaniment,
            "title": _("New accompaniment") if accompaniment else _("New follow-up"),
        },
    )


@works_on_teams
def follow_up_detail(request, pk):
    follow_up = follow_up_policy.get_for(request.user, pk)
    record_view(follow_up)
    user = request.user
    return render(
        request,
        "agenda/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "can_edit": follow_up_policy.can(user, A.EDIT, follow_up),
            "can_close": follow_up_policy.can(user, A.CLOSE, follow_up),
            "can_log_encounter": follow_up_policy.can(user, A.LOG_ENCOUNTER, follow_up),
            "today": timezone.localdate(),
        },
    )


@works_on_teams
def follow_up_edit(request, pk):
    follow_up = follow_up_policy.get_for(request.user, pk, A.EDIT)
    record_view(follow_up)
    initial = {
        "what": follow_up.what,
        "kind": follow_up.kind_id,
        "due_on": follow_up.due_on,
        "due_time": follow_up.due_time,
        "duration_minutes": follow_up.duration_minutes,
        "place_partner": follow_up.place_partner_id,
        "place_text": follow_up.place_text,
        "assigned_to": follow_up.assigned_to_id,
    }
    form = FollowUpForm(
        request.POST or None,
        user=request.user,
        follow_up=follow_up,
        accompaniment=follow_up.is_accompaniment,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: services.follow_up_update(
                acting_user=request.user, follow_up=follow_up, **form.service_arguments()
            ),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("follow_ups:detail", pk=saved.pk)
    return render(
        request,
        "agenda/follow_up_form.html",
        {
            "form": form,
            "client": follow_up.client,
            "follow_up": follow_up,
            "accompaniment": follow_up.is_accompaniment,
            "title": _("Change this accompaniment")
            if follow_up.is_accompaniment
            else _("Change this follow-up"),
        },
    )


@works_on_teams
def follow_up_done(request, pk):
    """Mark done; an accompaniment first says how it went, and is then offered
    to be logged as the encounter it was."""
    follow_up = follow_up_policy.get_for(request.user, pk, A.CLOSE)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        follow_up = services.follow_up_close(
            acting_user=request.user,
            follow_up=follow_up,
            status=FollowUpStatus.DONE,
            outcome=form.cleaned_data["outcome"],
        )
        if follow_up_policy.can(request.user, A.LOG_ENCOUNTER, follow_up):
            messages.success(request, _("Marked done. Log it as an encounter below."))
            return redirect("follow_ups:detail", pk=follow_up.pk)
        messages.success(request, _("Marked done."))
        return _after(follow_up)
    record_view(follow_up)
    return render(request, "agenda/follow_up_done.html", {"follow_up": follow_up, "form": form})


@works_on_teams
@require_POST
def follow_up_cancel(request, pk):
    follow_up = follow_up_policy.get_for(request.user, pk, A.CLOSE)
    follow_up = services.follow_up_close(
        acting_user=request.user, follow_up=follow_up, status=FollowUpStatus.CANCELLED
    )
    messages.success(request, _("Cancelled. It stays in the list of cancelled follow-ups."))
    return _after(follow_up)


@ability_required(Ability.MANAGE_CARE_TEAMS)
def workers(request):
    """Open and overdue follow-ups per worker: counts, never what they say."""
    loads = selectors.load_per_worker(viewer=request.user)
    return render(request, "agenda/workers.html", {"loads": loads})
