from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail screen (/audit/) for coordinators.

    Recording the trail, its policies and the words that describe an entry
    stay in the core (``peersupport.audit``), since every app writes to it and
    several show a record's history.
    """

    name = "audit"
    verbose_name = _("Audit trail")
