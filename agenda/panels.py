"""What this app adds to pages of the apps below it (peersupport.slots): what
is due on the home page, a person's open follow-ups above their timeline, and
"Make it a follow-up" on an encounter's next steps. Context keys start with
``agenda_``: the pages merge every app's keys."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from clients.models import Client
from interventions.models import Encounter
from peersupport.audit import record_reads

from . import selectors
from .access import follow_up_policy
from .models import FollowUp

A = follow_up_policy.Action

PERSON_PAGE_TEMPLATES = {
    "more_actions": "agenda/person/more_actions.html",
    "due": "agenda/person/due.html",
}
ENCOUNTER_PAGE_TEMPLATES = {
    "next_steps": "agenda/encounter/next_steps.html",
    "sections": "agenda/encounter/sections.html",
}
HOME_PAGE_TEMPLATES = {
    "due": "agenda/home/due.html",
    "work": "agenda/home/work.html",
    "account": "agenda/home/account.html",
}


# How many lines of what is due the home page shows.
HOME_DUE_SHOWN = 8


def home_page(request: HttpRequest) -> dict[str, Any]:
    """For who holds follow-ups: theirs due today or overdue. For coordinators:
    how many are overdue, per worker (counts only)."""
    user = request.user
    context: dict[str, Any] = {
        "agenda_holds_follow_ups": follow_up_policy.can(user, A.LIST),
        "agenda_counts": follow_up_policy.can(user, A.COUNT),
        "agenda_today": timezone.localdate(),
    }
    if context["agenda_holds_follow_ups"]:
        # A glance, not the whole list: the rest is one tap away, counted
        # without reading (or decrypting) what it says.
        shown = selectors.due_for(viewer=user, limit=HOME_DUE_SHOWN)
        record_reads(shown, via="home")
        context["agenda_due"] = shown
        context["agenda_due_more"] = selectors.due_total(viewer=user) - len(shown)
    if context["agenda_counts"]:
        loads = selectors.load_per_worker(viewer=user)
        context["agenda_overdue_loads"] = [load for load in loads if load.overdue]
    return context


def person_page(request: HttpRequest, *, client: Client) -> dict[str, Any]:
    """A person's open follow-ups and accompaniments, above their timeline."""
    user = request.user
    open_ones = selectors.open_for_person(viewer=user, client=client)
    record_reads(open_ones, via="person_page")
    can_create = follow_up_policy.can(user, A.CREATE, FollowUp(client=client))
    return {
        "agenda_open": open_ones,
        "agenda_overdue_count": sum(1 for follow_up in open_ones if follow_up.is_overdue),
        "agenda_can_create": can_create,
        "agenda_shown": bool(open_ones) or can_create,
        "agenda_today": timezone.localdate(),
    }


def encounter_page(request: HttpRequest, *, encounter: Encounter) -> dict[str, Any]:
    """ "Make it a follow-up" on the next steps, and what came of the encounter."""
    user = request.user
    client = encounter.client
    made = selectors.from_encounter(viewer=user, encounter=encounter)
    record_reads(made, via="encounter")
    return {
        "agenda_from_encounter": made,
        "agenda_can_follow_up": client is not None
        and follow_up_policy.can(user, A.CREATE, FollowUp(client=client)),
        "agenda_today": timezone.localdate(),
    }
