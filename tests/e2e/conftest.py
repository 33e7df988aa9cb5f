"""Browser journeys: Debian's Chromium, driven by Playwright, against a live server."""

import importlib
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# made by the test itself are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
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


@pytest.fixture
def page(browser, live_server, request):
    """A phone-sized page; fails the test on any console error (a CSP violation
    included), except network failures in a test that cuts the network."""
    ignore = NETWORK_NOISE if request.node.get_closest_marker("cuts_network") else ()
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-CA")
    page = context.new_page()
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
    context.close()
    assert problems == [], problems


@pytest.fixture
def demo_accounts(transactional_db):
    # A transactional test empties every table, including the rows a data
    # migration seeded (the activity list); pytest-django's serialized rollback
    # did not bring them back once regular tests had run before the live
    # server ones. So run that migration's own seed step again, then the demo.
    from django.apps import apps

    migration = importlib.import_module("interventions.migrations.0002_seed_peer_activities")
    migration.seed(apps, None)
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
