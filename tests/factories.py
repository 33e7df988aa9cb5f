"""factory_boy factories shared by the whole suite."""

import factory
from django.contrib.auth.hashers import make_password

from peersupport.models import RoleGrant, User
from peersupport.roles import Role

TEST_PASSWORD = "a-long-test-password-42"
# Hashed once: Argon2 is deliberately slow, and most tests never sign in by form.
_TEST_PASSWORD_HASH = make_password(TEST_PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = _TEST_PASSWORD_HASH

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            RoleGrant.objects.get_or_create(user=self, role=Role(role))
        self.__dict__.pop("roles", None)
        self.__dict__.pop("abilities", None)


class ClientFactory(factory.django.DjangoModelFactory):
    """A person served, registered by a coordinator so nobody joins a team by it."""

    class Meta:
        model = "clients.Client"

    display_name = factory.Sequence(lambda n: f"Person {n}")
    created_by = factory.SubFactory(UserFactory, username="registrar")


def put_on_team(client, member, team_role=None, **kwargs):
    """Make ``member`` a current member of ``client``'s care team."""
    from clients.choices import JoinedHow, TeamRole
    from clients.models import CareTeamMembership

    if team_role is None:
        team_role = TeamRole.PEER if member.has_role(Role.PEER) else TeamRole.CLINICIAN
    return CareTeamMembership.objects.create(
        client=client,
        member=member,
        team_role=team_role,
        how=JoinedHow.ASSIGNED,
        added_by=member,
        **kwargs,
    )


def name_supervisor(peer, supervisor, *, set_by=None):
    """Make ``supervisor`` the current supervisor of ``peer`` (staff.Backing)."""
    from staff.choices import BackingRole
    from staff.models import Backing

    return Backing.objects.create(
        peer=peer, backer=supervisor, role=BackingRole.SUPERVISOR, set_by=set_by or supervisor
    )
