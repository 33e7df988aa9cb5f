import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from accounts import services as accounts
from accounts.access import account_policy
from peersupport.audit import account_history, describe_entry
from peersupport.models import User
from peersupport.roles import Role

pytestmark = pytest.mark.django_db


def test_coordinator_creates_an_account_with_roles_and_a_temporary_password(coordinator):
    user = accounts.account_create(
        acting_user=coordinator,
        username="newpeer",
        roles=[Role.PEER, Role.RESEARCHER],
        password="a-temporary-pass-99",
    )
    assert user.roles == {Role.PEER, Role.RESEARCHER}
    assert user.must_change_password
    assert user.check_password("a-temporary-pass-99")
    assert user.password.startswith("argon2")


def test_account_creation_is_audited_with_its_author(coordinator):
    user = accounts.account_create(
        acting_user=coordinator, username="newpeer", roles=[Role.PEER], password="x" * 20
    )
    lines = [line for entry in account_history(user) for line in describe_entry(entry)]
    assert "Account created" in lines
    assert "Role granted: Peer support worker" in lines
    assert {entry.actor for entry in account_history(user)} == {coordinator}


def test_the_password_hash_never_reaches_the_audit_trail(coordinator):
    user = accounts.account_create(acting_user=coordinator, username="newpeer", password="x" * 20)
    accounts.account_set_temporary_password(acting_user=coordinator, user=user, password="y" * 20)
    user.refresh_from_db()
    password_events = []
    for entry in LogEntry.objects.all():
        changes = entry.changes or {}
        assert user.password not in str(changes)
        if "password" in changes:
            password_events.append(changes["password"])
    assert password_events == [["", "set_by_coordinator"]]


def test_changing_roles_records_each_grant_and_removal(coordinator, peer):
    accounts.account_update(
        acting_user=coordinator,
        user=peer,
        first_name="Alex",
        last_name="T",
        email="alex@example.org",
        roles=[Role.RESEARCHER],
    )
    assert peer.roles == {Role.RESEARCHER}
    lines = [line for entry in account_history(peer) for line in describe_entry(entry)]
    assert "Role granted: Researcher" in lines
    assert "Role removed: Peer support worker" in lines


def test_deactivation_keeps_the_account_and_records_it(coordinator, peer):
    accounts.account_deactivate(acting_user=coordinator, user=peer)
    peer.refresh_from_db()
    assert not peer.is_active
    assert User.objects.filter(pk=peer.pk).exists()
    assert describe_entry(account_history(peer).first()) == ["Account deactivated"]


def test_reactivation_lets_the_account_sign_in_again(coordinator, peer):
    accounts.account_deactivate(acting_user=coordinator, user=peer)
    accounts.account_reactivate(acting_user=coordinator, user=peer)
    peer.refresh_from_db()
    assert peer.is_active
    assert describe_entry(account_history(peer).first()) == ["Account reactivated"]


def test_a_coordinator_cannot_deactivate_themselves(coordinator):
    with pytest.raises(ValidationError):
        accounts.account_deactivate(acting_user=coordinator, user=coordinator)
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_a_coordinator_cannot_drop_their_own_coordinator_role(coordinator):
    with pytest.raises(ValidationError):
        accounts.account_update(
            acting_user=coordinator,
            user=coordinator,
            first_name="",
            last_name="",
            email="",
            roles=[Role.PEER],
        )
    coordinator.refresh_from_db()
    assert coordinator.roles == {Role.COORDINATOR}


def test_the_last_active_coordinator_keeps_the_role(coordinator):
    other = accounts.account_create(
        acting_user=coordinator, username="second", roles=[Role.COORDINATOR], password="z" * 20
    )
    # Deactivated while their page was open: their copy loaded earlier still says active.
    accounts.account_deactivate(acting_user=other, user=User.objects.get(pk=coordinator.pk))
    with pytest.raises(ValidationError, match="last active coordinator"):
        accounts.account_update(
            acting_user=coordinator, user=other, first_name="", last_name="", email="", roles=[]
        )
    other.refresh_from_db()
    assert other.roles == {Role.COORDINATOR}


def test_changing_ones_own_password_ends_the_temporary_password(peer):
    peer.must_change_password = True
    peer.save()
    accounts.password_changed_by_owner(user=peer)
    peer.refresh_from_db()
    assert not peer.must_change_password


def test_only_account_managers_get_a_list_of_accounts(peer, coordinator):
    assert list(account_policy.visible_to(peer)) == []
    assert set(account_policy.visible_to(coordinator)) == {peer, coordinator}


def test_editing_a_stale_copy_of_an_account_does_not_revive_its_ended_sessions(coordinator):
    user = accounts.account_create(acting_user=coordinator, username="newpeer", password="x" * 20)
    stale = User.objects.get(pk=user.pk)
    accounts.account_deactivate(acting_user=coordinator, user=User.objects.get(pk=user.pk))
    ended_at = User.objects.get(pk=user.pk).session_generation

    accounts.account_update(
        acting_user=coordinator,
        user=stale,
        first_name="Alex",
        last_name="Tremblay",
        email="",
        roles=[Role.PEER],
    )

    saved = User.objects.get(pk=user.pk)
    assert saved.session_generation == ended_at > 0
    assert saved.is_active is False
    assert saved.first_name == "Alex"


def test_a_screen_cannot_create_an_account_without_a_signed_in_user():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        accounts.account_create(acting_user=None, username="ghost", password="x" * 20)
    assert not User.objects.filter(username="ghost").exists()


def test_the_installation_creates_its_first_coordinator_without_a_user():
    user = accounts.installation_account_create(
        username="first", roles=[Role.COORDINATOR], password="x" * 20
    )
    assert user.has_role(Role.COORDINATOR) and not user.must_change_password
