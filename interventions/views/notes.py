"""A note: its page, the draft that saves as its author types, signing,
addenda and changes of audience."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.access import get_client_for
from peersupport.access import ability_required
from peersupport.audit import record_reads
from peersupport.form_tools import apply_service
from peersupport.roles import Ability

from .. import access, services
from ..access import Action
from ..choices import Audience, is_widening
from ..forms import AddendumForm, AudienceForm, NoteForm

use_register = ability_required(Ability.USE_REGISTER)


def _page(request, note, **forms):
    """The note's page. Every rendering shows the body, so each writes its read."""
    record_reads([note], via="note")
    is_author = note.author_id == request.user.pk
    context = {
        "note": note,
        "addenda": list(note.addenda.select_related("author")),
        "is_author": is_author,
        "may_edit": access.can(request.user, Action.EDIT, note),
        "may_amend": access.can(request.user, Action.ADD_ADDENDUM, note),
        **forms,
    }
    if context["may_edit"]:
        context.setdefault(
            "form",
            NoteForm(
                initial={"body": note.body, "audience": note.audience},
                audiences=access.audiences_for(request.user, note.client)
                or [Audience(note.audience)],
            ),
        )
    if context["may_amend"]:
        context.setdefault("addendum_form", AddendumForm())
        audiences = access.audiences_for(request.user, note.client)
        if audiences:
            context.setdefault(
                "audience_form",
                AudienceForm(initial={"audience": note.audience}, audiences=audiences),
            )
    return render(request, "interventions/note_detail.html", context)


@use_register
def note_detail(request, pk):
    note = access.get_note_for(request.user, pk)
    return _page(request, note)


@use_register
@require_POST
def note_new(request, client_pk):
    """Start a draft about a person (optionally an answer in the shared thread)."""
    client = get_client_for(request.user, client_pk)
    if not access.can_write_notes(request.user, client):
        raise Http404
    audience = request.POST.get("audience") or None
    if audience and audience not in Audience.values:
        audience = None
    try:
        note = services.note_start(acting_user=request.user, client=client, audience=audience)
    except ValidationError:
        note = services.note_start(acting_user=request.user, client=client)
        messages.warning(request, _("This person has not consented to sharing with the care team."))
    return redirect("notes:detail", pk=note.pk)


@use_register
@require_POST
def note_save(request, pk):
    """Save a draft: every few seconds from htmx as the author types, or by the button."""
    note = access.get_note_for(request.user, pk, Action.EDIT)
    form = NoteForm(
        request.POST,
        audiences=access.audiences_for(request.user, note.client) or [Audience(note.audience)],
    )
    saved = form.is_valid() and apply_service(
        form,
        lambda: services.note_save_draft(
            acting_user=request.user,
            note=note,
            body=form.cleaned_data["body"],
            audience=form.cleaned_data["audience"],
        ),
    )
    if request.htmx:
        return render(
            request,
            "interventions/fragments/save_status.html",
            {"saved": bool(saved), "at": timezone.now(), "form": form},
        )  # 200 either way: htmx swaps only successful responses, and the author must see why
    if not saved:
        return _page(request, note, form=form)
    if "sign" in request.POST:
        signed = apply_service(
            form, lambda: services.note_sign(acting_user=request.user, note=note)
        )
        if not signed:
            note.refresh_from_db()
            return _page(request, note, form=form)
        messages.success(request, _("Note signed. It can no longer be changed, only added to."))
    else:
        messages.success(request, _("Draft saved. Only you can see it."))
    return redirect("notes:detail", pk=note.pk)


@use_register
@require_POST
def note_addendum(request, pk):
    note = access.get_note_for(request.user, pk, Action.ADD_ADDENDUM)
    form = AddendumForm(request.POST)
    if form.is_valid() and apply_service(
        form,
        lambda: services.note_add_addendum(
            acting_user=request.user, note=note, body=form.cleaned_data["body"]
        ),
    ):
        messages.success(request, _("Addendum added. The original stays as it was."))
        return redirect("notes:detail", pk=note.pk)
    return _page(request, note, addendum_form=form)


@use_register
@require_POST
def note_audience(request, pk):
    note = access.get_note_for(request.user, pk)
    audiences = access.audiences_for(request.user, note.client)
    form = AudienceForm(request.POST, audiences=audiences)
    if not form.is_valid():
        return _page(request, note, audience_form=form)
    new = Audience(form.cleaned_data["audience"])
    action = Action.WIDEN if is_widening(note.audience, new) else Action.NARROW
    note = access.get_note_for(request.user, pk, action)
    if apply_service(
        form,
        lambda: services.note_change_audience(acting_user=request.user, note=note, audience=new),
    ):
        messages.success(request, _("Who may read this note has changed."))
        return redirect("notes:detail", pk=note.pk)
    return _page(request, note, audience_form=form)
