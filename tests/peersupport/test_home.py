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
    # The phone menu, the wide-screen menu's administration group, the home card.
    assert page.count(f'href="{accounts_url}"') == 3


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


# Everything a role may use is reachable from its menu or its home page.

# Pages that are not destinations of their own: forms to create something
# (reached from the list they add to), downloads, and the machinery.
NOT_DESTINATIONS = ("new", "create", "export", "login", "logout", "set_language", "healthz")


def _top_level_pages():
    """Every page of the product that takes no argument in its address."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and "<" not in str(pattern.pattern):
                name = pattern.name or ""
                if name and not any(word in name for word in NOT_DESTINATIONS):
                    yield namespace + name

    return sorted(set(walk(get_resolver().url_patterns)))


def _links(html: str) -> set[str]:
    import re

    return {href.split("?")[0] for href in re.findall(r'href="(/[^"]*)"', html)}


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher", "coordinator"])
def test_every_page_a_role_may_use_is_linked_from_its_menu_or_home(client, as_persona, persona):
    """A page counts as reachable when the menu or home links to it, or to a
    page of the same section that links to it (the logbook's matrix from the
    logbook, for instance)."""
    as_persona(persona)
    home_links = _links(client.get(reverse("home")).content.decode())
    allowed = []
    for name in _top_level_pages():
        response = client.get(reverse(name))
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            allowed.append(reverse(name))
    assert allowed, "the walk found no page at all"

    def reachable(path):
        if path in home_links:
            return True
        section = path.split("/")[1]
        return any(
            path in _links(client.get(link).content.decode())
            for link in home_links
            if link.split("/")[1] == section and link != path
        )

    assert [path for path in allowed if not reachable(path)] == []


def _open_requests(number):
    from interventions.models import PeerRequest
    from tests.factories import ClientFactory

    requester = UserFactory(roles=[Role.CLINICIAN])
    for _ in range(number):
        PeerRequest.objects.create(
            client=ClientFactory(), requested_by=requester, reason="Housing court"
        )


def test_a_peer_is_told_on_the_menu_and_home_that_a_request_for_a_peer_is_open(client, peer):
    _open_requests(2)
    client.force_login(peer)
    page = client.get(reverse("home")).content.decode()
    requests_url = reverse("shared:requests")
    # The menu, the day's card and the tool card.
    assert page.count(f'href="{requests_url}"') == 3
    assert "2 requests for a peer" in page
    assert "2 waiting" in page
    assert '2<span class="visually-hidden"> open</span>' in page


def test_coordinators_see_how_many_safety_exceptions_wait_for_review(client, coordinator):
    from django.utils import timezone

    from interventions.choices import EmergencyReason, ReviewStatus
    from interventions.models import EmergencyAccess
    from tests.factories import ClientFactory

    user = UserFactory(roles=[Role.CLINICIAN])
    for status in (ReviewStatus.PENDING, ReviewStatus.PENDING, ReviewStatus.REVIEWED):
        EmergencyAccess.objects.create(
            client=ClientFactory(),
            user=user,
            reason=EmergencyReason.values[0],
            justification="Said he would not be alive tomorrow",
            expires_at=timezone.now(),
            review_status=status,
        )
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    # Both menus, the day's card and the tool card.
    assert page.count(f'href="{reverse("emergency:queue")}"') == 4
    assert "2 safety exceptions to review" in page
    assert "2 waiting" in page
    assert '2<span class="visually-hidden"> to review</span>' in page


@pytest.mark.parametrize("number", [1, 30])
def test_the_counts_cost_the_same_queries_whatever_the_number_of_requests(
    client, coordinator, django_assert_max_num_queries, number
):
    _open_requests(number)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("persona", ["clinician", "researcher"])
def test_only_those_who_answer_requests_are_offered_them(client, as_persona, persona):
    _open_requests(1)
    as_persona(persona)
    assert reverse("shared:requests") not in client.get(reverse("home")).content.decode()
