"""Views of support groups."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from ..access import support_group_policy


def sees_groups(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The pages exist only for those who may see groups (404 for the rest)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not support_group_policy.can(request.user, support_group_policy.Action.LIST):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
