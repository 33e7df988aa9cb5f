"""A note: its page, the draft that saves as its author types, signing,
addenda and changes of audience."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.access import client_policy
from peersupport import submissions
from peersupport.access import ability_required
from peersupport.audit import record_reads
from peersupport.concurrency import version_of
from peersupport.form_tools import apply_service
from peersupport.query import parse, query_string, record_id
from peersupport.roles import Ability
from peersupport.submissions import mark_drafts_saved, offline_key

from .. import selectors, services
from ..access import note_policy
from ..choices import Audience, is_widening
from ..forms import AddendumForm, AudienceForm, NoteForm, NoteNewQuery

Action = note_policy.Action

use_register = ability_required(Ability.USE_REGISTER)
# The one-time token of the note a "Write a note" page creates. Not the
# middleware's field: every request that carries it after the first (the Sign
# click sent while the first autosave is in flight, an autosave whose answer
# was lost) must reach note_new, which writes it into the draft the first made.
DRAFT_FIELD = "draft_token"
# The answers of a conversation shown above an answer's form, the latest.
ANSWERS_ABOVE_THE_FORM = 3


def _page(request, note, **forms):
    """The note's page. Every rendering shows the body, so each writes its read."""
    record_reads([note], via="note")
    is_author = note.author_id == request.user.pk
    context = {
        "note": note,
        "addenda": selectors.note_addenda(note),
        "is_author": is_author,
        "can_edit": note_policy.can(request.user, Action.EDIT, note),
        "can_amend": note_policy.can(request.user, Action.ADD_ADDENDUM, note),
        "draft_key": offline_key(request.user, f"note-{note.pk}"),
        **forms,
    }
    if note.answers_note_id:
        # An answer links to the conversation it belongs to, if the reader reads it.
        context["conversation_start"] = (
            note_policy.visible_to(request.user).filter(pk=note.answers_note_id).first()
        )
    if context["can_edit"]:
        context.setdefault(
            "form",
            NoteForm(
                initial={
                    "body": note.body,
                    "audience": note.audience,
                    "mentions": [user.pk for user in note.mentions.all()],
                },
                audiences=note_policy.audiences_for_draft(request.user, note),
                author=request.user,
                client=note.client,
                row=note,
            ),
        )
    if context["can_amend"]:
        context.setdefault("addendum_form", AddendumForm())
        audiences = note_policy.audiences_for_note(request.user, note)
        if audiences:
            context.setdefault(
                "audience_form",
                AudienceForm(initial={"audience": note.audience}, audiences=audiences),
            )
    return render(request, "interventions/note_detail.html", context)


@use_register
def note_detail(request, pk):
    note = note_policy.get_for(request.user, pk)
    return _page(request, note)


def _answered_note(request, client):
    """The note being answered (``?answer=``), through the access policy: one
    the user may not read is a 404, like any other way of opening it. An answer
    to an answer answers the conversation: the note that began it."""
    pk = parse(request, NoteNewQuery).value("answer")
    if pk is None:
        return None
    answered = note_policy.get_for(request.user, pk)
    if answered.answers_note_id:
        answered = note_policy.get_for(request.user, answered.answers_note_id)
    if answered.client_id != client.pk or not answered.is_signed:
        raise Http404
    return answered


def _compose_key(user, client, answered, draft) -> str:
    if draft is not None:
        return offline_key(user, f"note-{draft.pk}")
    return offline_key(user, f"note-new-{client.pk}-{answered.pk if answered else 0}")


def _draft_of_token(request, client, form, token):
    """The draft that the first request with this page's token created.

    Returns ``(draft, None)`` (the draft, or None when this request is the
    first and holds the token), or ``(None, response)`` when the note cannot
    take the text: already signed (the repeat is sent to it, changing
    nothing), or still being created after the wait.
    """
    first = submissions.claim(request.user, token)
    if first is None:
        return None, None
    if first.done_at is None:
        if request.htmx:  # the next autosave will find the draft
            form.add_error(None, _("The draft is still being created."))
            return None, render(
                request,
                "interventions/fragments/save_status.html",
                {"saved": False, "form": form},
            )
        return None, submissions.still_pending(request)
    note = note_policy.get_for(request.user, first.created_id)
    if note.client_id != client.pk or not note_policy.can(request.user, Action.EDIT, note):
        return None, submissions.repeat(request, first.result_url)
    return note, None


