"""In-app notifications: read them, which marks them read."""

from django.core.paginator import Paginator
from django.shortcuts import render

from peersupport.query import page_number

from .. import selectors, services

NOTIFICATIONS_PAGE = 30


def notification_list(request):
    notifications = selectors.notifications(viewer=request.user)
    page = Paginator(notifications, NOTIFICATIONS_PAGE).get_page(page_number(request))
    response = render(request, "interventions/notifications.html", {"page": page})
    # Marked read once the page shows them, still bold on this rendering.
    services.notifications_mark_read(acting_user=request.user, notifications=page)
    return response
