"""The session's own endpoint, used by static/js/session.js."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods


@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request):
    """How long this session has left.

    The page asks with a GET marked ``X-Background``, which does not renew the
    session; "Stay signed in" POSTs (with its CSRF token), which does, since
    the session middleware counts every unmarked request as activity.
    """
    return JsonResponse(request.session_limits.as_json())
