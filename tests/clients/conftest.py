"""A person served whose care team is ``peer`` and ``clinician``; ``other_peer``
and ``other_clinician`` work with other people."""

import pytest

from tests.factories import ClientFactory, put_on_team


@pytest.fixture
def person(peer, clinician, other_peer, other_clinician):
    person = ClientFactory(display_name="Hélène", aliases="Lène", birth_year=1971)
    put_on_team(person, peer)
    put_on_team(person, clinician)
    elsewhere = ClientFactory(display_name="Someone else")
    put_on_team(elsewhere, other_peer)
    put_on_team(elsewhere, other_clinician)
    return person