@use_register
def note_new(request, client_pk):
    """Write a note about a person, optionally answering one of the thread.

    Nothing is created by opening the page: the draft starts with the first
    autosave that has words in it (htmx), or with the plain submit. After
    that, ``draft`` names it and every save goes into it; a request that
    still carries only the page's token (``DRAFT_FIELD``) goes into it too.
    """
    client = client_policy.get_for(request.user, client_pk)
    answered = _answered_note(request, client)
    audiences = (
        note_policy.audiences_for_answer(request.user, answered)
        if answered is not None
        else note_policy.audiences_for(request.user, client)
    )
    if not audiences:
        raise Http404
    query = parse(request, NoteNewQuery)
    draft_pk = record_id(request.POST.get("draft", "")) or query.value("draft")
    draft = None
    if draft_pk is not None:
        draft = note_policy.get_for(request.user, draft_pk, Action.EDIT)
        if draft.client_id != client.pk:
            raise Http404
    if request.method == "POST" and "body" not in request.POST:
        # The plain "Write a note" button of a page: open the form, create nothing.
        query = {k: v for k, v in request.POST.items() if k in ("audience", "answer")}
        return redirect(f"{request.path}?{urlencode(query)}" if query else request.path)
    # A link may ask for an audience (the shared feed's "Answer": the care team).
    # The policy says which the form opens with; a refusal is shown on the field.
    # An answer opens with the audience of the note it answers, if it may.
    wanted = query.value("audience") or (draft.audience if draft else None)
    if wanted is None and answered is not None and answered.audience in audiences:
        wanted = answered.audience
    opening, refused = note_policy.opening_audience(audiences, wanted)
    initial = {"audience": opening}
    if draft is not None:
        initial["body"] = draft.body
        if request.method == "GET":  # a bound form does not read its initial values
            initial["mentions"] = [user.pk for user in draft.mentions.all()]
    why = None
    if refused and draft is None and request.method == "GET":
        why = (
            _("This person has not consented to sharing with the care team.")
            if wanted == Audience.CARE_TEAM
            else _("You cannot choose this audience.")
        )
    form = NoteForm(
        request.POST or None,
        audiences=audiences,
        author=request.user,
        client=client,
        initial=initial,
        refused=why,
        row=draft,
    )
    key = _compose_key(request.user, client, answered, draft)
    token = request.POST.get(DRAFT_FIELD, "")
    if request.method == "POST" and form.is_valid():
        if draft is None and not form.cleaned_data["body"].strip():
            if request.htmx:
                return render(request, "interventions/fragments/save_status.html", {"empty": True})
            form.add_error("body", _("Write the note first."))
        else:
            # The address bar and the form learn the draft's number from the
            # answer that hands it over: the first, or any repeat of the token.
            hand_over = draft is None
            holds_token = False
            if draft is None and submissions.is_token(token):
                draft, refused = _draft_of_token(request, client, form, token)
                if refused is not None:
                    return refused
                holds_token = draft is None
            try:
                note = apply_service(
                    form,
                    lambda: (
                        services.note_save_draft(
                            acting_user=request.user, note=draft, **form.service_arguments()
                        )
                        if draft is not None
                        else services.note_start(
                            acting_user=request.user,
                            client=client,
                            answers=answered,
                            **form.service_arguments(),
                        )
                    ),
                )
            except BaseException:
                if holds_token:
                    submissions.release(request.user, token)
                raise
            if holds_token:
                if note:
                    url = reverse("notes:detail", args=[note.pk])
                    submissions.finish(request.user, token, url=url, created_id=note.pk)
                else:
                    submissions.release(request.user, token)
            if note and request.htmx:
                return _draft_saved_fragment(request, note, created=hand_over)
            if note and "sign" in request.POST:
                note = apply_service(
                    form, lambda: services.note_sign(acting_user=request.user, note=note)
                )
                if note:
                    messages.success(
                        request, _("Note signed. It can no longer be changed, only added to.")
                    )
            elif note:
                messages.success(request, _("Draft saved. Only you can see it."))
            if note:
                response = redirect("notes:detail", pk=note.pk)
                return mark_drafts_saved(
                    response, key, offline_key(request.user, f"note-{note.pk}")
                )
    if request.htmx:
        return _not_saved_fragment(request, form)
    latest_answers, earlier_answers = [], 0
    if answered is not None:
        # Above the form: the note that began the conversation and its latest
        # answers; a long thread links to its page, the form stays near the top.
        thread = selectors.conversation(viewer=request.user, start=answered)
        latest_answers = thread.answers[-ANSWERS_ABOVE_THE_FORM:]
        earlier_answers = len(thread.answers) - len(latest_answers)
        shown = [thread.start, *latest_answers]
        record_reads(shown, via="answer")
        services.mark_read(reader=request.user, notes=shown)
    return render(
        request,
        "interventions/note_new.html",
        {
            "client": client,
            "form": form,
            "answered": answered,
            "latest_answers": latest_answers,
            "earlier_answers": earlier_answers,
            "draft": draft,
            "draft_key": key,
            "draft_token": token if submissions.is_token(token) else submissions.new_token(),
        },
    )


