import pytest
from django.urls import reverse

from peersupport.models import User
from peersupport.roles import Role
from tests.conftest import PERSONAS
from tests.db_snapshot import snapshot
from tests.factories import UserFactory
from tests.form_versions import versioned

pytestmark = pytest.mark.django_db

NOT_MANAGERS = [p for p in PERSONAS if p != "coordinator"]


@pytest.fixture
def target(db):
    return UserFactory(username="target", roles=[Role.CLINICIAN])


def account_urls(target):
    """Every account-management URL, with the method that changes something."""
    return [
        ("get", reverse("accounts:list")),
        ("get", reverse("accounts:create")),
        ("post", reverse("accounts:create")),
        ("get", reverse("accounts:detail", args=[target.pk])),
        ("get", reverse("accounts:edit", args=[target.pk])),
        ("post", reverse("accounts:edit", args=[target.pk])),
        ("post", reverse("accounts:deactivate", args=[target.pk])),
        ("post", reverse("accounts:reactivate", args=[target.pk])),
        ("get", reverse("accounts:password", args=[target.pk])),
        ("post", reverse("accounts:password", args=[target.pk])),
    ]


NEW_ACCOUNT = {
    "username": "newcomer",
    "first_name": "Élise",
    "last_name": "Dubé",
    "email": "elise@example.org",
    "roles": ["peer", "researcher"],
    "password1": "temporary-pass-for-elise",
    "password2": "temporary-pass-for-elise",
}


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_account_pages_do_not_exist_for_non_coordinators(client, as_persona, persona, target):
    as_persona(persona)
    for method, url in account_urls(target):
        before = snapshot()
        response = getattr(client, method)(url, NEW_ACCOUNT)
        assert response.status_code == 404, (method, url)
        assert snapshot() == before, (method, url)


def test_anonymous_visitors_are_sent_to_sign_in(client, target):
    for method, url in account_urls(target):
        before = snapshot()
        response = getattr(client, method)(url, NEW_ACCOUNT)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert snapshot() == before


def test_coordinator_sees_every_account_with_its_roles(client, coordinator, target):
    client.force_login(coordinator)
    response = client.get(reverse("accounts:list"))
    assert response.status_code == 200
    assert b"target" in response.content
    assert b"Clinician" in response.content


def test_account_list_queries_do_not_grow_with_accounts(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    UserFactory(roles=[Role.PEER])
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("accounts:list"))
    UserFactory.create_batch(49, roles=[Role.PEER, Role.CLINICIAN])
    with django_assert_max_num_queries(len(one.captured_queries)) as fifty:
        client.get(reverse("accounts:list"))
    assert len(fifty.captured_queries) == len(one.captured_queries)


def test_coordinator_creates_an_account_from_the_form(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("accounts:create"), NEW_ACCOUNT)
    user = User.objects.get(username="newcomer")
    assert response.status_code == 302
    assert response.url == reverse("accounts:detail", args=[user.pk])
    assert user.roles == {Role.PEER, Role.RESEARCHER}
    assert user.must_change_password


def test_a_weak_temporary_password_is_refused_on_its_field(client, coordinator):
    client.force_login(coordinator)
    data = {**NEW_ACCOUNT, "password1": "short", "password2": "short"}
    response = client.post(reverse("accounts:create"), data)
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(username="newcomer").exists()


def test_mismatched_passwords_are_explained(client, coordinator):
    client.force_login(coordinator)
    data = {**NEW_ACCOUNT, "password2": "something-else-entirely"}
    response = client.post(reverse("accounts:create"), data)
    assert "The two passwords differ." in response.context["form"].errors["password2"]


def test_a_taken_username_is_explained_on_the_field(client, coordinator, target):
    client.force_login(coordinator)
    response = client.post(reverse("accounts:create"), {**NEW_ACCOUNT, "username": "target"})
    assert "username" in response.context["form"].errors


