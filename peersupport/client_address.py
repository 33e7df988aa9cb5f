"""The address a request came from, read one way everywhere: the lock-outs
(django-axes, through ``AXES_CLIENT_IP_CALLABLE``), the audit trail
(``AuditContextMiddleware``) and the record of sign-ins.

Behind ``PROXY_COUNT`` reverse proxies, each proxy appends to
``X-Forwarded-For`` the address the request reached it from, and the nearest
one is the app's own peer (``REMOTE_ADDR``), which appears in no header. The
client is therefore the ``PROXY_COUNT``-th entry from the right: everything
left of it was written by the client itself and is not believed. With
``PROXY_COUNT`` 0 the header is ignored altogether.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_address(request: HttpRequest) -> str | None:
    """The client's address, trusting exactly ``settings.PROXY_COUNT`` proxies."""
    direct = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies == 0:
        return direct
    # django-ipware parses the header (IPv6, ports, malformed entries) and
    # counts from its right end. Its proxy count is the proxies *named in the
    # header*, which leaves out the nearest one (the socket peer): hence N - 1.
    # Not strict, so extra entries the client added on the left do not make it
    # give up; they are simply never read.
    address, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    # A header shorter than the proxies it should have crossed means the
    # request did not come through them (a probe on the app's own host): the
    # socket peer is then the only address known for sure.
    return address or direct
