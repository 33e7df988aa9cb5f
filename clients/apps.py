from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    """People served, their care teams and consent."""

    name = "clients"
    verbose_name = _("People served")

    def ready(self):
        from auditlog.registry import auditlog

        from peersupport.request_memo import forget_when_changed
        from peersupport.slots import HOME_PAGE

        from . import models, panels

        # The home page shows the register's cards without importing it.
        HOME_PAGE.register(panels.home_page, templates=panels.HOME_PAGE_TEMPLATES)
        # A request reads the viewer's care teams once (access.care_teams), and
        # again after it changes a team, a consent, a declaration or a record.
        forget_when_changed(
            models.Client, models.CareTeamMembership, models.Consent, models.DualRelationship
        )

        # last_contact_on and search_text follow from other audited changes.
        # Encrypted free text never enters the trail, which would keep it in
        # clear: it records that the row changed, not what the text says
        # (tests/peersupport/test_encryption_at_rest.py checks every model).
        auditlog.register(
            models.Client,
            exclude_fields=[
                "search_text",
                "last_contact_on",
                "updated_at",
                "gender_self_described",
                "where_to_find",
                "referral_detail",
                "closed_note",
            ],
        )
        auditlog.register(models.LivingSituation, exclude_fields=["detail"])
        auditlog.register(models.CareTeamMembership, exclude_fields=["reason"])
        auditlog.register(models.Consent, exclude_fields=["comment"])
        auditlog.register(models.ClientMerge, exclude_fields=["reason"])
        # A declaration's own words stay out of the trail, which records that
        # it was made and linked.
        auditlog.register(models.DualRelationship, exclude_fields=["details"])
