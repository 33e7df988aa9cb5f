"""Days as the people using the product mean them: in the installation's time zone."""

from datetime import date, datetime, time

from django.utils import timezone


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day``, local time (a filter "since" or "until" a day)."""
    return timezone.make_aware(datetime.combine(day, time.min))
