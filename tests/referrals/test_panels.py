"""What referrals add to a person's page and to a partner's page (referrals/panels.py)."""

import pytest
from django.urls import reverse

from referrals.models import Referral
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _received(partner, author, **by_status):
    """Referrals to ``partner`` at the given statuses, each of another person."""
    for status, count in by_status.items():
        for _ in range(count):
            Referral.objects.create(
                client=ClientFactory(),
                partner=partner,
                reason="Private reason.",
                status=status,
                created_by=author,
            )


def test_the_partner_page_counts_what_it_received_and_how_it_ended(
    client, researcher, shelter, peer
):
    _received(shelter, peer, proposed=4, sent=2, attended=7, no_show=5, declined=2, closed=6)
    client.force_login(researcher)
    response = client.get(reverse("partners:detail", args=[shelter.pk]))
    summary = response.context["referral_summary"]
    assert summary["shown_total"] == 26
    assert summary["parts"] == [
        ("Not ended yet", 6),
        ("Attended", 7),
        ("Declined", "<5"),
        ("Did not go", "×"),
        ("Closed", 6),
    ]
    page = response.content.decode()
    assert "Referrals received" in page
    assert "Private reason" not in page


def test_a_partner_with_few_referrals_shows_only_small_counts(client, peer, shelter):
    _received(shelter, peer, proposed=1, attended=2)
    client.force_login(peer)
    summary = client.get(reverse("partners:detail", args=[shelter.pk])).context["referral_summary"]
    assert summary["shown_total"] == "<5"
    assert {value for _, value in summary["parts"]} == {"<5"}


def test_a_partner_without_referrals_says_so(client, peer, shelter):
    client.force_login(peer)
    page = client.get(reverse("partners:detail", args=[shelter.pk])).content.decode()
    assert "No referral received yet." in page


def test_the_person_page_lists_referrals_with_status_and_next_step(client, peer, referral):
    client.force_login(peer)
    page = client.get(reverse("clients:detail", args=[referral.client.pk])).content.decode()
    assert "Refuge du Plateau" in page
    assert "Proposed" in page
    assert reverse("referrals:status", args=[referral.pk]) in page
    assert reverse("referrals:new", args=[referral.client.pk]) in page
    assert "Needs a bed" not in page


def test_a_coordinator_sees_the_referrals_but_no_next_step(client, coordinator, referral):
    client.force_login(coordinator)
    page = client.get(reverse("clients:detail", args=[referral.client.pk])).content.decode()
    assert "Refuge du Plateau" in page
    assert reverse("referrals:status", args=[referral.pk]) not in page
    assert reverse("referrals:new", args=[referral.client.pk]) not in page
