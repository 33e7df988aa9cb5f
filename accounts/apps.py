from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Account screens and services (/staff/, the owner's password change) and
    ``create_coordinator``.

    The User model and its role grants stay in ``peersupport``: changing
    AUTH_USER_MODEL on a live database breaks its migration history, so this
    app has no models of its own.
    """

    name = "accounts"
    verbose_name = _("Accounts")
