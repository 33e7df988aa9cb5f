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

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from peersupport.slots import ACCOUNT_PAGE, OWN_ACCOUNT_PAGE

        from . import two_factor, two_factor_views

        user_logged_in.connect(two_factor.mark_sign_in, dispatch_uid="accounts.two_factor")
        OWN_ACCOUNT_PAGE.register(
            two_factor_views.own_account_panel,
            templates={"sections": "accounts/two_factor/own_panel.html"},
        )
        ACCOUNT_PAGE.register(
            two_factor_views.account_page_panel,
            templates={"sections": "accounts/two_factor/account_panel.html"},
        )
        # Second factors change only through the screens that record it (setup,
        # recovery codes, a coordinator's audited reset), never in the admin.
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
