"""A coordinator opens the programme's overview on a phone from the menu:
counts that lead to where the work is done, charts drawn to fit the screen,
each with a table of its numbers, and not one name of a person served."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, fits_the_screen, sign_in, sticking_out

# Each chart: its name, the size its text is drawn at, whether the text stays
# inside it, and whether a table of its numbers follows it.
CHARTS = """() => [...document.querySelectorAll("main svg.overview-chart")].map((svg) => {
  const box = svg.getBoundingClientRect();
  const scale = svg.getScreenCTM().a;
  const title = document.getElementById(svg.getAttribute("aria-labelledby"));
  let next = svg.nextElementSibling;
  while (next && next.tagName !== "DETAILS") next = next.nextElementSibling;
  return {
    name: title ? title.textContent : "",
    role: svg.getAttribute("role"),
    px: [...svg.querySelectorAll("text")].map(
      (t) => Math.round(parseFloat(getComputedStyle(t).fontSize) * scale)),
    outside: [...svg.querySelectorAll("text")].filter((t) => {
      const r = t.getBoundingClientRect();
      return r.left < box.left - 0.5 || r.right > box.right + 0.5;
    }).map((t) => t.textContent),
    table: next ? !!next.querySelector("table") : false,
  };
})"""


def _a_team_and_the_names_of_people():
    from clients.models import Client
    from peersupport.models import StaffTeam, User

    team = StaffTeam.objects.create(name="Street outreach")
    team.members.set(User.objects.filter(username__in=["peer"]))
    return list(Client.objects.values_list("display_name", flat=True))


def test_a_coordinator_reads_the_overview_on_a_phone(page, demo_accounts):
    names = _a_team_and_the_names_of_people()
    assert names, "the demo registers people"
    sign_in(page, "coordinator")
    page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Overview", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1, name="Programme overview")).to_be_visible()
    # Counts that lead to where the work is done.
    expect(page.get_by_role("link", name=re.compile(r"safety exception"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"follow-ups? overdue"))).to_be_visible()

    page.get_by_label("Period", exact=True).select_option(label="The last 12 weeks")
    page.get_by_role("button", name="Show the counts").click()
    expect(page).to_have_url(re.compile(r"period=12w"))
    charts = page.evaluate(CHARTS)
    assert charts, "no chart drawn: the demo has no encounter in 12 weeks"
    for chart in charts:
        assert chart["role"] == "img" and chart["name"], chart
        assert set(chart["px"]) == {12}, chart
        assert chart["outside"] == [], chart
        assert chart["table"], chart
    # Each chart's numbers open as a table a screen reader can read.
    for summary in page.locator("main details > summary").all():
        summary.click()
    tables = page.locator("main details table")
    expect(tables.first).to_be_visible()
    assert tables.count() == len(charts)
    page.screenshot(path=ARTIFACTS / "overview-coordinator-360.png", full_page=True)
    assert fits_the_screen(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert sticking_out(page) == []

    text = page.locator("main").inner_text()
    assert [name for name in names if name in text] == []

    # Narrowed to a team, then dates in the wrong order: said on the field.
    page.get_by_label("Staff team", exact=True).select_option(label="Street outreach")
    page.get_by_role("button", name="Show the counts").click()
    heading = page.get_by_role("heading", name="What waits today, for Street outreach")
    expect(heading).to_be_visible()
    today = timezone.localdate()
    page.get_by_label("From", exact=True).fill((today - timedelta(days=3)).isoformat())
    page.get_by_label("To", exact=True).fill((today - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Show the counts").click()
    to = page.get_by_label("To", exact=True)
    expect(to).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("The last day comes before the first")).to_be_visible()
    assert fits_the_screen(page)


def test_a_coordinator_counts_again_and_reads_every_worker_on_a_phone(
    page, demo_accounts, live_server
):
    sign_in(page, "coordinator")
    page.goto(f"{live_server.url}/overview/?period=12w")
    expect(page.get_by_text(re.compile(r"Counted at \d\d:\d\d"))).to_be_visible()
    page.get_by_role("link", name="Count again now").click()
    # Counted again, and back on the same filters without asking again.
    expect(page).to_have_url(re.compile(r"/overview/\?period=12w$"))
    page.goto(f"{live_server.url}/overview/workers/?period=12w")
    expect(page.get_by_role("heading", level=1, name="Every worker")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"Peer"))).not_to_have_count(0)
    page.screenshot(path=ARTIFACTS / "overview-workers-coordinator-360.png", full_page=True)
    assert fits_the_screen(page)
    assert sticking_out(page) == []
    page.get_by_role("link", name="Programme overview").click()
    expect(page.get_by_role("heading", level=1, name="Programme overview")).to_be_visible()
