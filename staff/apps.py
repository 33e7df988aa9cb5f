from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The programme's staff: supervision, work that is not an encounter, the
    peer's own wellbeing and onboarding."""

    name = "staff"
    verbose_name = _("Programme staff")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Backing)
        # The trail records that a note or a plan changed, never what it says.
        auditlog.register(
            models.WorkActivity, exclude_fields=["note", "updated_at"], m2m_fields={"attendees"}
        )
        auditlog.register(models.DebriefingRequest)
        auditlog.register(
            models.WellnessPlan,
            exclude_fields=["when_well", "early_signs", "what_helps", "who_to_call"],
        )
        auditlog.register(models.OnboardingItem, exclude_fields=["comment"])

        # Debriefings asked of a supervisor on the home page, and "Ask for a
        # debriefing" on an encounter's page; onboarding overdue on a
        # coordinator's home, and who backs a peer on their account page
        # (peersupport.slots).
        from peersupport.slots import ACCOUNT_PAGE, ENCOUNTER_PAGE, HOME_PAGE

        from . import people_panels, work_panels

        HOME_PAGE.register(work_panels.home_page, templates=work_panels.HOME_PAGE_TEMPLATES)
        ENCOUNTER_PAGE.register(
            work_panels.encounter_page, templates=work_panels.ENCOUNTER_PAGE_TEMPLATES
        )
        HOME_PAGE.register(people_panels.home_page, templates=people_panels.HOME_PAGE_TEMPLATES)
        ACCOUNT_PAGE.register(
            people_panels.account_page, templates=people_panels.ACCOUNT_PAGE_TEMPLATES
        )
