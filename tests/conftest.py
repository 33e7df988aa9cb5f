"""Personas shared by the whole suite (healthchecks' alice/bob, for this domain)."""

import pytest

from peersupport.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def peer(db):
    return UserFactory(username="peer", roles=[Role.PEER])


@pytest.fixture
def other_peer(db):
    return UserFactory(username="other_peer", roles=[Role.PEER])


@pytest.fixture
def clinician(db):
    return UserFactory(username="clinician", roles=[Role.CLINICIAN])


@pytest.fixture
def researcher(db):
    return UserFactory(username="researcher", roles=[Role.RESEARCHER])


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator", roles=[Role.COORDINATOR])


@pytest.fixture
def outsider(db):
    """Signed in, but holding no role at all."""
    return UserFactory(username="outsider", roles=[])


PERSONAS = ["peer", "clinician", "researcher", "coordinator", "outsider"]


@pytest.fixture
def as_persona(client, request):
    """Sign the test client in as the named persona (``None``: stay anonymous)."""

    def sign_in(name):
        if name is None:
            return None
        user = request.getfixturevalue(name)
        client.force_login(user)
        return user

    return sign_in