def test_coordinator_changes_roles(client, coordinator, target):
    client.force_login(coordinator)
    response = versioned(client).post(
        reverse("accounts:edit", args=[target.pk]),
        {"first_name": "T", "last_name": "G", "email": "", "roles": ["peer"]},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.roles == {Role.PEER}


def test_removing_ones_own_coordinator_role_is_explained_and_changes_nothing(client, coordinator):
    client.force_login(coordinator)
    before = snapshot()
    response = versioned(client).post(
        reverse("accounts:edit", args=[coordinator.pk]),
        {"first_name": "", "last_name": "", "email": "", "roles": ["peer"]},
    )
    assert response.status_code == 200
    assert (
        "You cannot remove your own coordinator role."
        in response.context["form"].non_field_errors()
    )
    assert snapshot() == before


def test_deactivation_needs_a_post(client, coordinator, target):
    client.force_login(coordinator)
    assert client.get(reverse("accounts:deactivate", args=[target.pk])).status_code == 405
    target.refresh_from_db()
    assert target.is_active


def test_deactivated_account_is_signed_out_and_kept(client, coordinator, target):
    from django.test import Client

    client.force_login(target)
    assert client.get(reverse("home")).status_code == 200
    coordinators_browser = Client()
    coordinators_browser.force_login(coordinator)
    coordinators_browser.post(reverse("accounts:deactivate", args=[target.pk]))
    # The session opened before the deactivation no longer lets them in.
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert User.objects.filter(pk=target.pk, is_active=False).exists()


def test_account_page_shows_its_history(client, coordinator, target):
    client.force_login(coordinator)
    client.post(reverse("accounts:deactivate", args=[target.pk]))
    response = client.get(reverse("accounts:detail", args=[target.pk]))
    assert "Account deactivated" in response.content.decode()


def test_temporary_password_forces_a_change_at_next_sign_in(client, coordinator, target):
    client.force_login(coordinator)
    client.post(
        reverse("accounts:password", args=[target.pk]),
        {"password1": "fresh-temporary-pass", "password2": "fresh-temporary-pass"},
    )
    target.refresh_from_db()
    client.force_login(target)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "fresh-temporary-pass",
            "new_password1": "my-very-own-password",
            "new_password2": "my-very-own-password",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_a_temporary_password_lifts_a_lock_out(client, coordinator, target):
    from django.test import Client

    for _ in range(5):
        response = client.post(reverse("login"), {"username": "target", "password": "wrong"})
    assert response.status_code == 429
    coordinators_browser = Client()
    coordinators_browser.force_login(coordinator)
    coordinators_browser.post(
        reverse("accounts:password", args=[target.pk]),
        {"password1": "fresh-temporary-pass", "password2": "fresh-temporary-pass"},
    )
    response = client.post(
        reverse("login"), {"username": "target", "password": "fresh-temporary-pass"}
    )
    assert response.status_code == 302


def test_the_temporary_password_cannot_be_kept(client, coordinator, target):
    from accounts.services import account_set_temporary_password

    account_set_temporary_password(
        acting_user=coordinator, user=target, password="fresh-temporary-pass"
    )
    target.refresh_from_db()
    client.force_login(target)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "fresh-temporary-pass",
            "new_password1": "fresh-temporary-pass",
            "new_password2": "fresh-temporary-pass",
        },
    )
    assert response.status_code == 200
    assert (
        "Choose a password different from the current one."
        in (response.context["form"].errors["new_password2"])
    )
    target.refresh_from_db()
    assert target.must_change_password


def test_password_events_are_audited_without_the_hash(client, coordinator, target):
    from peersupport.audit import account_history, describe_entry

    client.force_login(coordinator)
    for _ in range(2):  # the second time the flag is already set: still recorded
        client.post(
            reverse("accounts:password", args=[target.pk]),
            {"password1": "fresh-temporary-pass", "password2": "fresh-temporary-pass"},
        )
    target.refresh_from_db()
    client.force_login(target)
    client.post(
        reverse("password_change"),
        {
            "old_password": "fresh-temporary-pass",
            "new_password1": "my-very-own-password",
            "new_password2": "my-very-own-password",
        },
    )
    lines = [line for entry in account_history(target) for line in describe_entry(entry)]
    assert lines.count("Temporary password set") == 2
    assert lines.count("Password changed by its owner") == 1
    assert all(target.password not in str(entry.changes) for entry in account_history(target))


def test_audit_entries_record_the_real_client_address(client, coordinator, target):
    from peersupport.audit import account_history

    client.force_login(coordinator)
    client.post(
        reverse("accounts:deactivate", args=[target.pk]),
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="203.0.113.99",  # forged: no proxy is configured
    )
    entry = account_history(target).first()
    assert entry.actor == coordinator
    assert entry.remote_addr == "192.0.2.10"


def _signed_in(user):
    """A separate browser with its own real session for ``user``."""
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse("home")).status_code == 200
    return browser


def _is_signed_out(browser) -> bool:
    response = browser.get(reverse("home"))
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_reactivating_an_account_does_not_revive_its_old_sessions(coordinator, target):
    phone, laptop = _signed_in(target), _signed_in(target)
    coordinators_browser = _signed_in(coordinator)
    coordinators_browser.post(reverse("accounts:deactivate", args=[target.pk]))
    coordinators_browser.post(reverse("accounts:reactivate", args=[target.pk]))
    assert _is_signed_out(phone)
    assert _is_signed_out(laptop)
    # The reactivated account can sign in afresh.
    assert not _is_signed_out(_signed_in(User.objects.get(pk=target.pk)))


def test_a_temporary_password_ends_every_session_of_the_account(coordinator, target):
    phone = _signed_in(target)
    _signed_in(coordinator).post(
        reverse("accounts:password", args=[target.pk]),
        {"password1": "fresh-temporary-pass", "password2": "fresh-temporary-pass"},
    )
    assert _is_signed_out(phone)


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(target):
    target.set_password("the-old-password-1")
    target.save()
    phone, laptop = _signed_in(target), _signed_in(target)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": "the-old-password-1",
            "new_password1": "my-very-own-password",
            "new_password2": "my-very-own-password",
        },
    )
    assert response.status_code == 302
    assert _is_signed_out(phone)
    assert not _is_signed_out(laptop)


def test_ending_sessions_leaves_no_trace_of_the_counter_in_the_account_history(
    client, coordinator, target
):
    from peersupport.audit import account_history, describe_entry

    client.force_login(coordinator)
    client.post(reverse("accounts:deactivate", args=[target.pk]))
    assert describe_entry(account_history(target).first()) == ["Account deactivated"]
