"""Audit entries in words: the describer behind every history."""

import pytest
from auditlog.models import LogEntry

from accounts import services as accounts
from peersupport.audit import account_history, describe_entry, readable_entries
from peersupport.roles import Role

pytestmark = pytest.mark.django_db


def test_an_account_change_shows_field_labels_and_values(coordinator, peer):
    before = peer.first_name
    accounts.account_update(
        acting_user=coordinator,
        user=peer,
        first_name="Alexandra",
        last_name=peer.last_name,
        email=peer.email,
        roles=[Role.PEER],
    )
    assert describe_entry(account_history(peer).first()) == [f"First name: {before} → Alexandra"]


def test_an_emptied_value_reads_empty_and_a_flag_reads_yes_or_no(peer):
    entry = LogEntry.objects.log_create(
        peer,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"email": ["a@example.org", ""], "must_change_password": ["False", "True"]},
    )
    assert describe_entry(entry) == [
        "Email address: a@example.org → empty",
        "Must change password at next sign-in: no → yes",
    ]


def test_technical_fields_never_show(coordinator, peer):
    entry = LogEntry.objects.log_create(
        peer,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={
            "session_generation": ["0", "1"],
            "id": ["1", "1"],
            "is_active": ["True", "False"],
        },
    )
    assert describe_entry(entry) == ["Account deactivated"]


def test_an_entry_without_a_meaningful_change_says_changed(peer):
    entry = LogEntry.objects.log_create(
        peer,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"session_generation": ["0", "1"]},
    )
    assert describe_entry(entry) == ["Changed"]


def test_a_role_grant_names_the_account_it_belongs_to(coordinator, peer):
    accounts.account_update(
        acting_user=coordinator,
        user=peer,
        first_name=peer.first_name,
        last_name=peer.last_name,
        email=peer.email,
        roles=[Role.PEER, Role.RESEARCHER],
    )
    words = readable_entries(account_history(peer)[:1])[0]
    assert words.lines == ["Role granted: Researcher"]
    assert words.subject == f"a role of {peer}"


def test_a_moment_reads_as_a_local_date_and_time(peer, settings):
    settings.TIME_ZONE = "America/Toronto"
    entry = LogEntry.objects.log_create(
        peer,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"date_joined": ["2025-03-14 17:05:00.123456", "2025-03-15 12:00:00+00:00"]},
    )
    assert describe_entry(entry) == ["Date joined: March 14, 2025, 13:05 → March 15, 2025, 08:00"]


def test_setting_up_a_second_factor_and_new_codes_read_as_words(peer):
    import pyotp

    from accounts import two_factor

    device = two_factor.setup_device(user=peer)
    code = pyotp.TOTP(two_factor.secret_for_typing(device).replace(" ", "")).now()
    two_factor.second_factor_confirm(user=peer, device=device, code=code)
    two_factor.recovery_codes_renew(user=peer)
    lines = [describe_entry(entry) for entry in account_history(peer)[:2]]
    assert lines == [
        ["New recovery codes made (the old ones no longer work)"],
        ["Two-factor sign-in set up"],
    ]
