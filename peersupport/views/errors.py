"""The page of a request the site refuses before any view runs (400)."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

# What Django refuses to read of a POST: too many bytes, fields or files.
TOO_MUCH = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A form sent with too much in it gets a page in the person's language
    saying so (Django has already stopped reading the POST, so the site's
    layout renders as usual). Any other refusal keeps Django's bare 400 page:
    a request refused for its host, say, cannot be trusted to render the
    layout."""
    if isinstance(exception, TOO_MUCH):
        return render(request, "too_large.html", status=400)
    return defaults.bad_request(request, exception)
