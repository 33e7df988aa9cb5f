"""Active, inactive or closed: derived from the closing date and the last
contact, so a person becomes inactive on their own and a new contact brings
them back, with no scheduled job."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils import timezone

from .choices import Status
from .models import Client


def inactive_before(today: date | None = None) -> date:
    """Last contact before this date makes an open file inactive."""
    return (today or timezone.localdate()) - timedelta(days=settings.CLIENT_INACTIVE_AFTER_DAYS)


def status_of(client: Client, today: date | None = None) -> Status:
    if client.closed_on is not None:
        return Status.CLOSED
    if client.last_contact_on < inactive_before(today):
        return Status.INACTIVE
    return Status.ACTIVE


def status_filter(status: Status, today: date | None = None, *, via: str = "") -> Q:
    """People in ``status`` today; ``via``: the path to the person from rows
    that name one (``"client__"``)."""
    cutoff = inactive_before(today)
    closed, last_contact = f"{via}closed_on__isnull", f"{via}last_contact_on"
    match status:
        case Status.CLOSED:
            return Q(**{closed: False})
        case Status.INACTIVE:
            return Q(**{closed: True, f"{last_contact}__lt": cutoff})
        case Status.ACTIVE:
            return Q(**{closed: True, f"{last_contact}__gte": cutoff})
    raise ValueError(status)


def with_status(clients: QuerySet[Client], today: date | None = None) -> QuerySet[Client]:
    return clients.annotate(
        status=Case(
            *(When(status_filter(s, today), then=Value(s.value)) for s in Status),
            output_field=CharField(),
        )
    )
