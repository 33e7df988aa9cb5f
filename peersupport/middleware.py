"""Middleware of the project package."""

from auditlog.middleware import AuditlogMiddleware
from axes.helpers import get_client_ip_address
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Send a user holding a temporary password to the password change page.

    Until they choose their own, only that page, sign-out and the language
    switch answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            allowed = {reverse("password_change"), reverse("logout"), reverse("set_language")}
            if request.path not in allowed:
                return redirect("password_change")
        return self.get_response(request)


class AuditContextMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, reading the client address the way
    django-axes does: ``X-Forwarded-For`` is trusted only through the number
    of proxies set in ``PROXY_COUNT``, so the address cannot be forged."""

    @staticmethod
    def _get_remote_addr(request):
        return get_client_ip_address(request)
