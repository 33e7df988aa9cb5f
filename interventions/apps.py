from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    """Encounters and the confidential notes written about them."""

    name = "interventions"
    verbose_name = _("Encounters and notes")

    def ready(self):
        from auditlog.registry import auditlog

        from peersupport.request_memo import forget_when_changed
        from peersupport.slots import HOME_PAGE, PERSON_PAGE

        from . import models, panels

        # A request reads the viewer's uses of the safety exception once
        # (access._opened_to), and again after one is opened.
        forget_when_changed(models.EmergencyAccess)

        # The home page and a person's page show this app's panels without
        # importing it (peersupport.slots).
        HOME_PAGE.register(panels.home_page, templates=panels.HOME_PAGE_TEMPLATES)
        PERSON_PAGE.register(panels.person_page, templates=panels.PERSON_PAGE_TEMPLATES)

        # Bodies never enter the audit trail: auditlog would store them in clear.
        # Nor does other free text about the person (next steps, what was
        # disclosed and why): the trail records that it changed, not what it says.
        auditlog.register(models.Note, exclude_fields=["body", "updated_at"])
        auditlog.register(models.Addendum, exclude_fields=["body"])
        auditlog.register(
            models.Encounter,
            exclude_fields=["updated_at", "next_steps", "anonymous_description"],
            m2m_fields={"activities", "participants"},
        )
        # The record of a disclosure shows in the trail as made (masked: "***"),
        # never what was disclosed, to whom or why.
        auditlog.register(
            models.EmergencyAccess,
            exclude_fields=["justification", "review_comment"],
            mask_fields=["disclosed_what", "disclosed_to", "disclosure_purpose"],
            mask_callable="peersupport.fields.hidden_in_audit_trail",
        )
        auditlog.register(models.PeerRequest, exclude_fields=["reason"])
        auditlog.register(models.Activity)
