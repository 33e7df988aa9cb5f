from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeersupportConfig(AppConfig):
    name = "peersupport"
    verbose_name = _("Peer support")

    def ready(self):
        from . import audit, checks  # noqa: F401 (checks registers the key check)

        audit.register_models()
