"""After a hard encounter, a peer on their phone opens it and asks for a
debriefing in one tap; their supervisor signs in and finds the request on
their home, by its number and date, never the name of the person the
encounter was with, and says it was held."""

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from interventions.models import Encounter
from peersupport.models import User
from staff import work_services
from staff.access import supervisor_of
from staff.choices import DebriefingStatus
from staff.models import DebriefingRequest
from tests.e2e.conftest import field, fits_the_screen, sign_in, sign_out, sticking_out


def test_a_peer_asks_for_a_debriefing_and_the_supervisor_sees_it_on_their_home(page, demo_accounts):
    peer = User.objects.get(username="peer")
    supervisor = supervisor_of(peer)
    assert supervisor is not None
    # The demo's request of yesterday was held this morning: nothing waits.
    for waiting in DebriefingRequest.objects.filter(peer=peer, status=DebriefingStatus.OPEN):
        work_services.debriefing_hold(
            acting_user=supervisor,
            request=waiting,
            occurred_on=timezone.localdate(),
            duration_minutes=30,
        )
    encounter = (
        Encounter.objects.filter(author=peer, client__isnull=False)
        .select_related("client")
        .order_by("-occurred_at")
        .first()
    )
    name = encounter.client.display_name

    sign_in(page, "peer")
    page.goto(f"/encounters/{encounter.pk}/")
    ask = page.get_by_role("button", name="Ask for a debriefing")
    expect(ask).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
    ask.click()

    asked = DebriefingRequest.objects.get(peer=peer, status=DebriefingStatus.OPEN)
    expect(page.get_by_text(f"Request #{asked.pk} sent")).to_be_visible()
    expect(page.get_by_role("button", name="Ask for a debriefing")).to_have_count(0)
    assert asked.encounter_id == encounter.pk and asked.supervisor_id == supervisor.pk
    sign_out(page)

    sign_in(page, supervisor.username)
    card = page.get_by_role("region", name=re.compile(r"1 debriefing asked of you"))
    expect(card).to_be_visible()
    expect(card).to_contain_text(f"Request #{asked.pk}")
    expect(card).not_to_contain_text(name)
    assert fits_the_screen(page) and sticking_out(page) == []
    card.get_by_role("link", name=re.compile(rf"Request #{asked.pk}")).click()
    expect(page.get_by_role("heading", name="Debriefings", exact=True)).to_be_visible()
    page.get_by_role("link", name="Held").click()

    # Held: logged there and then, between the two of them.
    field(page, "How long (minutes)").fill("30")
    page.get_by_role("button", name="The debriefing was held").click()
    expect(page.get_by_role("heading", name="Debriefing", exact=True)).to_be_visible()
    asked.refresh_from_db()
    assert asked.status == DebriefingStatus.HELD
    assert asked.held_as.peer_id == peer.pk and asked.held_as.duration_minutes == 30
    assert fits_the_screen(page) and sticking_out(page) == []


def test_a_peer_counts_a_meeting_in_the_logbook_and_reads_their_time(page, demo_accounts):
    from logbook.models import Entry

    sign_in(page, "peer")
    page.goto(reverse("work:list"))
    expect(page.get_by_role("heading", name="My work beyond encounters")).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
    page.get_by_role("link", name="Meeting", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^Meeting · ")).first.click()
    page.get_by_role("link", name="Count it in the logbook").click()

    expect(field(page, "Title")).to_have_value("Team meeting")
    expect(field(page, "How long (minutes)")).to_have_value("45")
    assert fits_the_screen(page) and sticking_out(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Entry saved.")).to_be_visible()
    entry = Entry.objects.get(work_activity__isnull=False)
    assert entry.duration_minutes == 45 and entry.source == "team_meeting"

    page.goto(reverse("work:time"))
    expect(page.get_by_role("heading", name="My time by kind")).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
