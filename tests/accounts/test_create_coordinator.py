import io

import pytest
from django.core.management import CommandError, call_command

from peersupport.models import User
from peersupport.roles import Role

pytestmark = pytest.mark.django_db


def test_creates_a_coordinator_from_a_password_on_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-strong-first-password\n"))
    call_command("create_coordinator", "first", "--password-stdin")
    user = User.objects.get(username="first")
    assert user.roles == {Role.COORDINATOR}
    assert user.check_password("a-strong-first-password")


def test_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("create_coordinator", "first", "--password-stdin")
    assert not User.objects.exists()


def test_refuses_an_existing_username(monkeypatch, peer):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-strong-first-password\n"))
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_coordinator", "peer", "--password-stdin")
    assert peer.roles == {Role.PEER}
