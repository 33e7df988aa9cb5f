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
