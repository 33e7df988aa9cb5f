"""Middleware of the project package."""

from auditlog.middleware import AuditlogMiddleware
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from .client_address import client_address


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
    """django-auditlog's middleware, reading the client address as the
    lock-outs do (``peersupport.client_address``): ``X-Forwarded-For`` is
    trusted only through the number of proxies set in ``PROXY_COUNT``, so the
    address cannot be forged."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)


# Features a page could ask the browser for. The app needs none of them (the
# calendar's copy button writes to the clipboard, which stays allowed to the
# site itself by the browser's default), so a script that got in anyway could
# not open the camera, the microphone or a payment sheet. Every name is one
# Chromium recognises: an unknown one would only add a warning to its console.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    # Passkeys: the second factor is a TOTP code, typed.
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class PrivacyHeadersMiddleware:
    """Keep confidential pages out of the browser's cache, and deny the
    browser features the app never uses.

    Every response to a signed-in user (pages, htmx fragments, file exports,
    redirects) says ``Cache-Control: private, no-store``: after sign-out on a
    shared computer, the back button cannot show a note again. Directives a
    view set itself (``never_cache``'s ``max-age=0``) are kept. Static files
    are served before this middleware and keep their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: a sign-in answers to the user it just signed
        # in; a sign-out's page is no longer anybody's.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Files that are zip archives already (an XLSX workbook, a QDPX project):
# compressing them again costs the server's time and saves nothing.
COMPRESSED_TYPES = (
    "application/zip",
    "application/vnd.openxmlformats-officedocument.",
)


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its padding against BREACH), for
    everything but the files that are compressed already; those keep their
    length, so a browser shows how much of the download is left."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
