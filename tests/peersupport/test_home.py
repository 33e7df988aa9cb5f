import pytest
from django.urls import reverse

from peersupport.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("peer", "Peer support worker"),
        ("clinician", "Clinician"),
        ("researcher", "Researcher"),
        ("coordinator", "Coordinator"),
    ],
)
def test_each_role_lands_on_a_home_that_names_it(client, as_persona, persona, heading):
    as_persona(persona)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [section.role.label for section in response.context["sections"]] == [heading]


def test_someone_with_two_roles_sees_both_sections(client):
    client.force_login(UserFactory(roles=[Role.PEER, Role.RESEARCHER]))
    response = client.get(reverse("home"))
    roles = [section.role for section in response.context["sections"]]
    assert roles == [Role.PEER, Role.RESEARCHER]


def test_account_management_is_offered_to_coordinators_only(client, as_persona, peer, coordinator):
    accounts_url = reverse("accounts:list")
    client.force_login(peer)
    assert accounts_url not in client.get(reverse("home")).content.decode()
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert page.count(f'href="{accounts_url}"') == 2  # the menu and the home card


def test_an_account_without_a_role_is_told_what_to_do(client, outsider):
    client.force_login(outsider)
    assert "Ask a coordinator" in client.get(reverse("home")).content.decode()


def test_signing_in_with_the_form_lands_on_home(client, peer):
    from tests.factories import TEST_PASSWORD

    response = client.post(
        reverse("login"), {"username": "peer", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_sign_out_needs_a_post(client, peer):
    client.force_login(peer)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_passwords_lock_the_account_out_for_a_while(client, peer):
    from tests.factories import TEST_PASSWORD

    for _ in range(5):
        response = client.post(reverse("login"), {"username": "peer", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    response = client.post(reverse("login"), {"username": "peer", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert client.get(reverse("home")).status_code == 302
