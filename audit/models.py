"""The record of sign-ins: who signed in or out, who failed and who was locked
out, when and from where. The rest of the trail is django-auditlog's."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What is kept of the text a visitor typed or their browser sent: enough to
# read, never a whole pasted essay.
USERNAME_LENGTH = 150
USER_AGENT_LENGTH = 300


class SignInEvent(models.Model):
    """One sign-in, sign-out, failure, lock-out or second-factor event.

    Never the password: for a failure, only the username typed (cut to
    ``USERNAME_LENGTH``), and the account it names when there is one.
    """

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGNED_OUT = "signed_out", _("Signed out")
        FAILED = "failed", _("Sign-in failed")
        # The attempt that reached the limit, and every one refused after it.
        LOCKED_OUT = "locked_out", _("Locked out: too many failures")
        SECOND_FACTOR_PASSED = "second_factor_passed", _("Second factor accepted")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-factor code")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")

    at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=32, choices=Kind.choices)
    # The account the event is about: the one signed in, or the one the typed
    # username names. Empty when no account has that username.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_in_events",
    )
    username = models.CharField(_("username typed"), max_length=USERNAME_LENGTH, blank=True)
    # Someone other than the account who caused the event (a coordinator who
    # reset a second factor).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_LENGTH, blank=True)

    class Meta:
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at"], name="sign_in_event_newest"),
            models.Index(fields=["user", "-at"], name="sign_in_event_of_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username}"

    # What a person's own page counts as failures against their username.
    FAILURES = frozenset({Kind.FAILED, Kind.LOCKED_OUT, Kind.SECOND_FACTOR_FAILED})

    @property
    def is_failure(self) -> bool:
        return self.kind in self.FAILURES