def _draft_saved_fragment(request, note, *, created):
    """The autosave's answer. The one that hands the draft over (it created
    it, or repeated the token of the one that did) also swaps the form's
    one-time token for the draft's number, points the address bar at the
    draft (a reload keeps writing into it) and moves the tab's offline copy to
    the draft's key."""
    response = render(
        request,
        "interventions/fragments/save_status.html",
        {
            "saved": True,
            "at": timezone.now(),
            "created_draft": note if created else None,
            # The page's next autosave says it builds on this save.
            "version": version_of(note, NoteForm.version_fields or ()),
        },
    )
    if created:
        response["HX-Replace-Url"] = f"{request.path}?{query_string(request, draft=note.pk)}"
        response["X-Draft-Key"] = offline_key(request.user, f"note-{note.pk}")
    return response


def _not_saved_fragment(request, form):
    """An autosave refused (saved meanwhile from another tab, say): the page
    keeps the text and its version, so each later autosave is refused too until
    the author saves on purpose; the tab keeps its offline copy."""
    response = render(
        request,
        "interventions/fragments/save_status.html",
        {"saved": False, "at": timezone.now(), "form": form},
    )
    response["X-Draft-Not-Saved"] = "1"
    return response


@use_register
@require_POST
def note_save(request, pk):
    """Save a draft: every few seconds from htmx as the author types, or by the button."""
    note = note_policy.get_for(request.user, pk, Action.EDIT)
    form = NoteForm(
        request.POST,
        audiences=note_policy.audiences_for_draft(request.user, note),
        author=request.user,
        client=note.client,
        row=note,
    )
    saved = form.is_valid() and apply_service(
        form,
        lambda: services.note_save_draft(
            acting_user=request.user, note=note, **form.service_arguments()
        ),
    )
    if request.htmx:
        # 200 either way: htmx swaps only successful responses, and the author must see why
        if saved:
            return _draft_saved_fragment(request, saved, created=False)
        return _not_saved_fragment(request, form)
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
    return mark_drafts_saved(
        redirect("notes:detail", pk=note.pk), offline_key(request.user, f"note-{note.pk}")
    )


@use_register
@require_POST
def note_addendum(request, pk):
    note = note_policy.get_for(request.user, pk, Action.ADD_ADDENDUM)
    form = AddendumForm(request.POST)
    if form.is_valid() and apply_service(
        form,
        lambda: services.note_add_addendum(
            acting_user=request.user, note=note, **form.service_arguments()
        ),
    ):
        messages.success(request, _("Addendum added. The original stays as it was."))
        return redirect("notes:detail", pk=note.pk)
    return _page(request, note, addendum_form=form)


@use_register
@require_POST
def note_audience(request, pk):
    note = note_policy.get_for(request.user, pk)
    audiences = note_policy.audiences_for_note(request.user, note)
    form = AudienceForm(request.POST, audiences=audiences)
    if not form.is_valid():
        return _page(request, note, audience_form=form)
    new = Audience(form.cleaned_data["audience"])
    action = Action.WIDEN if is_widening(note.audience, new) else Action.NARROW
    note = note_policy.get_for(request.user, pk, action)
    if apply_service(
        form,
        lambda: services.note_change_audience(acting_user=request.user, note=note, audience=new),
    ):
        messages.success(request, _("Who may read this note has changed."))
        return redirect("notes:detail", pk=note.pk)
    return _page(request, note, audience_form=form)
