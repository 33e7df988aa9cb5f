from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    """Follow-ups and accompaniments: what each worker promised, and when."""

    name = "agenda"
    verbose_name = _("Follow-ups and accompaniments")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # What was promised and how it went never enter the audit trail: the
        # trail records that they changed, not what they say.
        auditlog.register(
            models.FollowUp, exclude_fields=["what", "outcome", "place_text", "updated_at"]
        )
        auditlog.register(models.AccompanimentKind)

        # What is due, on the home page, a person's page and an encounter's page
        # (peersupport.slots).
        from peersupport.slots import ENCOUNTER_PAGE, HOME_PAGE, PERSON_PAGE

        from . import panels

        HOME_PAGE.register(panels.home_page, templates=panels.HOME_PAGE_TEMPLATES)
        PERSON_PAGE.register(panels.person_page, templates=panels.PERSON_PAGE_TEMPLATES)
        ENCOUNTER_PAGE.register(panels.encounter_page, templates=panels.ENCOUNTER_PAGE_TEMPLATES)

        # Calendar feeds: turned on, reset, turned off, each in the trail; the
        # hash of the secret is not (it is the key to the feed's address).
        auditlog.register(models.CalendarFeed, exclude_fields=["secret_hash"])
        # "Calendar feed" in the home page's "My account" list.
        from .views import calendar as calendar_views

        HOME_PAGE.register(
            calendar_views.home_page, templates={"account": "agenda/calendar_home_link.html"}
        )
