"""Keeps a signed-in user who still owes a second factor on its pages.

- Signed in with the password, with an app set up, no code given yet in this
  session: the second step (``two_factor_verify``) and nothing else.
- Required to have a second factor (``two_factor.required_because``), none set
  up: the setup page (``two_factor_setup``) and nothing else.

Signing out, the language switch, the health check and the session's own
endpoint answer in both cases. A temporary password is changed first: the
password-change middleware already keeps such a user on that one page, so
this one steps aside until it is done (two guards each sending to their own
page would send the person back and forth).
"""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import PENDING, is_two_factor_required

ALWAYS_OPEN = ("logout", "set_language", "healthz", "session", "two_factor_verify")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.must_change_password and not user.is_verified():
            destination = self._owed_step(request, user)
            if destination is not None:
                return self._send_to(request, destination)
        return self.get_response(request)

    @staticmethod
    def _owed_step(request, user) -> str | None:
        """The URL name of the page the user must go to, or None."""
        if request.path in {reverse(name) for name in ALWAYS_OPEN}:
            return None
        if request.session.get(PENDING):
            return "two_factor_verify"
        if request.path != reverse("two_factor_setup") and is_two_factor_required(user):
            # The setup page itself sends someone who already has an app on to
            # the second step (a session opened before the app was set up).
            return "two_factor_setup"
        return None

    @staticmethod
    def _send_to(request, name: str):
        url = reverse(name)
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request") == "true":
            # The whole page goes there, not a fragment of it.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
