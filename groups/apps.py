from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    """Support groups: their sessions, who came and a note on each."""

    name = "groups"
    verbose_name = _("Support groups")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.SupportGroup, m2m_fields={"facilitators"})
        # The trail records that the note changed, never what it says.
        auditlog.register(models.GroupSession, exclude_fields=["note", "updated_at"])
        auditlog.register(models.GroupAttendance)

        # The sessions a person came to, on their page's timeline.
        from interventions.timeline_sources import TIMELINE_SOURCES

        from . import selectors

        TIMELINE_SOURCES.register(selectors.attendance_for_timeline)
