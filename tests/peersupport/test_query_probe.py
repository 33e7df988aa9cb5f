"""The query strings an outside probe answered with server errors: each URL
now answers a page (the bad value ignored or explained), on both databases."""

import pytest
from django.urls import reverse

from tests.factories import ClientFactory, put_on_team

PROBES = [
    ("peer", "clients:detail", "page=99999999999999999999"),
    ("peer", "clients:detail", "page=9223372036854775807"),
    ("peer", "clients:detail", "page=%C2%B2"),
    ("peer", "encounters:new", "client=%C2%B2"),
    ("peer", "shared:feed", "client=%C2%B2"),
    ("peer", "shared:feed", "since=2025-02-30"),
    ("peer", "shared:feed", "until=2025-02-30"),
    ("peer", "shared:feed", "since=0000-01-01"),
    ("peer", "shared:feed", "until=9999-12-31"),
    ("coordinator", "partners:list", "q=%00"),
    ("researcher", "logbook:matrix", "kind=%00"),
    ("researcher", "logbook:matrix", "source=%00"),
    ("coordinator", "audit", "user=%00"),
    ("coordinator", "audit", "person=%C2%B2"),
    ("coordinator", "audit", "since=2025-02-30"),
    ("coordinator", "audit", "until=9999-12-31"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "name", "query"), PROBES)
def test_the_probe_gets_a_page_not_a_server_error(client, as_persona, persona, name, query):
    user = as_persona(persona)
    person = ClientFactory()
    put_on_team(person, user) if persona == "peer" else None
    kwargs = {"pk": person.pk} if name == "clients:detail" else None
    response = client.get(f"{reverse(name, kwargs=kwargs)}?{query}")
    assert response.status_code == 200
