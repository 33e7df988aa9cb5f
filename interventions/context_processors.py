"""Counts shown in the menu: unread notifications, and the work that waits for
the viewer (open requests for a peer, uses of the safety exception to review)."""


def waiting_for(request):
    """The viewer's WaitingWork, counted once per request (the home page shows
    the same counts as the menu)."""
    if not hasattr(request, "_waiting_work"):
        from . import selectors

        request._waiting_work = selectors.waiting_work(viewer=request.user)
    return request._waiting_work


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .access import notifications_for

    return {
        "unread_notifications": notifications_for(user).filter(read_at__isnull=True).count(),
        "waiting": waiting_for(request),
    }
