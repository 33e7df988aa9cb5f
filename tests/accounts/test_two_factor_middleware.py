"""Who owes a second factor is kept on its page: the second step when an app is
set up and no code was given yet, the setup page when one is required and
none is set up. Both rules on, as in production."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts import services
from accounts.two_factor import second_factor_reset
from peersupport.roles import Role
from tests.accounts.two_factor_tools import password_signed_in, phone_for, with_app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")
HOME = reverse("home")


def _rules(*, roles: bool, everyone: bool):
    return override_settings(
        TWO_FACTOR_REQUIRED_FOR_ROLES=roles, TWO_FACTOR_REQUIRED_FOR_ALL=everyone
    )


ROLES_ON = _rules(roles=True, everyone=False)
PRODUCTION = _rules(roles=True, everyone=True)
DEMO = _rules(roles=False, everyone=False)

# Pages of each persona's daily work, that must wait for the second factor.
PAGES = {
    "peer": reverse("follow_ups:list"),
    "clinician": reverse("clients:list"),
    "researcher": reverse("research:export"),
    "coordinator": reverse("accounts:list"),
}
# Pages that answer whatever is owed: signing out, the language, health, the session's clock.
OPEN_PAGES = [reverse("healthz"), reverse("session")]


@ROLES_ON
@pytest.mark.parametrize(
    ("persona", "is_sent_to_setup"),
    [("peer", False), ("clinician", True), ("researcher", True), ("coordinator", True)],
)
def test_the_roles_rule_sends_who_must_have_it_to_setup(client, request, persona, is_sent_to_setup):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(PAGES[persona])
    if is_sent_to_setup:
        assert response.status_code == 302
        assert response.url == f"{SETUP}?next={PAGES[persona].replace('/', '%2F')}"
    else:
        assert response.status_code == 200


@PRODUCTION
def test_with_the_rule_for_all_a_peer_is_sent_to_setup_too(client, peer):
    client.force_login(peer)
    assert client.get(HOME).url.startswith(SETUP)


@DEMO
@pytest.mark.parametrize("persona", PAGES)
def test_in_the_demo_nobody_is_sent_to_setup(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(PAGES[persona]).status_code == 200


@PRODUCTION
def test_who_must_set_it_up_may_still_sign_out_switch_language_and_set_it_up(client, coordinator):
    client.force_login(coordinator)
    assert client.get(SETUP).status_code == 200
    for path in OPEN_PAGES:
        assert client.get(path).status_code == 200, path
    assert client.post(reverse("set_language"), {"language": "fr"}).status_code == 302
    client.post(reverse("logout"))
    assert client.get(HOME).url.startswith(reverse("login"))


@DEMO
def test_an_app_set_up_is_asked_for_even_in_the_demo(coordinator):
    with_app(coordinator)
    browser = password_signed_in(coordinator)
    assert browser.get(PAGES["coordinator"]).url.startswith(VERIFY)


@PRODUCTION
@pytest.mark.parametrize("persona", PAGES)
def test_before_the_code_every_page_sends_to_the_second_step(request, persona):
    user = request.getfixturevalue(persona)
    device, _ = with_app(user)
    browser = password_signed_in(user)
    for path in (HOME, PAGES[persona], SETUP, reverse("two_factor_recovery_codes")):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(VERIFY), path
    browser.post(VERIFY, {"code": phone_for(device).now()})
    assert browser.get(PAGES[persona]).status_code == 200


@PRODUCTION
def test_a_test_client_sign_in_with_an_app_must_give_the_code_too(client, coordinator):
    with_app(coordinator)
    client.force_login(coordinator)
    assert client.get(HOME).url.startswith(VERIFY)


@PRODUCTION
def test_a_form_sent_before_the_code_is_refused_and_sent_to_the_second_step(peer):
    with_app(peer)
    browser = password_signed_in(peer)
    response = browser.post(reverse("encounters:new"), {"setting": "street"})
    assert response.status_code == 302
    assert response.url == VERIFY


@PRODUCTION
def test_htmx_is_told_to_load_the_second_step_as_a_whole_page(peer):
    with_app(peer)
    browser = password_signed_in(peer)
    response = browser.get(PAGES["peer"], headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(VERIFY)


@PRODUCTION
def test_a_temporary_password_is_changed_first_then_the_app_set_up(coordinator, peer):
    services.account_set_temporary_password(
        acting_user=coordinator, user=peer, password="temporary-pass-for-peer"
    )
    browser = Client()
    browser.post(reverse("login"), {"username": "peer", "password": "temporary-pass-for-peer"})
    assert browser.get(HOME).url == reverse("password_change")
    assert browser.get(reverse("password_change")).status_code == 200
    browser.post(
        reverse("password_change"),
        {
            "old_password": "temporary-pass-for-peer",
            "new_password1": "my-own-password-at-last",
            "new_password2": "my-own-password-at-last",
        },
    )
    assert browser.get(HOME).url.startswith(SETUP)


@PRODUCTION
def test_after_a_reset_the_person_signs_in_with_the_password_and_sets_up_again(coordinator):
    clinician = UserFactory(username="lost-phone", roles=[Role.CLINICIAN])
    with_app(clinician)
    second_factor_reset(acting_user=coordinator, user=clinician)
    browser = password_signed_in(clinician)
    assert browser.get(HOME).url.startswith(SETUP)
    assert browser.get(SETUP).status_code == 200
