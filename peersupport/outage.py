"""What people see while the database is away (a restart, a fail-over).

Without this, every request during a PostgreSQL restart answered a 500 and
logged a traceback, and the session's save at response time logged another
one per request. Instead:

- ``OutageMiddleware`` (near the top of MIDDLEWARE) answers **503** with a
  page in the person's language and ``Retry-After``, rendered without the
  database: no ``request.user``, no session, no context processors. An htmx
  request gets the message as plain text and the ``X-Records-Unavailable``
  header, which static/js/app.js shows without swapping anything away.
- The session's save goes through ``SessionMiddleware`` here, which tells an
  outage from a session deleted meanwhile (Django's answers 400 to both).
- A database error raised by a view reaches ``process_exception``. One raised
  elsewhere (the session read by the authentication middleware, the session's
  save in SessionMiddleware's response phase, any middleware) is turned into a
  response by Django's own handler before this middleware sees it: the
  ``got_request_exception`` receiver marks the request, and the middleware
  replaces whatever came back with the same 503.
- Each such request is logged once, in one line, by ``peersupport.outage``;
  ``DropOutageTracebacks`` keeps Django's "Internal Server Error" traceback of
  the same error out of the ``django.request`` log.

Nothing else is needed to recover: ``CONN_HEALTH_CHECKS`` (settings) drops a
connection that died with the server before it is used again.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import get_urlconf
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

logger = logging.getLogger("peersupport.outage")

# Seconds a browser or a client library is asked to wait before trying again:
# a restart takes a few seconds.
RETRY_AFTER_SECONDS = 5
HTMX_HEADER = "X-Records-Unavailable"
_MARK = "_peersupport_database_outage"

try:  # psycopg2 is installed wherever PostgreSQL is used; SQLite needs nothing.
    import psycopg2

    _DRIVER_ERRORS: tuple[type[BaseException], ...] = (
        psycopg2.OperationalError,
        psycopg2.InterfaceError,
    )
except ImportError:  # pragma: no cover (psycopg2 is in the requirements)
    _DRIVER_ERRORS = ()

OUTAGE_ERRORS = (OperationalError, InterfaceError, *_DRIVER_ERRORS)


def is_database_outage(exception: BaseException | None) -> bool:
    """A lost or refused connection (Django wraps the driver's own errors,
    which are listed too in case one escapes unwrapped)."""
    return isinstance(exception, OUTAGE_ERRORS)


def _language(request) -> str:
    # What LocaleMiddleware would choose (the URL, the language cookie, then
    # Accept-Language), asked again here: this page may be rendered before it
    # ran, or after another request's language was left active in the thread.
    uses_prefix, _prefixed_default = is_language_prefix_patterns_used(
        getattr(request, "urlconf", None) or get_urlconf() or settings.ROOT_URLCONF
    )
    return translation.get_language_from_request(request, check_path=uses_prefix)


def _same_page(request) -> str:
    path = request.get_full_path()
    # "//host/..." would lead off the site.
    return path if path.startswith("/") and not path.startswith("//") else "/"


def outage_response(request) -> HttpResponse:
    """The 503 shown instead of a page while the database is unavailable."""
    with translation.override(_language(request)):
        if request.headers.get("HX-Request") == "true":
            message = _(
                "The records are unavailable for a moment. Nothing you typed is lost: "
                "try again in a few seconds."
            )
            response = HttpResponse(
                message,
                status=503,
                content_type="text/plain; charset=utf-8",
            )
            response[HTMX_HEADER] = "1"
        else:
            # Only a page reached by a link can be asked again as it is; after
            # a form the link reopens the form, whose typed text the browser
            # kept (static/js/app.js).
            response = HttpResponse(
                render_to_string(
                    "outage.html",
                    {
                        "LANGUAGE_CODE": translation.get_language(),
                        "again_url": _same_page(request),
                        "retry_after": RETRY_AFTER_SECONDS,
                        "was_a_form": request.method == "POST",
                    },
                ),
                status=503,
            )
        response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def outage_cause(exception: BaseException | None) -> BaseException | None:
    """The database error behind ``exception``, itself included, if any."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if is_database_outage(exception):
            return exception
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return None


def _log_once(request, exception: BaseException) -> None:
    if getattr(request, _MARK + "_logged", False):
        return
    setattr(request, _MARK + "_logged", True)
    first_line = (str(exception).strip().splitlines() or [""])[0]
    logger.warning(
        "Database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(exception).__name__,
        first_line,
    )


@receiver(got_request_exception, dispatch_uid="peersupport.outage.mark")
def mark_outage(sender, request=None, **kwargs):
    """Django turned an exception into a response somewhere below the
    middleware: remember it when it was the database, so the middleware
    answers 503 rather than that 500."""
    import sys

    cause = outage_cause(sys.exc_info()[1])
    if request is not None and cause is not None:
        setattr(request, _MARK, cause)


class OutageMiddleware:
    """Answers 503 (not 500) to any request the database failed, and logs it
    once. Placed near the top of MIDDLEWARE, so everything below it, the
    session's save included, is covered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exception = getattr(request, _MARK, None)
        if exception is None:
            return response
        _log_once(request, exception)
        if getattr(response, _MARK, False):
            return response
        return self._answer(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        _log_once(request, exception)
        # The session's save below may fail the same way: the mark makes the
        # way back answer this same page.
        setattr(request, _MARK, exception)
        return self._answer(request)

    @staticmethod
    def _answer(request) -> HttpResponse:
        response = outage_response(request)
        setattr(response, _MARK, True)
        # Logged once already, briefly: Django's handler would add an
        # ERROR "Service Unavailable" line for every such request.
        response._has_been_logged = True
        # Nobody is signed in on this page: the middleware above it must not
        # read the session (PrivacyHeadersMiddleware asks who the user is).
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a save the database refuses is the outage it is.

    Django reads any database error on the save of an existing session as the
    session having been deleted meanwhile, and answers 400 "session
    interrupted" with an ERROR in the log: during a restart, that was one
    secondary traceback per request."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except Exception as error:
            cause = outage_cause(error)
            if cause is None:
                raise
            # OutageMiddleware, above, answers the 503 and logs it once.
            setattr(request, _MARK, cause)
            return response


class DropOutageTracebacks(logging.Filter):
    """Keeps Django's traceback for a request the database failed out of the
    ``django.request`` log: ``OutageMiddleware`` logs it once, briefly."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        return not (exc_info and outage_cause(exc_info[1]) is not None)
