"""A peer's day on a phone: today's accompaniment is the first thing on the
home page; one tap opens it, another marks it done with how it went, and the
encounter it was is logged from a form already filled in (its time, place,
length and activity), linked to the accompaniment."""

import re
from datetime import datetime, time, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from agenda.choices import FollowUpStatus
from agenda.models import FollowUp
from interventions.models import Encounter, latest_encounter_time
from tests.e2e.conftest import field, fits_the_screen, sign_in, sticking_out


def todays_accompaniment() -> FollowUp:
    return FollowUp.objects.select_related("client", "kind").get(
        assigned_to__username="peer", kind__name_en="Court", due_on=timezone.localdate()
    )


def test_a_peer_marks_today_s_accompaniment_done_and_logs_it_as_an_encounter(page, demo_accounts):
    accompaniment = todays_accompaniment()
    name = accompaniment.client.display_name
    sign_in(page, "peer")

    # Home: what is due today comes first, the accompaniment among it.
    due = page.get_by_role("region", name="Due today and overdue")
    expect(due).to_be_visible()
    line = due.get_by_role("link", name=re.compile(rf"Court · {re.escape(name)}"))
    expect(line).to_contain_text("Today, 10:30")
    assert fits_the_screen(page) and sticking_out(page) == []
    line.click()

    # Its page: what it is for, where, and the next actions one tap away.
    expect(page.get_by_role("heading", name="Court", exact=True)).to_be_visible()
    expect(page.get_by_text("Palais de justice, 1 rue Notre-Dame Est")).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
    page.get_by_role("link", name="Mark done").click()

    field(page, "How it went").fill("Hearing postponed to next month; she was calm.")
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Marked done. Log it as an encounter below.")).to_be_visible()
    accompaniment.refresh_from_db()
    assert accompaniment.status == FollowUpStatus.DONE
    page.get_by_role("link", name="Log as encounter").click()

    # The encounter form, filled in from the accompaniment.
    expect(
        page.get_by_role("heading", name="Log the accompaniment as an encounter")
    ).to_be_visible()
    expect(page.get_by_label("Court", exact=True)).to_be_checked()
    expect(page.get_by_label("Accompaniment to court", exact=True)).to_be_checked()
    expect(field(page, "How long (minutes)")).to_have_value("120")
    expect(field(page, "How it went")).to_have_value(
        "Hearing postponed to next month; she was calm."
    )
    # At its planned time, or now if that is still to come (an encounter is
    # never in the future).
    shown = datetime.strptime(field(page, "When").input_value(), "%Y-%m-%dT%H:%M")
    shown = timezone.make_aware(shown)
    planned = timezone.make_aware(datetime.combine(timezone.localdate(), time(10, 30)))
    latest = latest_encounter_time()
    if planned <= latest:
        assert shown == planned
    else:
        assert abs(shown - latest) <= timedelta(minutes=2)
    assert fits_the_screen(page) and sticking_out(page) == []
    page.get_by_role("button", name="Save encounter").click()

    # Back on the person's page: saved, linked, and no longer open.
    expect(page.get_by_text("Encounter logged; the accompaniment is done.")).to_be_visible()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    accompaniment.refresh_from_db()
    encounter = Encounter.objects.get(pk=accompaniment.encounter_id)
    assert encounter.client_id == accompaniment.client_id
    assert encounter.setting == "court"
    assert encounter.duration_minutes == 120
    assert [a.name_en for a in encounter.activities.all()] == ["Accompaniment to court"]
    assert accompaniment.outcome == "Hearing postponed to next month; she was calm."
    open_panel = page.get_by_role("region", name="Follow-ups and accompaniments")
    expect(open_panel).not_to_contain_text("Hearing about the unpaid rent")
    assert fits_the_screen(page) and sticking_out(page) == []


def test_a_peer_turns_an_encounter_s_next_steps_into_a_follow_up(page, demo_accounts):
    encounter = (
        Encounter.objects.filter(author__username="peer", client__isnull=False)
        .exclude(next_steps="")
        .order_by("-occurred_at")
        .first()
    )
    before = FollowUp.objects.filter(from_encounter=encounter).count()
    sign_in(page, "peer")
    page.goto(f"/encounters/{encounter.pk}/")
    page.get_by_role("link", name="Make it a follow-up").click()
    expect(field(page, "What was promised")).to_have_value(encounter.next_steps)
    assert fits_the_screen(page) and sticking_out(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Follow-up saved.")).to_be_visible()
    made = FollowUp.objects.filter(from_encounter=encounter).order_by("-pk")
    assert made.count() == before + 1
    assert made.first().what == encounter.next_steps
