"""The interventions app's part of the viewer's day on the home page: their
drafts not yet signed, and the counts of what waits for them to read or
answer. Every read starts from the policies (interventions/access.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from peersupport.home import Card, Line, ago_in_words, card_of, count_card

from .access import emergency_access_policy, note_policy, peer_request_policy
from .choices import NoteStatus
from .models import Note
from .selectors import WaitingWork


def drafts_to_sign(*, viewer: Any) -> Card:
    """The viewer's own drafts, oldest first (those waiting longest to be
    signed), each with its age in words. One query whatever their number."""
    if not note_policy.can(viewer, note_policy.Action.CREATE):
        return Card("home-drafts", "", [], 0)
    drafts = (
        note_policy.visible_to(viewer)
        .filter(author=viewer, status=NoteStatus.DRAFT)
        .select_related("client")
        .order_by("created_at", "pk")
    )

    def line(note: Note) -> Line:
        started = ago_in_words(timezone.localdate(note.created_at))
        return Line(
            str(note.client),
            reverse("notes:detail", args=[note.pk]),
            gettext("started %(when)s") % {"when": started},
        )

    def title(total: int) -> str:
        return ngettext("%(count)d draft to sign", "%(count)d drafts to sign", total) % {
            "count": total
        }

    return card_of("home-drafts", drafts, title=title, line=line)


def to_read_and_answer(*, viewer: Any, waiting: WaitingWork) -> Card:
    """Shared notes and answers not yet read, and, for peers, the open requests
    for a peer they may take: counted once for the menu and this card."""
    unread = waiting.unread_shared
    takes = peer_request_policy.can(viewer, peer_request_policy.Action.TAKE)
    requests = waiting.open_peer_requests if takes else None
    return count_card(
        "home-waiting",
        _("To read and answer"),
        [
            (
                unread,
                Line(
                    ngettext(
                        "%(count)d shared note or answer to read",
                        "%(count)d shared notes and answers to read",
                        unread or 0,
                    )
                    % {"count": unread or 0},
                    reverse("shared:feed"),
                ),
            ),
            (
                requests,
                Line(
                    ngettext(
                        "%(count)d request for a peer",
                        "%(count)d requests for a peer",
                        requests or 0,
                    )
                    % {"count": requests or 0},
                    reverse("shared:requests"),
                ),
            ),
        ],
    )


def to_review_and_assign(*, viewer: Any, waiting: WaitingWork) -> Card:
    """What waits for those who run the programme: uses of the safety exception
    to review, and requests for a peer to assign."""
    reviews = emergency_access_policy.can(viewer, emergency_access_policy.Action.REVIEW)
    assigns = peer_request_policy.can(viewer, peer_request_policy.Action.ASSIGN)
    emergency = waiting.emergency_to_review if reviews else None
    requests = waiting.open_peer_requests if assigns else None
    return count_card(
        "home-review",
        _("To review and assign"),
        [
            (
                emergency,
                Line(
                    ngettext(
                        "%(count)d safety exception to review",
                        "%(count)d safety exceptions to review",
                        emergency or 0,
                    )
                    % {"count": emergency or 0},
                    reverse("emergency:queue"),
                ),
            ),
            (
                requests,
                Line(
                    ngettext(
                        "%(count)d request for a peer to assign",
                        "%(count)d requests for a peer to assign",
                        requests or 0,
                    )
                    % {"count": requests or 0},
                    reverse("shared:requests"),
                ),
            ),
        ],
    )
