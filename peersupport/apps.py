from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeersupportConfig(AppConfig):
    name = "peersupport"
    verbose_name = _("Peer support")

    def ready(self):
        from . import audit

        audit.register_models()
