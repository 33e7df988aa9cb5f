"""A peer opens the product on a phone and reads their day at a glance; a
coordinator's home shows the programme's work."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import fits_the_screen, sign_in, sticking_out


def _a_peers_day():
    """On the demo peer's teams: a draft started three days ago, a note shared by
    a clinician not read yet, someone not seen for six weeks, a consent ending
    in five days."""
    from clients.choices import Decision, Purpose
    from clients.models import Client, Consent
    from interventions.choices import Audience, NoteStatus
    from interventions.models import Note
    from peersupport.models import User

    peer = User.objects.get(username="peer")
    clinician = User.objects.get(username="clinician")
    today = timezone.localdate()
    mine = Client.objects.filter(
        memberships__member=peer, memberships__left_on__isnull=True, closed_on__isnull=True
    ).order_by("pk")
    first, second = mine[0], mine[1]
    draft = Note.objects.create(
        client=first, author=peer, audience=Audience.PEER_TEAM, body="To finish tonight."
    )
    Note.objects.filter(pk=draft.pk).update(created_at=timezone.now() - timedelta(days=3))
    Note.objects.create(
        client=first,
        author=clinician,
        audience=Audience.CARE_TEAM,
        body="Her appointment moved to Thursday.",
        status=NoteStatus.SIGNED,
        signed_at=timezone.now(),
    )
    Client.objects.filter(pk=second.pk).update(
        display_name="Someone with a rather long name to wrap on a phone screen",
        last_contact_on=today - timedelta(days=42),
    )
    Consent.objects.create(
        client=first,
        purpose=Purpose.RESEARCH,
        decision=Decision.GIVEN,
        decided_on=today,
        expires_on=today + timedelta(days=5),
        recorded_by=peer,
    )
    return first


def test_a_peer_reads_their_day_on_a_phone_and_opens_a_draft(page, demo_accounts):
    person = _a_peers_day()
    sign_in(page, "peer")
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ drafts? to sign$"))).to_be_visible()
    expect(page.get_by_text("started 3 days ago").first).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(r"^\d+ shared notes? (and|or) answers? to read$"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("not seen for 21 days"))).to_be_visible()
    expect(page.get_by_text("last seen 6 weeks ago")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("end within 30 days"))).to_be_visible()
    expect(page.get_by_text("De-identified data in research ends in 5 days")).to_be_visible()
    assert fits_the_screen(page)
    assert sticking_out(page) == []

    page.locator(f'a[href="/clients/{person.pk}/#consent-heading"]').click()
    expect(page.get_by_role("heading", name="Consent")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="shared note").click()
    expect(page).to_have_url(re.compile(r"/shared/$"))


def test_a_coordinators_home_shows_the_programmes_work_on_a_phone(page, demo_accounts):
    _a_peers_day()
    sign_in(page, "coordinator")
    expect(page.get_by_role("heading", name=re.compile("programme-wide"))).to_be_visible()
    expect(page.get_by_text("expiring: De-identified data in research")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("to review and assign", re.I))
    ).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("drafts? to sign"))).to_have_count(0)
    assert fits_the_screen(page)
    assert sticking_out(page) == []
