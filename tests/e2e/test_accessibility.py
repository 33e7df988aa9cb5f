"""What axe-core cannot judge alone: errors tied to their fields, the research
chart and tables readable on a phone and on a desktop, nothing sticking out
sideways on a phone. (axe-core itself runs on every page of every journey:
see the ``page`` fixture.)"""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, field, fits_the_screen, sign_in, sticking_out


def test_a_form_error_is_announced_and_tied_to_its_field(page, demo_accounts):
    sign_in(page, "peer")
    page.goto("/clients/new/")
    # Spaces pass the browser's own check, so the server answers.
    field(page, "Name used").fill("   ")
    page.get_by_role("button", name="Register").click()
    summary = page.get_by_role("alert").filter(has_text="Please correct")
    expect(summary).to_be_visible()
    name = field(page, "Name used")
    expect(name).to_have_attribute("aria-invalid", "true")
    described_by = name.get_attribute("aria-describedby").split()
    errors = [page.locator(f"#{id_}") for id_ in described_by if id_.endswith("_error")]
    assert errors, described_by
    expect(errors[0]).to_have_text(re.compile("required"))
    summary.get_by_role("link", name="Name used").click()
    expect(name).to_be_focused()


# The size a chart's text is drawn at on the screen: its font size times the
# scale the SVG is drawn at, and whether it stays inside the chart.
CHART_TEXT = """() => {
  const svg = document.querySelector("svg.bar-chart");
  const chart = svg.getBoundingClientRect();
  const scale = svg.getScreenCTM().a;
  return [...svg.querySelectorAll("text")].map((text) => {
    const box = text.getBoundingClientRect();
    return {
      text: text.textContent,
      px: parseFloat(getComputedStyle(text).fontSize) * scale,
      inside: box.left >= chart.left - 0.5 && box.right <= chart.right + 0.5
        && box.top >= chart.top - 0.5 && box.bottom <= chart.bottom + 0.5,
    };
  });
}"""

# Each table's scrolling box: does it scroll, and can a keyboard reach it by name.
TABLES = """() => [...document.querySelectorAll("main table")].map((table) => {
  const box = table.parentElement;
  return {
    caption: table.caption ? table.caption.textContent : "",
    scrolls: box.scrollWidth > box.clientWidth,
    focusable: box.tabIndex === 0,
    named: !!(box.getAttribute("aria-label") || box.getAttribute("aria-labelledby")),
  };
})"""


def test_the_research_chart_and_tables_read_well_on_a_phone_and_a_desktop(page, demo_accounts):
    sign_in(page, "researcher")
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto("/research/activity/")
        expect(page.get_by_role("img", name=re.compile("Encounters per month"))).to_be_visible()
        labels = page.evaluate(CHART_TEXT)
        assert labels, "the chart has no text"
        # Readable and the same on every screen: never scaled up or down.
        assert {round(label["px"]) for label in labels} == {12}, viewport
        assert [label["text"] for label in labels if not label["inside"]] == [], viewport
        tables = page.evaluate(TABLES)
        if viewport is DESKTOP:
            assert [t["caption"] for t in tables if t["scrolls"]] == [], "columns cut off"
        assert [t["caption"] for t in tables if t["scrolls"] and not t["focusable"]] == []
        assert [t["caption"] for t in tables if t["scrolls"] and not t["named"]] == []
        assert fits_the_screen(page)
    legend = page.get_by_role("region", name="How to read the counts")
    for mark in ("<5", "×", "—"):
        expect(legend.get_by_text(mark, exact=True)).to_be_visible()


def test_the_logbook_and_the_care_team_fit_a_phone(page, demo_accounts):
    sign_in(page, "coordinator")
    page.goto("/logbook/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert fits_the_screen(page)
    assert sticking_out(page) == []
    page.goto("/clients/?q=helene")
    page.get_by_role("link", name="Hélène").click()
    page.goto(page.url.rstrip("/") + "/team/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert fits_the_screen(page)
    assert sticking_out(page) == []
