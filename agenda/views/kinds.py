"""The kinds of accompaniment, kept by coordinators like the activities."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.access import ability_required
from peersupport.form_tools import apply_service
from peersupport.roles import Ability

from .. import services
from ..forms import KindForm
from ..models import AccompanimentKind

can_keep_kinds = ability_required(Ability.MANAGE_ACTIVITIES)


def _kind_for(request, pk) -> AccompanimentKind:
    return get_object_or_404(services.kinds_for(request.user), pk=pk)


@can_keep_kinds
def kind_list(request):
    kinds = list(services.kinds_for(request.user))
    return render(
        request,
        "agenda/kinds/list.html",
        {
            "offered": [k for k in kinds if k.is_active],
            "retired": [k for k in kinds if not k.is_active],
        },
    )


def _kind_form(request, kind: AccompanimentKind, title: str):
    form = KindForm(request.POST or None, instance=kind)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form, lambda: services.kind_save(acting_user=request.user, kind=form.instance)
        )
        if saved is not None:
            messages.success(request, _("Kind “%(name)s” saved.") % {"name": saved})
            return redirect("follow_ups:kinds")
    return render(request, "agenda/kinds/form.html", {"form": form, "kind": kind, "title": title})


@can_keep_kinds
def kind_create(request):
    return _kind_form(request, AccompanimentKind(), _("New kind of accompaniment"))


@can_keep_kinds
def kind_edit(request, pk):
    kind = _kind_for(request, pk)
    return _kind_form(request, kind, _("Edit “%(name)s”") % {"name": kind})


def _set_offered(request, pk, offered: bool):
    kind = _kind_for(request, pk)
    try:
        services.kind_set_offered(acting_user=request.user, kind=kind, offered=offered)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("follow_ups:kinds")
    if offered:
        messages.success(request, _("“%(name)s” is offered again.") % {"name": kind})
    else:
        messages.success(
            request,
            _("“%(name)s” is retired: past accompaniments keep it, new ones no longer offer it.")
            % {"name": kind},
        )
    return redirect("follow_ups:kinds")


@can_keep_kinds
@require_POST
def kind_retire(request, pk):
    return _set_offered(request, pk, offered=False)


@can_keep_kinds
@require_POST
def kind_restore(request, pk):
    return _set_offered(request, pk, offered=True)
