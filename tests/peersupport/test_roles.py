from peersupport.roles import ABILITIES_BY_ROLE, Ability, Role, abilities_for
from tests.factories import UserFactory


def test_every_role_has_an_entry_in_the_ability_table():
    assert set(ABILITIES_BY_ROLE) == set(Role)


def test_only_coordinators_manage_accounts():
    holders = {role for role in Role if Ability.MANAGE_ACCOUNTS in abilities_for([role])}
    assert holders == {Role.COORDINATOR}


def test_abilities_of_several_roles_add_up():
    both = abilities_for([Role.PEER, Role.COORDINATOR])
    assert both == abilities_for([Role.PEER]) | abilities_for([Role.COORDINATOR])
    assert abilities_for([]) == frozenset()


def test_a_user_can_hold_several_roles(db):
    user = UserFactory(roles=[Role.PEER, Role.RESEARCHER])
    assert user.roles == {Role.PEER, Role.RESEARCHER}
    assert user.sorted_roles() == [Role.PEER, Role.RESEARCHER]


def test_a_deactivated_coordinator_can_do_nothing(db):
    user = UserFactory(roles=[Role.COORDINATOR], is_active=False)
    assert not user.can(Ability.MANAGE_ACCOUNTS)


def test_roles_of_a_listed_user_come_from_the_prefetch(db, django_assert_num_queries):
    from peersupport.models import User

    UserFactory.create_batch(3, roles=[Role.PEER, Role.CLINICIAN])
    with django_assert_num_queries(2):
        users = list(User.objects.prefetch_related("role_grants"))
        assert all(user.roles == {Role.PEER, Role.CLINICIAN} for user in users)
