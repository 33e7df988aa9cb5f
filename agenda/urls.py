"""URLs of follow-ups and accompaniments (/follow-ups/) and of the calendar
feed (/calendar/)."""

follow_up_patterns: tuple[list, str] = ([], "follow_ups")

calendar_patterns: tuple[list, str] = ([], "calendar")
