"""The activity list, kept by coordinators in the product itself."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.access import ability_required
from peersupport.form_tools import apply_service
from peersupport.roles import Ability

from .. import activities as services
from ..models import Activity

manage_activities = ability_required(Ability.MANAGE_ACTIVITIES)


def _activity_for(request, pk) -> Activity:
    return get_object_or_404(services.activities_for(request.user), pk=pk)


@manage_activities
def activity_list(request):
    activities = list(services.activities_for(request.user))
    return render(
        request,
        "interventions/activities/list.html",
        {
            "offered": [a for a in activities if a.is_active],
            "retired": [a for a in activities if not a.is_active],
        },
    )


def _activity_form(request, activity: Activity, title: str):
    form = services.ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: services.activity_save(acting_user=request.user, activity=form.instance),
        )
        if saved is not None:
            messages.success(request, _("Activity “%(name)s” saved.") % {"name": saved})
            return redirect("activities:list")
    return render(
        request,
        "interventions/activities/form.html",
        {"form": form, "activity": activity, "title": title},
    )


@manage_activities
def activity_create(request):
    return _activity_form(request, Activity(), _("New activity"))


@manage_activities
def activity_edit(request, pk):
    activity = _activity_for(request, pk)
    return _activity_form(request, activity, _("Edit “%(name)s”") % {"name": activity})


@manage_activities
@require_POST
def activity_retire(request, pk):
    activity = _activity_for(request, pk)
    try:
        services.activity_retire(acting_user=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("activities:list")
    messages.success(
        request,
        _("“%(name)s” is retired: past encounters keep it, new ones no longer offer it.")
        % {"name": activity},
    )
    return redirect("activities:list")


@manage_activities
@require_POST
def activity_restore(request, pk):
    activity = services.activity_restore(
        acting_user=request.user, activity=_activity_for(request, pk)
    )
    messages.success(request, _("“%(name)s” is offered again.") % {"name": activity})
    return redirect("activities:list")
