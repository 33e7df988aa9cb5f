"""The dataset's days and moments: three years before a reference day, in
the site's time zone, as integers (days since the window opened, seconds
since the epoch) so that plans of a million rows stay small and fast."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

HISTORY_DAYS = 3 * 365


class Calendar:
    """Day ``0`` is the first day of the history, ``days - 1`` the day before
    ``today``: nothing happens on the reference day itself, so no row is in
    the future whatever the hour the command runs."""

    def __init__(self, today: date, history_days: int = HISTORY_DAYS):
        self.today = today
        self.days = history_days
        self.first_day = today - timedelta(days=history_days)
        # Past the reference day too: consents expire in the future.
        self.dates = [self.first_day + timedelta(days=d) for d in range(history_days + 800)]
        zone = timezone.get_current_timezone()
        # Local midnight of every day, once: an event's moment is then its
        # day's midnight plus the seconds into the day (daylight saving moves
        # the clock at night, when nothing is logged).
        self._midnights = [
            int(datetime.combine(self.first_day + timedelta(days=d), time(), zone).timestamp())
            for d in range(history_days + 1)
        ]
        self.end = self._midnights[-1]  # the start of ``today``: every moment is before it

    def day(self, index: int) -> date:
        return self.dates[index]

    def at(self, day: int, seconds: int) -> int:
        """The moment ``seconds`` after local midnight of ``day``."""
        return self._midnights[day] + seconds

    def day_of(self, epoch: int) -> int:
        """The day (index) holding a moment, found from the midnights."""
        guess = min(self.days, max(0, (epoch - self._midnights[0]) // 86_400))
        while guess > 0 and self._midnights[guess] > epoch:
            guess -= 1
        while guess < self.days and self._midnights[guess + 1] <= epoch:
            guess += 1
        return guess

    def in_working_hours(self, epoch: int, rng) -> int:
        """``epoch``, or, outside 8:00 to 20:00, the next morning: answers and
        reads come in the working day, not at three in the morning."""
        day = self.day_of(epoch)
        seconds = epoch - self._midnights[day]
        if 8 * 3600 <= seconds < 20 * 3600:
            return epoch
        if seconds >= 20 * 3600:
            day += 1
        return self.at(min(day, self.days), 8 * 3600 + rng.randrange(0, 2 * 3600))

    def before_end(self, epoch: int) -> int:
        """``epoch``, or the last second before the reference day."""
        return min(epoch, self.end - 1)
