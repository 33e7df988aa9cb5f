"""Browser journeys: Debian's Chromium, driven by Playwright, against a live server."""

import functools
import importlib
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# made by the test itself are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Chromium is not installed: `make test` installs it (apt-get install chromium)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# A test marked `cuts_network` takes the browser offline on purpose; the
# failed requests that follows are the point, not a fault.
NETWORK_NOISE = ("ERR_INTERNET_DISCONNECTED", "htmx:sendError", "htmx:afterRequest")
# A test marked `takes_database_away` has the app answer 503 on purpose
# (tests/database_outage.py): the browser reports each such answer.
OUTAGE_NOISE = ("the server responded with a status of 503",)


# Runs in every document before its own scripts, so the page's CSP does not
# apply. Any change to the page marks it for another check; checks are
# chained, because axe refuses to run twice at once.
AXE_HARNESS = """
(() => {
  if (window !== window.top || !location.protocol.startsWith("http")) return;
  const FAILING = ["serious", "critical"];
  // A skipped heading level is only "moderate" to axe, but it breaks the
  // outline that screen-reader users jump through: it fails here as well.
  const ALSO_FAILING = ["heading-order"];
  let changed = true;
  let chain = Promise.resolve([]);
  const ready = () => document.readyState !== "loading"
    ? Promise.resolve()
    : new Promise((done) => document.addEventListener("DOMContentLoaded", done, {once: true}));
  ready().then(() => new MutationObserver(() => { changed = true; })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true}));
  const run = async () => {
    await ready();
    if (!changed) return [];
    changed = false;
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
      .filter((rule) => FAILING.includes(rule.impact) || ALSO_FAILING.includes(rule.id))
      .flatMap((rule) => rule.nodes.map((node) => ({
        rule: rule.id, impact: rule.impact, url: location.pathname + location.search,
        target: node.target.join(" "), why: node.failureSummary,
      })));
  };
  window.__axeCheck = () => (chain = chain.then(run, run));
})();
"""


class AxeWatch:
    """axe-core on every state of every page a journey shows.

    The page is checked right before each action that may leave it or change
    it (a click, a key press, a navigation) and once more at the end of the
    test, so a page that is left quickly is checked all the same, and what an
    htmx swap brought in is checked before the next action. Nothing waits
    for time: a check waits for the document to be parsed, that is all.
    """

    def __init__(self, page):
        self.page = page
        self.findings: list[dict] = []

    def check(self):
        for attempt in (1, 2):
            try:
                found = self.page.evaluate(
                    "typeof window.__axeCheck === 'function' ? window.__axeCheck() : []"
                )
                break
            except PlaywrightError as error:
                # The page navigated while it was being checked: check the new one.
                if attempt == 2 or "context was destroyed" not in str(error):
                    raise
        for finding in found:
            if finding not in self.findings:
                self.findings.append(finding)

    def report(self) -> str:
        return "\n".join(
            f"{f['impact']} {f['rule']} on {f['url']}: {f['target']}\n    {f['why']}"
            for f in self.findings
        )


def _checked_first(method):
    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        page = self if isinstance(self, Page) else self.page
        watch = getattr(page._impl_obj, "axe_watch", None)
        if watch is not None:
            watch.check()
        return method(self, *args, **kwargs)

    return checked


for _cls, _names in (
    (Page, ("goto", "reload", "go_back", "go_forward", "click", "press", "tap", "dblclick")),
    (Locator, ("click", "press", "tap", "dblclick")),
):
    for _name in _names:
        setattr(_cls, _name, _checked_first(getattr(_cls, _name)))


@pytest.fixture
def page(browser, live_server, request):
    """A phone-sized page; fails the test on any console error (a CSP violation
    included), except network failures in a test that cuts the network, and on
    any serious or critical accessibility violation that axe-core finds on any
    page the journey shows."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): `make test` installs it (npm install).")
    ignore = NETWORK_NOISE if request.node.get_closest_marker("cuts_network") else ()
    if request.node.get_closest_marker("takes_database_away"):
        ignore += OUTAGE_NOISE
    ARTIFACTS.mkdir(exist_ok=True)
    # Reduced motion: Bootstrap then skips its transitions, so nothing is
    # checked half-faded.
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, locale="en-CA", reduced_motion="reduce"
    )
    context.add_init_script(path=AXE)
    context.add_init_script(AXE_HARNESS)
    page = context.new_page()
    watch = AxeWatch(page)
    page._impl_obj.axe_watch = watch
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and not any(noise in msg.text for noise in ignore)
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    if not _failed(request):  # a failed step already says what went wrong
        watch.check()
    context.close()
    assert problems == [], problems
    assert watch.findings == [], "Accessibility violations (axe-core):\n" + watch.report()


def _failed(request) -> bool:
    report = getattr(request.node, "rep_call", None)
    return report is not None and report.failed


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture
def demo_accounts(transactional_db):
    # A transactional test empties every table, including the rows data
    # migrations seeded (the activity list, the starting codebook);
    # pytest-django's serialized rollback did not bring them back once regular
    # tests had run before the live server ones. So run those migrations' own
    # seed steps again (each skips what is there), then the demo.
    from django.apps import apps

    for name in (
        "interventions.migrations.0002_seed_peer_activities",
        "logbook.migrations.0002_seed_starting_codebook",
        "agenda.migrations.0002_seed_accompaniment_kinds",
    ):
        importlib.import_module(name).seed(apps, None)
    importlib.import_module("agenda.migrations.0003_kind_setting_of_its_encounter").set_settings(
        apps, None
    )
    call_command("seed_demo", force=True, verbosity=0)


def sign_in(page, username, password="peersupport-demo"):
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    """Sign out from the phone menu and wait for the sign-in page, as a person would."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def field(page, label):
    """The input labelled exactly ``label``; crispy forms add a ``*`` to required ones."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def fits_the_screen(page) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling on a phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# Elements that reach past the right edge of the screen, outside any box that
# scrolls sideways on purpose: cut off or clipped, even when the page itself
# does not scroll.
STICKING_OUT = """() => {
  const scrolls = (element) => {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const overflow = getComputedStyle(e).overflowX;
      if ((overflow === "auto" || overflow === "scroll") && e !== document.documentElement
          && e !== document.body) return true;
    }
    return false;
  };
  return [...document.querySelectorAll("main *")]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .filter((e) => !e.closest(".visually-hidden") && !scrolls(e))
    .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}: `
      + e.textContent.trim().slice(0, 40));
}"""


def sticking_out(page) -> list[str]:
    """What reaches past the right edge of the screen (see STICKING_OUT)."""
    return page.evaluate(STICKING_OUT)
