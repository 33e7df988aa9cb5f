"""Work that is not an encounter: the viewer's list, logging one (the kind
first), its page, changing it, and time by kind per month. Thin: the policy
finds, services change."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from peersupport.access import ability_required
from peersupport.audit import record_view
from peersupport.form_tools import apply_service
from peersupport.query import page_number, parse
from peersupport.roles import Ability

from .. import work_selectors, work_services
from ..access import work_activity_policy
from ..choices import LOGBOOK_KINDS, PRIVATE_KINDS, WorkKind
from ..work_forms import WorkForm, WorkQuery

A = work_activity_policy.Action
logs_work = ability_required(Ability.LOG_WORK)
PAGE_SIZE = 25
# How many months the time page shows.
MONTHS_SHOWN = 6


@logs_work
def work_list(request):
    kind = parse(request, WorkQuery).value("kind", "")
    page = Paginator(work_selectors.work_list(viewer=request.user, kind=kind), PAGE_SIZE).get_page(
        page_number(request)
    )
    return render(
        request,
        "staff/work/list.html",
        {"page": page, "kind": kind, "kinds": WorkKind.choices},
    )


@logs_work
def work_create(request):
    kind = parse(request, WorkQuery).value("kind", "")
    if kind not in WorkKind.values:
        # The kind first: each asks for what it needs.
        return render(request, "staff/work/choose_kind.html", {"kinds": WorkKind.choices})
    form = WorkForm(request.POST or None, user=request.user, kind=kind)
    if request.method == "POST" and form.is_valid():
        activity = apply_service(
            form,
            lambda: work_services.work_log(
                acting_user=request.user, kind=kind, **form.service_arguments()
            ),
        )
        if activity is not None:
            messages.success(request, _("Saved."))
            return redirect("work:detail", pk=activity.pk)
    return render(
        request,
        "staff/work/form.html",
        {"form": form, "kind": WorkKind(kind), "private": kind in PRIVATE_KINDS},
    )


@logs_work
def work_detail(request, pk):
    activity = work_activity_policy.get_for(request.user, pk)
    can_read_note = work_activity_policy.can(request.user, A.READ_NOTE, activity)
    if can_read_note and activity.note:
        record_view(activity)
    return render(
        request,
        "staff/work/detail.html",
        {
            "activity": activity,
            "attendees": list(activity.attendees.order_by("first_name", "last_name", "username")),
            "can_read_note": can_read_note,
            "can_edit": work_activity_policy.can(request.user, A.EDIT, activity),
            "can_count_in_logbook": activity.kind in LOGBOOK_KINDS
            and work_activity_policy.can(request.user, A.TO_LOGBOOK, activity),
            "private": activity.is_private,
        },
    )


@logs_work
def work_edit(request, pk):
    activity = work_activity_policy.get_for(request.user, pk, A.EDIT)
    initial = {
        "occurred_on": activity.occurred_on,
        "duration_minutes": activity.duration_minutes,
        "attendees": [user.pk for user in activity.attendees.all() if user.pk != request.user.pk],
        "partner": activity.partner_id,
        "contacts_count": activity.contacts_count,
    }
    form = WorkForm(
        request.POST or None,
        user=request.user,
        kind=activity.kind,
        activity=activity,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: work_services.work_update(
                acting_user=request.user, activity=activity, **form.service_arguments()
            ),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("work:detail", pk=saved.pk)
    if activity.note:
        # The form shows what the note says above the box that adds to it.
        record_view(activity)
    return render(
        request,
        "staff/work/form.html",
        {
            "form": form,
            "kind": WorkKind(activity.kind),
            "activity": activity,
            "private": activity.is_private,
        },
    )


@logs_work
def time_by_kind(request):
    """The viewer's own months; a coordinator picks any peer (``?peer=``)."""
    peer = request.user
    peers = work_selectors.peers_to_count(request.user)
    query = parse(request, WorkQuery)
    if query.refused("peer"):
        raise Http404
    if (chosen := query.value("peer")) and chosen != request.user.pk:
        peer = get_object_or_404(peers, pk=chosen)
    months = work_selectors.time_by_kind(request.user, peer, MONTHS_SHOWN)
    return render(
        request,
        "staff/work/time.html",
        {
            "peer": peer,
            "is_self": peer.pk == request.user.pk,
            "months": months,
            "peers": list(peers.order_by("first_name", "last_name", "username")),
        },
    )
