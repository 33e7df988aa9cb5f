"""The unread notifications count shown in the menu."""


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .access import notifications_for

    return {"unread_notifications": notifications_for(user).filter(read_at__isnull=True).count()}
