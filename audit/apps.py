from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail screen (/audit/) for coordinators, and the record of
    sign-ins (its model, its screen, each person's own last sign-ins).

    Recording the rest of the trail, its policies and the words that describe
    an entry stay in the core (``peersupport.audit``), since every app writes
    to it and several show a record's history.
    """

    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from peersupport.slots import OWN_ACCOUNT_PAGE

        from . import panels, receivers

        user_logged_in.connect(receivers.signed_in, dispatch_uid="audit.signed_in")
        user_logged_out.connect(receivers.signed_out, dispatch_uid="audit.signed_out")
        user_login_failed.connect(receivers.sign_in_failed, dispatch_uid="audit.sign_in_failed")
        user_locked_out.connect(receivers.locked_out, dispatch_uid="audit.locked_out")
        OWN_ACCOUNT_PAGE.register(
            panels.own_sign_ins, templates={"sections": "audit/includes/own_sign_ins.html"}
        )
