"""The audit trail for coordinators: who did or saw what, and who signed in,
searchable, in words."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peersupport.access import ability_required
from peersupport.audit import readable_entries
from peersupport.keyset import page_by_time
from peersupport.query import parse
from peersupport.roles import Ability

from . import selectors
from .browsers import browser_in_words
from .forms import AuditFilterForm, SignInFilterForm

PAGE_SIZE = 50


@ability_required(Ability.VIEW_AUDIT_TRAIL)
def audit_trail(request: HttpRequest) -> HttpResponse:
    form = parse(request, AuditFilterForm)
    filters = form.values()
    entries = selectors.trail_entries(viewer=request.user, filters=filters)
    # By place, newest first: no count of the whole trail, no offset into it.
    page = page_by_time(request, entries, field="timestamp", size=PAGE_SIZE)
    rows = page.rows
    person = filters.get("person")
    people_ids = {person} if person else set()
    for entry in rows:
        entry.client_id = selectors.person_of(entry)
        if entry.client_id:
            people_ids.add(entry.client_id)
    # Names only of the people this coordinator may see; the others show as numbers.
    names = selectors.names_of_people(viewer=request.user, ids=people_ids)
    for entry, words in zip(rows, readable_entries(rows), strict=True):
        entry.client_name = names.get(entry.client_id, "")
        entry.words = words
    return render(
        request,
        "audit/trail.html",
        {
            "page": page,
            "rows": rows,
            "form": form if form.is_bound else AuditFilterForm(),
            "person_name": names.get(person) if person else None,
        },
    )


@ability_required(Ability.VIEW_AUDIT_TRAIL)
def sign_ins(request: HttpRequest) -> HttpResponse:
    """Sign-ins, sign-outs, failures and lock-outs of every account."""
    form = parse(request, SignInFilterForm)
    filters = form.values()
    events = selectors.sign_in_events(viewer=request.user, filters=filters)
    page = page_by_time(request, events, field="at", size=PAGE_SIZE)
    rows = page.rows
    for event in rows:
        event.browser = browser_in_words(event.user_agent)
    return render(
        request,
        "audit/sign_ins.html",
        {"page": page, "rows": rows, "form": form if form.is_bound else SignInFilterForm()},
    )
