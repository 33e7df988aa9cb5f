from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeersupportConfig(AppConfig):
    name = "peersupport"
    verbose_name = _("Peer support")

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_migrate, pre_save

        from . import (  # noqa: F401 (checks: the key check)
            audit,
            checks,
            concurrency,
            form_tools,
            kept_counts,
            key_check,
        )

        audit.register_models()
        # Control characters are refused by every text field of every form.
        form_tools.install_text_checks()
        # After migrate (and a test's flush), the key check is there again.
        post_migrate.connect(key_check.after_migrate, sender=self)
        # Every row an edit form checked is checked again, under a lock, as it is written.
        pre_save.connect(concurrency.check_before_save, dispatch_uid="concurrency")
        request_started.connect(concurrency.forget_expectations, dispatch_uid="concurrency")
        # Kept counts are counted again between requests (peersupport/kept_counts.py).
        request_started.connect(kept_counts.request_started, dispatch_uid="kept_counts")
        request_finished.connect(kept_counts.request_finished, dispatch_uid="kept_counts")
