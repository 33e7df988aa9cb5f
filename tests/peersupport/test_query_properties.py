"""Property: no query string makes a page fail.

The parameters are not listed by hand: every URL of the URL matrix is opened
once by each persona it answers 200, and the query forms the view builds
(``peersupport.query.QueryForm``) say which parameters it reads and of what
kind. Each parameter is then given text from the whole range (control
characters, NUL, Unicode digits, astral characters, very long text, huge
numbers, impossible and extreme dates), so a parameter added to a query form
is fuzzed without anyone listing it. The answer must be the page (the bad
value ignored or explained on its field), a 404 for a record number that
names nothing, or, for an export, a 400 that says which filter is wrong;
never a server error.
"""

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peersupport.query import QueryForm
from tests.peersupport.test_url_matrix import MATRIX, PERSONAS, _no_arguments, world  # noqa: F401

NASTY = [
    "",
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\u202e",
    "²",
    "٣",
    "𝟙",
    "😀",
    "-1",
    "0",
    "1",
    "1e400",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999",
    "9" * 5000,
    "x" * 5000,
    "2025-02-30",
    "2025-13-01",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "1899-12-31",
    "31/12/9999",
]
# What the outside probe answered with server errors, and their cousins.
PROBED = [
    "\x00",
    "²",
    "٣",
    "99999999999999999999",
    "9" * 5000,
    "2025-02-30",
    "0000-01-01",
    "9999-12-31",
]
# Per URL, over the personas it answers; derandomized, so that a run is the same everywhere.
EXAMPLES = 6
# Surrogates cannot be sent in a URL (they have no UTF-8); everything else can.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


def _values_for(field: forms.Field):
    choices = [str(value) for value, _ in getattr(field, "choices", []) if value != ""]
    return st.one_of(
        st.sampled_from(NASTY),
        TEXT,
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.dates().map(lambda day: day.isoformat()),
        *([st.sampled_from(choices)] if choices else []),
    )


def _discover(client, world_, monkeypatch):
    """Each URL that reads a query form: its path, the personas it answers 200,
    and the fields its forms read (asked of the first of those personas; the
    others open the same view)."""
    seen: list = []
    original = QueryForm.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seen.append(self)

    monkeypatch.setattr(QueryForm, "__init__", spy)
    targets = []
    for name, row in sorted(MATRIX.items()):
        personas = [p for p in PERSONAS if p != "anonymous" and row.expected()[p] == 200]
        if name.startswith("admin:") or not personas:
            continue
        path = reverse(name, kwargs=(row.kwargs or _no_arguments)(world_) or None)
        client.force_login(world_.users[personas[0]])
        seen.clear()
        client.get(path, row.query)
        fields = {
            field_name: field
            for form in seen
            for field_name, field in form.fields.items()
            if field_name not in row.query
        }
        if fields:
            targets.append((name, personas, path, row.query, fields))
    monkeypatch.setattr(QueryForm, "__init__", original)
    return targets


@pytest.mark.django_db
def test_no_query_string_makes_a_page_fail(client, world, monkeypatch):  # noqa: F811
    targets = _discover(client, world, monkeypatch)
    # The walk must find the query forms, or the property proves nothing.
    found = {name for name, *_ in targets}
    assert {"clients:list", "clients:detail", "shared:feed", "audit", "logbook:matrix"} <= found

    for target in targets:
        _every_field_at_once(client, world, *target)
        _fuzz(client, world, *target)


def _allowed(name):
    return {200, 404} | ({400} if "export" in name else set())


def _every_field_at_once(client, world_, name, personas, path, base, fields):
    """The values the probe found, each in every parameter at once, whatever
    the draw below picks."""
    client.force_login(world_.users[personas[0]])
    for value in PROBED:
        response = client.get(path, {**base, **dict.fromkeys(fields, value)})
        assert response.status_code in _allowed(name), (
            f"GET {path} as {personas[0]} with every parameter {value[:40]!r}: "
            f"{response.status_code}"
        )


def _fuzz(client, world_, name, personas, path, base, fields):
    allowed = _allowed(name)
    query_strategy = st.fixed_dictionaries(
        {}, optional={field_name: _values_for(field) for field_name, field in fields.items()}
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(persona=st.sampled_from(personas), query=query_strategy)
    def answers_a_page(persona, query):
        client.force_login(world_.users[persona])
        response = client.get(path, {**base, **query})
        assert response.status_code in allowed, (
            f"GET {path} as {persona} with {query!r}: {response.status_code}"
        )

    answers_a_page()
