"""What the staff app adds to the home page (debriefings asked of a
supervisor; the peer's own request waiting) and to an encounter's page ("Ask
for a debriefing", one tap, on an encounter the peer logged or took part in).
Context keys start with ``staff_``: the pages merge every app's keys. Neither
names the encounter's person: a request is told by its number."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from interventions.models import Encounter
from peersupport.home import Card, Line, ago_in_words, card_of

from .access import debriefing_request_policy, supervisor_of
from .choices import DebriefingStatus
from .models import DebriefingRequest
from .work_services import open_request_of

D = debriefing_request_policy.Action

HOME_PAGE_TEMPLATES = {"today": "staff/debriefings/home.html"}
ENCOUNTER_PAGE_TEMPLATES = {"sections": "staff/debriefings/encounter.html"}


def _line(asked: DebriefingRequest) -> Line:
    return Line(
        gettext("Request #%(number)d") % {"number": asked.pk},
        reverse("work:debriefings"),
        gettext("asked %(when)s") % {"when": ago_in_words(timezone.localdate(asked.asked_at))},
    )


def asked_of(user: Any) -> Card:
    """The open requests made of ``user`` as a supervisor, oldest first."""
    rows = (
        debriefing_request_policy.visible_to(user)
        .filter(supervisor=user, status=DebriefingStatus.OPEN)
        .order_by("asked_at", "pk")
    )

    def title(total: int) -> str:
        return ngettext(
            "%(count)d debriefing asked of you",
            "%(count)d debriefings asked of you",
            total,
        ) % {"count": total}

    return card_of("home-debriefings-asked", rows, title=title, line=_line)


def home_page(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not debriefing_request_policy.can(user, D.VIEW):
        return {}
    mine = open_request_of(user) if debriefing_request_policy.can(user, D.ASK) else None
    return {
        "staff_debriefings_asked": asked_of(user),
        "staff_debriefing_mine": mine,
    }


def _took_part(user: Any, encounter: Encounter) -> bool:
    return encounter.author_id == user.pk or encounter.participants.filter(pk=user.pk).exists()


def encounter_page(request: HttpRequest, *, encounter: Encounter) -> dict[str, Any]:
    """The one-tap request, for a peer with a supervisor, on an encounter they
    logged or took part in; their request already waiting instead, if any."""
    user = request.user
    if not debriefing_request_policy.can(user, D.ASK) or not _took_part(user, encounter):
        return {}
    waiting = open_request_of(user)
    return {
        "staff_debriefing_waiting": waiting,
        "staff_can_ask_debriefing": waiting is None and supervisor_of(user) is not None,
    }
