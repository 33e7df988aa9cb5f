"""The calendar feed: its settings page (/calendar/: turn on, reset, turn off)
and the feed itself, fetched by calendar apps at its secret address."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from peersupport.query import parse

from .. import calendar, services
from ..access import calendar_feed_policy
from ..forms import CalendarFeedQuery

View = Callable[..., HttpResponse]
FEED_TEMPLATE = "agenda/calendar.html"


def _feed_user_required(view: View) -> View:
    """The settings exist only for those who may have a feed: 404 for others."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not calendar_feed_policy.can(request.user, calendar_feed_policy.Action.VIEW):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _feed_language(request: HttpRequest) -> str:
    """The language the events are written in: the one the address was given in
    (``?lang=``), since a calendar app sends no session and no useful preference."""
    return parse(request, CalendarFeedQuery).value("lang", settings.LANGUAGE_CODE)


def _page(request: HttpRequest, *, secret: str | None = None) -> HttpResponse:
    context: dict[str, Any] = {
        "feed": calendar_feed_policy.of(request.user),
        "days_back": calendar.DAYS_BACK,
        "days_ahead": calendar.DAYS_AHEAD,
    }
    if secret is not None:
        # Shown in this response only: the secret is kept nowhere, not even in
        # the session, so the page cannot show it again.
        path = reverse("calendar:feed", kwargs={"secret": secret})
        address = request.build_absolute_uri(
            f"{path}?{urlencode({'lang': translation.get_language() or ''})}"
        )
        # No webcal:// link: that scheme says nothing of encryption, and a
        # calendar app that tried it over plain HTTP would send the secret in clear.
        context["address"] = address
    return render(request, FEED_TEMPLATE, context)


@_feed_user_required
@never_cache
def calendar_settings(request: HttpRequest) -> HttpResponse:
    return _page(request)


@_feed_user_required
@require_POST
@never_cache
def calendar_turn_on(request: HttpRequest) -> HttpResponse:
    secret = services.calendar_feed_turn_on(acting_user=request.user)
    return _page(request, secret=secret)


@_feed_user_required
@require_POST
@never_cache
def calendar_reset(request: HttpRequest) -> HttpResponse:
    try:
        secret = services.calendar_feed_reset(acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("calendar:settings")
    return _page(request, secret=secret)


@_feed_user_required
@require_POST
def calendar_turn_off(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_turn_off(acting_user=request.user)
    messages.success(request, _("Your calendar feed is off: its address no longer shows anything."))
    return redirect("calendar:settings")


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed, for a calendar app: no session, the secret is the key. A wrong
    or reset secret, or an owner who may no longer have a feed, answers 404."""
    feed = calendar_feed_policy.by_secret(secret)
    if feed is None:
        raise Http404
    follow_ups = list(calendar.feed_follow_ups(feed.user))
    with translation.override(_feed_language(request)):
        body = calendar.calendar_ics(
            follow_ups,
            feed=feed,
            link=lambda follow_up: request.build_absolute_uri(
                reverse("follow_ups:detail", kwargs={"pk": follow_up.pk})
            ),
            domain=request.get_host().split(":")[0],
        )
    calendar.record_fetch(feed, events=len(follow_ups))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    # Neither a shared cache nor the device's keeps a copy; search engines
    # never list it should the address leak.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def home_page(request: HttpRequest) -> dict[str, Any]:
    """HOME_PAGE provider: a line "Calendar feed" in the "My account" list, for
    those who may have one, saying whether it is on."""
    can_use = calendar_feed_policy.can(request.user, calendar_feed_policy.Action.VIEW)
    return {
        "calendar_can_use": can_use,
        "calendar_feed_on": can_use and calendar_feed_policy.visible_to(request.user).exists(),
    }
