"""A user's calendar feed: their open follow-ups and accompaniments as
iCalendar (RFC 5545), for the calendar app of a phone.

A phone's calendar is not a safe place: it syncs to other services, shows
events on a locked screen, and is shared with family. So an event says when,
where and what kind, and names the person by their record number only:
never a name, never what was promised, never how it went. Those two texts are
not even loaded from the database here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from auditlog.models import LogEntry
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from icalendar.enums import CLASS

from peersupport.audit import acting_as, record_event
from peersupport.export_text import export_text

from .access import follow_up_policy
from .choices import FollowUpStatus
from .models import CalendarFeed, FollowUp

# The window a feed covers: what was missed lately, and what is coming.
DAYS_BACK = 30
DAYS_AHEAD = 180
# A timed follow-up with no duration: a phone shows a zero-length event as a
# sliver nobody can tap, so it gets an hour.
DEFAULT_MINUTES = 60
# How often calendar apps are asked to fetch the feed again (most poll on
# their own schedule anyway).
REFRESH = timedelta(hours=1)
FETCHED = "calendar_feed_fetched"


def feed_follow_ups(user: object, *, today: date | None = None) -> QuerySet[FollowUp]:
    """The follow-ups ``user``'s feed shows: open, assigned to them, on the care
    teams they are on today (the follow-up policy decides), from ``DAYS_BACK``
    days ago to ``DAYS_AHEAD`` days ahead. One query, whatever their number."""
    today = today or timezone.localdate()
    return (
        follow_up_policy.visible_to(user)
        .filter(
            assigned_to=user,
            status=FollowUpStatus.OPEN,
            due_on__gte=today - timedelta(days=DAYS_BACK),
            due_on__lte=today + timedelta(days=DAYS_AHEAD),
        )
        .select_related("kind", "place_partner")
        # Encrypted texts are never decrypted for a feed; a partner's own notes neither.
        .defer("what", "outcome", "place_partner__notes")
        .order_by("due_on", "due_time", "pk")
    )


def summary_of(follow_up: FollowUp) -> str:
    """ "Accompaniment: Court · record 42", "Follow-up · record 42"."""
    if follow_up.kind_id is not None:
        return _("Accompaniment: %(kind)s · record %(number)s") % {
            "kind": follow_up.kind.label,
            "number": follow_up.client_id,
        }
    return _("Follow-up · record %(number)s") % {"number": follow_up.client_id}


def location_of(follow_up: FollowUp) -> str:
    """Where: the partner's name and address, or the place as written."""
    partner = follow_up.place_partner
    if partner is not None:
        return ", ".join(part for part in (partner.name, partner.address) if part)
    return follow_up.place_text


def _when(follow_up: FollowUp) -> tuple[date | datetime, date | datetime]:
    """Start and end: a date-only follow-up is an all-day event; a timed one is
    written in UTC, so no calendar app has to know the site's time zone."""
    if follow_up.due_time is None:
        return follow_up.due_on, follow_up.due_on + timedelta(days=1)
    local = datetime.combine(follow_up.due_on, follow_up.due_time, ZoneInfo(settings.TIME_ZONE))
    start = local.astimezone(ZoneInfo("UTC"))
    minutes = follow_up.duration_minutes or DEFAULT_MINUTES
    return start, start + timedelta(minutes=minutes)


def calendar_ics(
    follow_ups: Iterable[FollowUp],
    *,
    feed: CalendarFeed,
    link: Callable[[FollowUp], str],
    domain: str,
) -> bytes:
    """The feed as iCalendar bytes. ``link`` gives each follow-up's page (which
    asks for a sign-in); ``domain`` makes the events' UIDs unique to this site
    and stable from one fetch to the next, so calendar apps update them in place."""
    now = timezone.now()
    calendar = Calendar.new(
        prodid="-//peersupport//calendar feed//EN",
        uid=f"calendar-feed-{feed.pk}@{domain}",
        name=_("Follow-ups and accompaniments"),
        refresh_interval=REFRESH,
    )
    # The same wish in the words Outlook and Apple's calendars read.
    calendar.add("X-PUBLISHED-TTL", REFRESH)
    for follow_up in follow_ups:
        start, end = _when(follow_up)
        calendar.add_component(
            Event.new(
                uid=f"follow-up-{follow_up.pk}@{domain}",
                # Names typed by people (a kind, a partner, a place) may hold
                # control characters no calendar file may carry.
                summary=export_text(summary_of(follow_up)),
                start=start,
                end=end,
                location=export_text(location_of(follow_up)) or None,
                url=link(follow_up),
                stamp=now,
                last_modified=follow_up.updated_at,
                classification=CLASS.PRIVATE,
            )
        )
    return calendar.to_ical()


def record_fetch(feed: CalendarFeed, *, events: int) -> None:
    """The audit entry of one fetch, in the owner's name (the calendar app
    fetches without signing in): when, from where, how many events. Never the
    secret, which is nowhere to be had anyway."""
    with acting_as(feed.user):
        record_event(
            feed, action=LogEntry.Action.ACCESS, extra={"event": FETCHED, "events": events}
        )
