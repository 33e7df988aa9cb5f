"""What this app adds to pages of the apps below it (peersupport.slots): the
work waiting on the home page, and a person's timeline on their page."""

from typing import Any

from django.http import HttpRequest

from clients.models import Client
from peersupport.audit import record_reads
from peersupport.query import page_number

from . import selectors, today
from .access import emergency_access_policy, encounter_policy, note_policy, peer_request_policy
from .context_processors import waiting_for
from .models import EmergencyAccess, Encounter, Note, PeerRequest

# Where this app's parts of a person's page go, by region of that page.
PERSON_PAGE_TEMPLATES = {
    "alerts": "interventions/person/alerts.html",
    "actions": "interventions/person/actions.html",
    "more_actions": "interventions/person/more_actions.html",
    "sections": "interventions/person/activity.html",
}


# Where this app's cards go on the home page, by region of that page.
HOME_PAGE_TEMPLATES = {
    "today": "interventions/home/today.html",
    "work": "interventions/home/work.html",
}


def home_page(request: HttpRequest) -> dict[str, Any]:
    """The counts of what waits for the viewer (the menu's, counted once), and
    this app's cards of the viewer's day: drafts to sign, what to read and
    answer, and what those who run the programme review and assign."""
    user = request.user
    waiting = waiting_for(request)
    return {
        "waiting": waiting,
        "home_drafts": today.drafts_to_sign(viewer=user),
        "home_to_read": today.to_read_and_answer(viewer=user, waiting=waiting),
        "home_to_review": today.to_review_and_assign(viewer=user, waiting=waiting),
    }


def person_page(request: HttpRequest, *, client: Client) -> dict[str, Any]:
    """A person's timeline, what consent hides from the viewer, the viewer's
    safety exception in force, and what the viewer may start about the person.
    The notes whose bodies the timeline shows are recorded as read."""
    user = request.user
    timeline = selectors.timeline(viewer=user, client=client, page=page_number(request))
    record_reads(timeline.shown_notes, via="timeline")
    return {
        "timeline": timeline,
        "notes_hidden_by_consent": note_policy.count_hidden_by_consent(user, client),
        "emergency_access": selectors.active_emergency_access(viewer=user, client=client),
        "can_write_notes": note_policy.can(user, note_policy.Action.CREATE, Note(client=client)),
        "can_log_encounter": encounter_policy.can(
            user, encounter_policy.Action.CREATE, Encounter(client=client)
        ),
        "can_open_emergency": emergency_access_policy.can(
            user, emergency_access_policy.Action.OPEN, EmergencyAccess(client=client)
        ),
        "can_request_peer": peer_request_policy.can(
            user, peer_request_policy.Action.CREATE, PeerRequest(client=client)
        ),
    }
