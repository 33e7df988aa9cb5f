"""account_policy: who may manage accounts, as a persona matrix; and the
services ask it themselves, so a caller that forgets cannot open a hole."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import services
from accounts.access import Action, account_policy
from peersupport.models import User
from peersupport.roles import Role
from tests.conftest import PERSONAS
from tests.db_snapshot import snapshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOT_MANAGERS = [p for p in PERSONAS if p != "coordinator"]


@pytest.fixture
def target(db):
    return UserFactory(username="target", roles=[Role.CLINICIAN])


@pytest.mark.parametrize("action", list(Action))
def test_a_coordinator_may_do_every_account_action(coordinator, target, action):
    assert account_policy.can(coordinator, action)
    assert account_policy.can(coordinator, action, target)


@pytest.mark.parametrize("persona", NOT_MANAGERS)
@pytest.mark.parametrize("action", list(Action))
def test_nobody_else_may_do_any(request, persona, target, action):
    user = request.getfixturevalue(persona)
    assert not account_policy.can(user, action)
    assert not account_policy.can(user, action, target)


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_nobody_else_sees_an_account_and_gets_a_404(request, persona, target):
    user = request.getfixturevalue(persona)
    assert list(account_policy.visible_to(user)) == []
    with pytest.raises(Http404):
        account_policy.get_for(user, target.pk)


def test_a_deactivated_coordinator_sees_no_account(coordinator, target):
    coordinator.is_active = False
    coordinator.save()
    coordinator = User.objects.get(pk=coordinator.pk)
    assert list(account_policy.visible_to(coordinator)) == []
    assert not account_policy.can(coordinator, Action.VIEW)


def test_the_anonymous_visitor_may_do_nothing(target):
    from django.contrib.auth.models import AnonymousUser

    assert list(account_policy.visible_to(AnonymousUser())) == []
    assert not account_policy.can(AnonymousUser(), Action.VIEW)


def test_those_who_may_manage_accounts_are_the_active_coordinators(coordinator, peer):
    UserFactory(username="gone", roles=[Role.COORDINATOR], is_active=False)
    assert list(account_policy.users_who_can(Action.EDIT)) == [coordinator]


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_every_account_service_refuses_who_may_not_manage_accounts(request, persona, target):
    user = request.getfixturevalue(persona)
    calls = [
        lambda: services.account_create(
            acting_user=user, username="new", roles=[Role.COORDINATOR], password="x" * 20
        ),
        lambda: services.account_update(
            acting_user=user,
            user=target,
            first_name="",
            last_name="",
            email="",
            roles=[Role.COORDINATOR],
        ),
        lambda: services.account_deactivate(acting_user=user, user=target),
        lambda: services.account_reactivate(acting_user=user, user=target),
        lambda: services.account_set_temporary_password(
            acting_user=user, user=target, password="y" * 20
        ),
    ]
    before = snapshot()
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before
