"""Personas shared by the whole suite (healthchecks' alice/bob, for this domain)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from peersupport import concurrency, kept_counts
from peersupport.roles import Role
from tests.factories import UserFactory


def pytest_collection_modifyitems(config, items):
    """A test marked ``postgresql_only`` proves something only PostgreSQL does
    (row locks between two connections): on SQLite it is deselected, not
    skipped, and the PostgreSQL run of CI runs it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgresql_only") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def _persona(fixture_name, roles, doc):
    @pytest.fixture(name=fixture_name)
    def make(db):
        return UserFactory(username=fixture_name, roles=roles)

    make.__doc__ = doc
    return make


peer = _persona("peer", [Role.PEER], "A peer support worker.")
other_peer = _persona("other_peer", [Role.PEER], "A second peer, for what one peer keeps.")
clinician = _persona("clinician", [Role.CLINICIAN], "A clinician of the host team.")
other_clinician = _persona("other_clinician", [Role.CLINICIAN], "A clinician on other teams.")
researcher = _persona("researcher", [Role.RESEARCHER], "A member of the research team.")
coordinator = _persona("coordinator", [Role.COORDINATOR], "The programme coordinator.")
outsider = _persona("outsider", [], "Signed in, but holding no role at all.")

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


@pytest.fixture(autouse=True)
def _nothing_kept():
    """Kept counts (the overview's) and Django's cache (the logbook matrix's)
    belong to the test that counted them: record numbers start again in the
    next test's database."""
    cache.clear()
    kept_counts.forget_all()
    yield
    kept_counts.wait_for_recounts()
    cache.clear()
    kept_counts.forget_all()


@pytest.fixture(autouse=True)
def _no_expected_versions():
    """What an edit form checked is expected of its row until the request ends;
    a test that checks a form without a request starts and ends with none."""
    concurrency.forget_expectations()
    yield
    concurrency.forget_expectations()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a French page requested by an
    earlier test leaves French active in the thread, which would make later
    renders depend on the order tests run in."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="class")
def seeded_demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for a class of tests that only read it, and
    rolled back after the class."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, verbosity=0)
        yield
        transaction.set_rollback(True)
