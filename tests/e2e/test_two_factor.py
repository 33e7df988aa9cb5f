"""Two-factor sign-in in a phone's browser: set up an app from one's account
page by typing the key the page shows, sign out, sign in with a code computed
by another TOTP implementation (pyotp), then with a recovery code, which
works once."""

import re
import time

import pyotp
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, fits_the_screen, sign_in, sign_out

HOME = re.compile(r"://[^/]+/$")
VERIFY = re.compile(r"/accounts/two-factor/")


def _field_error(page):
    """The error shown under the code's field."""
    return page.locator(".invalid-feedback")


def _verify(page, code):
    page.get_by_label(re.compile(r"^\s*(Code from your authenticator app|Recovery code)")).fill(
        code
    )
    page.get_by_role("button", name="Verify").click()


def test_set_up_sign_in_with_a_code_then_with_a_recovery_code_once(page, demo_accounts):
    sign_in(page, "peer")
    page.wait_for_url(HOME)
    page.goto("/accounts/")
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_role("link", name="Set up two-factor sign-in").click()

    # The QR code is drawn in the page; the key is there as text for typing.
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    secret = page.locator("[data-two-factor-secret]").inner_text().replace(" ", "")
    phone = pyotp.TOTP(secret)
    assert fits_the_screen(page)
    page.screenshot(path=ARTIFACTS / "two-factor-setup.png", full_page=True)
    page.get_by_label(re.compile(r"^\s*Code your app shows now")).fill(
        "000000" if phone.now() != "000000" else "111111"
    )
    page.get_by_role("button", name="Confirm").click()
    expect(_field_error(page)).to_contain_text("This code is not right")
    page.get_by_label(re.compile(r"^\s*Code your app shows now")).fill(phone.now())
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Recovery codes", exact=True)).to_be_visible()
    codes = page.locator("[data-recovery-code]").all_inner_texts()
    assert len(codes) == 10
    sign_out(page)

    # The password, then the app's next code (the current one was used up).
    sign_in(page, "peer")
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    code_input = page.get_by_label(re.compile(r"^\s*Code from your authenticator app"))
    expect(code_input).to_have_attribute("autocomplete", "one-time-code")
    expect(code_input).to_have_attribute("inputmode", "numeric")
    assert fits_the_screen(page)
    page.screenshot(path=ARTIFACTS / "two-factor-second-step.png", full_page=True)
    _verify(page, phone.at(time.time() + phone.interval))
    page.wait_for_url(HOME)
    sign_out(page)

    sign_in(page, "peer")
    page.get_by_role("link", name="Lost your phone? Use a recovery code").click()
    _verify(page, codes[0])
    page.wait_for_url(HOME)
    page.goto("/accounts/")
    expect(page.get_by_text("9 recovery codes left.")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "two-factor-own-account.png", full_page=True)
    sign_out(page)

    # The same recovery code a second time: refused, still on the second step.
    sign_in(page, "peer")
    page.get_by_role("link", name="Lost your phone? Use a recovery code").click()
    _verify(page, codes[0])
    expect(_field_error(page)).to_contain_text("This code is not right")
    expect(page).to_have_url(VERIFY)
    page.goto("/")
    expect(page).to_have_url(VERIFY)
