"""Views of follow-ups and accompaniments, and of the calendar feed."""
