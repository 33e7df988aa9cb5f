"""Services that change accounts and roles. Each checks ``account_policy``
itself, and writes its audit entry in the same transaction as the change,
attributed to ``acting_user``."""

from collections.abc import Iterable

from axes.utils import reset as reset_lockouts
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from peersupport.audit import (
    PASSWORD_CHANGED_BY_OWNER,
    PASSWORD_SET_BY_COORDINATOR,
    acting_as,
    record_password_event,
)
from peersupport.models import RoleGrant, User
from peersupport.roles import Role

from .access import Action, account_policy


def _active_account_managers_other_than(user: User) -> int:
    # Locks the coordinators' rows, so two coordinators removing each other
    # at the same moment cannot both pass this check.
    others = (
        User.objects.select_for_update()
        .filter(is_active=True, role_grants__role=Role.COORDINATOR)
        .exclude(pk=user.pk)
        .values_list("pk", flat=True)
    )
    return len(set(others))


def _guard_last_coordinator(user: User, *, losing: bool) -> None:
    # Somebody must always be able to manage accounts, or nobody can undo a mistake.
    if losing and user.has_role(Role.COORDINATOR) and not _active_account_managers_other_than(user):
        raise ValidationError(_("This is the last active coordinator: appoint another one first."))


@transaction.atomic
def account_create(
    *,
    acting_user: User,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    roles: Iterable[Role] = (),
    password: str,
    must_change_password: bool = True,
) -> User:
    """A new account holding ``roles``, with a password its owner must replace
    (unless ``must_change_password`` is False), created by ``acting_user``."""
    account_policy.check(acting_user, Action.CREATE)
    return _create(
        acting_user=acting_user,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        roles=roles,
        password=password,
        must_change_password=must_change_password,
    )


@transaction.atomic
def installation_account_create(
    *, username: str, email: str = "", roles: Iterable[Role], password: str, **names: str
) -> User:
    """An account created by the installation itself, from a shell on the
    server (``create_coordinator``, the demo's first account): there is no
    signed-in user to check, and the audit entry names no one."""
    return _create(
        acting_user=None,
        username=username,
        email=email,
        roles=roles,
        password=password,
        must_change_password=False,
        **names,
    )


def _create(
    *,
    acting_user: User | None,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    roles: Iterable[Role],
    password: str,
    must_change_password: bool,
) -> User:
    with acting_as(acting_user):
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            must_change_password=must_change_password,
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        _set_roles(user=user, roles=roles, acting_user=acting_user)
    return user


@transaction.atomic
def account_update(
    *,
    acting_user: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[Role],
) -> User:
    account_policy.check(acting_user, Action.EDIT, user)
    roles = {Role(role) for role in roles}
    if user == acting_user and Role.COORDINATOR not in roles and user.has_role(Role.COORDINATOR):
        raise ValidationError(_("You cannot remove your own coordinator role."))
    _guard_last_coordinator(user, losing=Role.COORDINATOR not in roles)
    with acting_as(acting_user):
        user.first_name, user.last_name, user.email = first_name, last_name, email
        user.full_clean()
        # Only these columns: a copy loaded earlier in the request must not write
        # back an older password, active flag or session generation.
        user.save(update_fields=["first_name", "last_name", "email"])
        _set_roles(user=user, roles=roles, acting_user=acting_user)
    return user


def _set_roles(*, user: User, roles: Iterable[Role], acting_user: User | None) -> None:
    wanted = {Role(role) for role in roles}
    held = {Role(grant.role): grant for grant in user.role_grants.all()}
    for role, grant in held.items():
        if role not in wanted:
            grant.delete()
    for role in wanted - held.keys():
        RoleGrant.objects.create(user=user, role=role, granted_by=acting_user)
    user.refresh_from_db()


@transaction.atomic
def account_deactivate(*, acting_user: User, user: User) -> User:
    """Stop an account from signing in. Nothing it wrote goes away."""
    account_policy.check(acting_user, Action.DEACTIVATE, user)
    if user == acting_user:
        raise ValidationError(_("You cannot deactivate your own account."))
    _guard_last_coordinator(user, losing=True)
    with acting_as(acting_user):
        user.is_active = False
        user.save(update_fields=["is_active"])
    user.end_all_sessions()
    return user


@transaction.atomic
def account_reactivate(*, acting_user: User, user: User) -> User:
    account_policy.check(acting_user, Action.REACTIVATE, user)
    with acting_as(acting_user):
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def account_set_temporary_password(*, acting_user: User, user: User, password: str) -> User:
    """Give a password that the owner must replace at their next sign-in.

    Also lifts a lock-out after failed sign-ins, so the new password works at once.
    """
    account_policy.check(acting_user, Action.SET_PASSWORD, user)
    with acting_as(acting_user):
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        record_password_event(user, PASSWORD_SET_BY_COORDINATOR)
    user.end_all_sessions()
    reset_lockouts(username=user.username)
    return user


@transaction.atomic
def password_changed_by_owner(*, user: User) -> User:
    """Record the owner's new password and end their other sessions.

    The owner's own act, proven by their current password (Django's password
    change form): no policy to ask. The caller keeps the session it acts from
    with ``update_session_auth_hash``.
    """
    user.end_all_sessions()
    with acting_as(user):
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        record_password_event(user, PASSWORD_CHANGED_BY_OWNER)
    return user
