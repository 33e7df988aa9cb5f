"""How long a signed-in session lasts, kept by the server.

A session ends after ``SESSION_IDLE_SECONDS`` without anything the person did,
and ``SESSION_ABSOLUTE_SECONDS`` after sign-in whatever they do. The clock is
in the session itself, not in the cookie's age: a cookie kept, copied or
renewed by a request the person did not make proves nothing.

A request the page makes on its own (a poll, the warning's own check) sends
``X-Background: 1``: it gets its answer but does not count as activity, so a
page left open cannot keep its session alive.
"""

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Seconds since the epoch, as the JSON session serializer stores them.
LAST_ACTIVITY = "peersupport_last_activity"
STARTED = "peersupport_signed_in_at"
BACKGROUND_HEADER = "X-Background"
# Pages read are recorded as activity to the minute: one opened within a
# minute of the last recorded does not write the session again, so the idle
# end can come at most a minute sooner than the idle time after the last page
# (a thirtieth of the idle time when that is shorter than half an hour).
ACTIVITY_RESOLUTION = 60
# htmx stops polling on this status.
HTMX_STOP_POLLING = 286

IDLE = "idle"
ABSOLUTE = "absolute"


def _resolution() -> int:
    return min(ACTIVITY_RESOLUTION, settings.SESSION_IDLE_SECONDS // 30)


def is_background(request) -> bool:
    """A request the page made on its own, which does not renew the session."""
    return request.headers.get(BACKGROUND_HEADER) == "1"


@dataclass(frozen=True)
class SessionLimits:
    """What is left of one session, in whole seconds, as of this request."""

    idle_seconds_left: int
    absolute_seconds_left: int

    @property
    def warning_seconds(self) -> int:
        # Never more than half the idle time: the warning would otherwise
        # show on every page as soon as it loads.
        return min(settings.SESSION_WARNING_SECONDS, settings.SESSION_IDLE_SECONDS // 2)

    @property
    def warning_minutes(self) -> int:
        return max(1, math.ceil(self.warning_seconds / 60))

    def as_json(self) -> dict[str, int]:
        return {
            "idle_seconds_left": self.idle_seconds_left,
            "absolute_seconds_left": self.absolute_seconds_left,
            "warning_seconds": self.warning_seconds,
        }


def _now() -> float:
    return timezone.now().timestamp()


@receiver(user_logged_in, dispatch_uid="peersupport.session_limits.stamp")
def stamp_sign_in(sender, request, user, **kwargs):
    """Start both clocks at sign-in, even when the session carried over from an earlier one."""
    if request is not None and hasattr(request, "session"):
        now = _now()
        request.session[STARTED] = now
        request.session[LAST_ACTIVITY] = now


def _limits(started: float, last: float, now: float) -> SessionLimits:
    return SessionLimits(
        idle_seconds_left=math.floor(last + settings.SESSION_IDLE_SECONDS - now),
        absolute_seconds_left=math.floor(started + settings.SESSION_ABSOLUTE_SECONDS - now),
    )


def _ended_because(limits: SessionLimits) -> str | None:
    if limits.absolute_seconds_left <= 0:
        return ABSOLUTE
    if limits.idle_seconds_left <= 0:
        return IDLE
    return None


def _login_url(next_path: str | None) -> str:
    url = resolve_url(settings.LOGIN_URL)
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


class SessionLimitsMiddleware:
    """End a signed-in session that was idle too long or began too long ago,
    and count each request the person made as activity.

    Placed after the message and htmx middleware: it tells the person why they
    were signed out, and answers htmx in a way that stops a poll.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = _now()
        # A session opened before these limits existed starts its clocks now.
        started = session.setdefault(STARTED, now)
        last = session.setdefault(LAST_ACTIVITY, now)
        limits = _limits(started, last, now)
        reason = _ended_because(limits)
        if reason:
            return self._end(request, reason)
        if not is_background(request) and (
            request.method not in ("GET", "HEAD") or now - last >= _resolution()
        ):
            # Modifying the session saves it (a write and a commit to the
            # database) and renews its cookie: for pages read, at most once a
            # minute; for whatever the person sends ("Stay signed in", a form),
            # always. A background request leaves both alone.
            session[LAST_ACTIVITY] = last = now
            limits = _limits(started, last, now)
        request.session_limits = limits
        return self.get_response(request)

    def _end(self, request, reason: str):
        logout(request)
        if reason == ABSOLUTE:
            hours = max(1, settings.SESSION_ABSOLUTE_SECONDS // 3600)
            text = ngettext(
                "You were signed out: a session lasts at most %(hours)s hour.",
                "You were signed out: a session lasts at most %(hours)s hours.",
                hours,
            ) % {"hours": hours}
        else:
            text = _("You were signed out after a while without activity.")
        # Not inside an f-string: makemessages would not find it there.
        again = _("Sign in again to continue.")
        messages.warning(request, f"{text} {again}")
        htmx = getattr(request, "htmx", None)
        if htmx:
            # The whole page goes to the sign-in page: what it shows is no
            # longer the person's to see. 286 also stops a poll.
            response = HttpResponse(status=HTMX_STOP_POLLING)
            response["HX-Redirect"] = _login_url(htmx.current_url_abs_path)
            return response
        if is_background(request) or "application/json" in request.headers.get("Accept", ""):
            # A plain answer, not an error status: the end of a session is an
            # expected event, and a 401 would be logged as a fault by the
            # server and in the browser's console.
            return JsonResponse({"signed_out": True, "login_url": _login_url(None)})
        # A page: the login requirement sends it to the sign-in page, which
        # shows the message.
        return self.get_response(request)
