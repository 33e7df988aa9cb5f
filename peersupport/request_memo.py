"""Answers a request asks for more than once, read once for that request.

A page asks the same access question many times: the menu's counts, the
person's page and its panels, the shared feed each ask which people the
viewer's care teams hold. The policies keep the decision; this module only
remembers what they read, for the length of one request
(``RequestMemoMiddleware``), and forgets it as soon as a row it was read from
changes (``forget_when_changed``), so a page that joins a team or records a
consent and then reads again sees the change.

Outside a request (a test calling a policy, a management command) nothing is
remembered: each call reads again, and the policies build their querysets as
subqueries instead (``in_request``).

Two limits, which no view meets today and which a new one must keep in mind:
a queryset built before a write holds the numbers read then (build it after
the write); and a read made after a write that is then rolled back stays
remembered, so a service must not ask an access question between a write
to those rows and a rollback it may still decide (check first, then write).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("request_memo", default=None)


def in_request() -> bool:
    """Whether answers are remembered now (inside a request)."""
    return _memo.get() is not None


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, once per request for ``key``; every call outside a request."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    value: T = memo[key]
    return value


def forget(**_: Any) -> None:
    """Forget every answer of the current request (a signal receiver too)."""
    memo = _memo.get()
    if memo:
        memo.clear()


def forget_when_changed(*models: type[Model]) -> None:
    """Forget the request's answers whenever a row of ``models`` is saved or
    deleted (the rows access answers are read from). ``QuerySet.update()``
    sends no signal: a service that moves such rows in bulk saves one of
    them too (a merge saves both records), which forgets."""
    for model in models:
        uid = f"request_memo:{model._meta.label}"
        post_save.connect(forget, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(forget, sender=model, weak=False, dispatch_uid=uid)


class RequestMemo:
    """Opens a fresh memo for each request and drops it when the view has
    answered (a streamed body, read after, reads again)."""

    def __init__(self) -> None:
        self._token: Any = None

    def __enter__(self) -> RequestMemo:
        self._token = _memo.set({})
        return self

    def __exit__(self, *exc: object) -> None:
        _memo.reset(self._token)


class RequestMemoMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with RequestMemo():
            return self.get_response(request)
