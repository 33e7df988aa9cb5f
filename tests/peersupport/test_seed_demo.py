import pytest
from django.core.management import CommandError, call_command

from peersupport.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from peersupport.models import User
from peersupport.roles import Role
from tests.db_snapshot import snapshot

pytestmark = pytest.mark.django_db


def test_seeding_creates_every_demo_account_with_its_role(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    for username, _first, _last, roles in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.roles == set(roles)
        assert user.check_password(DEMO_PASSWORD)
        assert not user.must_change_password


def test_seeding_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    after_first = snapshot()
    call_command("seed_demo")
    assert snapshot() == after_first


def test_the_demo_has_the_six_accounts_the_readme_lists(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert set(User.objects.values_list("username", flat=True)) == {
        "peer",
        "peer2",
        "clinician",
        "clinician2",
        "researcher",
        "coordinator",
    }
    assert User.objects.get(username="coordinator").has_role(Role.COORDINATOR)


def test_seeding_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seeding_with_debug_off_can_be_forced(settings):
    settings.DEBUG = False
    call_command("seed_demo", force=True)
    assert User.objects.filter(username="peer").exists()
