"""In-app notifications: read them, which marks them read."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from .. import access


def notification_list(request):
    notifications = access.notifications_for(request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    shown = [n.pk for n in page if n.read_at is None]
    response = render(request, "interventions/notifications.html", {"page": page})
    access.notifications_for(request.user).filter(pk__in=shown).update(read_at=timezone.now())
    return response
