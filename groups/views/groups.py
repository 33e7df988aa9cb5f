"""Support groups: the list (the viewer's first), a group's page with its
sessions, starting a group and changing it (retiring it included)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.form_tools import apply_service

from .. import selectors, services
from ..access import support_group_policy
from ..forms import GroupForm
from . import sees_groups

A = support_group_policy.Action


@sees_groups
def group_list(request):
    user = request.user
    return render(
        request,
        "groups/group_list.html",
        {
            "groups": selectors.groups_list(viewer=user),
            "can_create": support_group_policy.can(user, A.CREATE),
            "today": timezone.localdate(),
        },
    )


@sees_groups
def group_create(request):
    if not support_group_policy.can(request.user, A.CREATE):
        raise Http404
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = apply_service(
            form,
            lambda: services.group_create(acting_user=request.user, **form.service_arguments()),
        )
        if group is not None:
            messages.success(request, _("Group saved."))
            return redirect("groups:detail", pk=group.pk)
    return render(request, "groups/group_form.html", {"form": form, "title": _("New group")})


@sees_groups
def group_detail(request, pk):
    user = request.user
    group = support_group_policy.get_for(user, pk)
    sessions = selectors.group_sessions(viewer=user, group=group)
    facilitators = sorted(group.facilitators.all(), key=str)
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "sessions": sessions,
            "facilitators": facilitators,
            "can_edit": support_group_policy.can(user, A.EDIT, group),
            "can_record_session": support_group_policy.can(user, A.RECORD_SESSION, group),
            "today": timezone.localdate(),
        },
    )


@sees_groups
def group_edit(request, pk):
    group = support_group_policy.get_for(request.user, pk, A.EDIT)
    initial = {
        "name": group.name,
        "description": group.description,
        "recurrence": group.recurrence,
        "schedule": group.schedule,
        "place_partner": group.place_partner_id,
        "place_text": group.place_text,
        "facilitators": [user.pk for user in group.facilitators.all()],
        "is_active": group.is_active,
    }
    form = GroupForm(request.POST or None, user=request.user, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: services.group_update(
                acting_user=request.user, group=group, **form.service_arguments()
            ),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("groups:detail", pk=saved.pk)
    return render(
        request,
        "groups/group_form.html",
        {"form": form, "group": group, "title": _("Change this group")},
    )
