from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogbookConfig(AppConfig):
    """The researchers' implementation logbook."""

    name = "logbook"
    verbose_name = _("Implementation logbook")

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.backends.signals import connection_created

        from peersupport.slots import HOME_PAGE

        from . import models, panels, research, research_receivers

        # The home page shows the entries to code without importing the logbook.
        HOME_PAGE.register(panels.home_page, templates=panels.HOME_PAGE_TEMPLATES)

        # Every change keeps who, when, and the old and new values.
        auditlog.register(
            models.Entry, exclude_fields=["updated_at"], m2m_fields={"themes", "partners"}
        )
        auditlog.register(models.Theme)
        auditlog.register(models.Stage)

        # The research figures are kept counted: changes to what they count say so.
        research_receivers.connect()
        # The export's pseudonyms are computed by the database (SQLite: in Python).
        connection_created.connect(research.sqlite_functions, dispatch_uid="research.sqlite")
