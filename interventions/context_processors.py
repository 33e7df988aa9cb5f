"""Counts shown in the menu: unread notifications, and the work that waits for
the viewer (open requests for a peer, uses of the safety exception to review)."""

from django.utils.functional import SimpleLazyObject


def waiting_for(request):
    """The viewer's WaitingWork, counted once per request (the home page shows
    the same counts as the menu)."""
    if not hasattr(request, "_waiting_work"):
        from . import selectors

        request._waiting_work = selectors.waiting_work(viewer=request.user)
    return request._waiting_work


def notifications(request):
    """Lazy: the counts are queried only if the menu is rendered, not for every
    template (a form's error fragment, an email). An htmx request answers with
    a fragment, never the menu, so it gets none."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.headers.get("HX-Request"):
        return {}
    # One query gives every count of the menu (selectors.waiting_work).
    return {
        "unread_notifications": SimpleLazyObject(lambda: waiting_for(request).unread_notifications),
        "waiting": SimpleLazyObject(lambda: waiting_for(request)),
    }
