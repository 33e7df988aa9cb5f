"""The user model and the roles a user holds."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .fields import KeyCheckField
from .roles import Ability, Role, abilities_for


class User(AbstractUser):
    """A staff member: peer, clinician, researcher or coordinator (or several).

    Accounts are deactivated, never deleted, so that history keeps its authors.
    """

    must_change_password = models.BooleanField(
        _("must change password at next sign-in"),
        default=False,
        help_text=_("Set when a coordinator gives a temporary password."),
    )
    # Mixed into the session hash: raising it ends every session of the account
    # for good, even if the account is later reactivated (see end_all_sessions).
    session_generation = models.PositiveIntegerField(
        _("session generation"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        # Reads the prefetched grants when a list prefetched them.
        return frozenset(Role(grant.role) for grant in self.role_grants.all())

    @cached_property
    def abilities(self) -> frozenset[Ability]:
        if not self.is_active:
            return frozenset()
        return abilities_for(self.roles)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def can(self, ability: Ability) -> bool:
        return ability in self.abilities

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        for cached in ("roles", "abilities"):
            self.__dict__.pop(cached, None)

    def _get_session_auth_hash(self, secret=None):
        # Django checks this hash on every request and signs out a session whose
        # hash no longer matches. Generation 0 keeps Django's own hash, so
        # sessions opened before this field existed stay valid.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "peersupport.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_all_sessions(self) -> None:
        """End every session of this account for good, even after a reactivation.

        An update rather than a save: the counter is plumbing, not a change a
        person needs to read in the account's history.
        """
        type(self).objects.filter(pk=self.pk).update(
            session_generation=models.F("session_generation") + 1
        )
        self.refresh_from_db(fields=["session_generation"])

    def sorted_roles(self) -> list[Role]:
        """Roles in the order they are declared, for display."""
        return [role for role in Role if role in self.roles]


class RoleGrant(models.Model):
    """One role held by one user. A user may hold several."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_user_and_role")
        ]

    def __str__(self):
        return f"{self.user.username}: {self.get_role_display()}"

    def get_additional_data(self):
        # Lets an account's history find the role changes made to it.
        return {"user_id": self.user_id}


class ExportRecord(models.Model):
    """One export of data out of the product: who, what, with which filters, how many rows."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="exports", verbose_name=_("exported by")
    )
    dataset = models.CharField(_("dataset"), max_length=40)
    format = models.CharField(_("format"), max_length=10)
    filters = models.JSONField(_("filters"), default=dict)
    row_count = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.dataset}.{self.format} ({self.row_count})"


class StaffTeam(models.Model):
    """A team of the programme's staff (a clinic, a department, a street team):
    what the coordinator's overview is filtered by. Not a care team, which is
    the staff around one person served. Retired, never deleted."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    members = models.ManyToManyField(
        User, related_name="staff_teams", blank=True, verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff team")
        verbose_name_plural = _("staff teams")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class KeyCheck(models.Model):
    """A known text encrypted with NOTE_ENCRYPTION_KEYS: keys that cannot read
    it are the wrong keys (peersupport.key_check). One row, rewritten by the
    rotation with the newest key like every other encrypted column."""

    value = KeyCheckField()

    class Meta:
        verbose_name = _("encryption key check")
        verbose_name_plural = _("encryption key checks")

    def __str__(self):
        return str(_("encryption key check"))


# The one-time tokens of form submissions live beside their middleware.
from .submissions import Submission  # noqa: E402, F401
