"""What the logbook adds to the pages of the core (peersupport.slots): the
entries not yet coded, on the home page of those who code them."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from peersupport.home import Card, Line, ago_in_words, card_of

from .access import entry_policy
from .models import Entry

# Where the logbook's cards go on the home page, by region of that page.
HOME_PAGE_TEMPLATES = {"work": "logbook/home/work.html"}


def not_yet_coded(*, viewer: Any) -> Card:
    """Entries with no theme yet, newest first, for those who code entries
    (``entry_policy``'s CODE): one query whatever their number."""
    if not entry_policy.can(viewer, entry_policy.Action.CODE):
        return Card("home-uncoded", "", [], 0)
    entries = (
        entry_policy.visible_to(viewer)
        .filter(themes__isnull=True)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )

    def line(entry: Entry) -> Line:
        written = ago_in_words(timezone.localdate(entry.created_at))
        return Line(
            entry.title,
            reverse("logbook:edit", args=[entry.pk]),
            gettext("written by %(author)s %(when)s") % {"author": entry.author, "when": written},
        )

    def title(total: int) -> str:
        return ngettext(
            "%(count)d logbook entry to code", "%(count)d logbook entries to code", total
        ) % {"count": total}

    return card_of(
        "home-uncoded",
        entries,
        title=title,
        line=line,
        links=[Line(gettext("The whole logbook"), reverse("logbook:list"))],
    )


def home_page(request: HttpRequest) -> dict[str, Any]:
    return {"logbook_home_uncoded": not_yet_coded(viewer=request.user)}
