"""Signing up in a real browser (Chromium, headless) against the real server and task worker,
with e-mail delivered to a real SMTP server in this test: sign up, verify by the link in the
e-mail, create the company, turn on TOTP two-factor authentication, change the password and
receive its confirmation, then sign in again with the new password and a TOTP code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    Stack,
    chromium,
    link_in,
    needs_chromium,
    running_stack,
    totp_code,
)
from tests.e2e.processes import ServerProcess
from tests.smtp_sink import SmtpSink, text_body

pytestmark = [pytest.mark.browser, needs_chromium]

EMAIL = "nina@browser.example"
PASSWORD = "first long passphrase"
NEW_PASSWORD = "second long passphrase"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    with running_stack(tmp_path / "server") as stack:
        yield stack


@pytest.fixture
def server(stack: Stack) -> ServerProcess:
    return stack.server


@pytest.fixture
def smtp_sink(stack: Stack) -> SmtpSink:
    return stack.smtp


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def _screenshots(browser: Browser, page: Page, name: str) -> None:
    """The page as it is now at desktop width, and the same address on a phone (same cookies)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=ARTIFACTS / f"{name}-desktop.png", full_page=True)
    phone = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        storage_state=page.context.storage_state(),
    )
    phone_page = phone.new_page()
    phone_page.goto(page.url)
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    phone_page.screenshot(path=ARTIFACTS / f"{name}-phone.png", full_page=True)
    phone.close()
    assert overflow <= 0, f"{name} is wider than a phone's screen by {overflow}px"


def test_signup_verify_company_totp_and_password_change(
    server: ServerProcess, smtp_sink: SmtpSink, browser: Browser
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()

    page.goto(f"{server.url}/accounts/signup/")
    _screenshots(browser, page, "signup")
    page.fill('input[name="full_name"]', "Nina Browser")
    page.fill('input[name="email"]', EMAIL)
    page.fill('input[name="password1"]', PASSWORD)
    page.fill('input[name="password2"]', PASSWORD)
    page.click('main form button[type="submit"]')
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    [verification] = smtp_sink.wait_for(EMAIL, timeout=60)
    page.goto(link_in(text_body(verification), "/accounts/confirm-email/"))
    page.click('main form button[type="submit"]')
    expect(page).to_have_url(re.compile(r"/company/new/$"))

    page.fill('input[name="name"]', "Browser GmbH")
    page.fill('textarea[name="address"]', "Hauptstraße 1\n10115 Berlin")
    page.fill('input[name="phone"]', "+49 30 1234567")
    page.select_option('select[name="country"]', "DE")
    page.fill('input[name="vat_number"]', "DE136695977")
    page.click('main form button[type="submit"]')
    expect(page.locator(".errorlist")).to_contain_text("This is not a valid VAT number for Germany")
    page.fill('input[name="vat_number"]', "DE 136 695 976")
    page.click('main form button[type="submit"]')
    expect(page).to_have_url(re.compile(r"/team/today/$"))
    expect(page.locator(".messages")).to_contain_text("Browser GmbH is set up. You are its owner.")

    page.goto(f"{server.url}/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in page.url:
        # Signed in by the verification link, not by a password: allauth asks for it first.
        page.fill('input[name="password"]', PASSWORD)
        page.click('main form button[type="submit"]')
        expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = page.input_value("#authenticator_secret")
    code, used_counter = totp_code(secret)
    page.fill('input[name="code"]', code)
    page.click('main form button[type="submit"]')
    expect(page).not_to_have_url(re.compile(r"/totp/activate/"))
    page.goto(f"{server.url}/accounts/2fa/")
    expect(page.locator("main")).to_contain_text("Authenticator App")
    expect(page.locator("main")).to_contain_text("Recovery Codes")
    page.goto(f"{server.url}/accounts/2fa/recovery-codes/")
    expect(page.locator("main")).to_contain_text("recovery codes available")

    page.goto(f"{server.url}/accounts/password/change/")
    page.fill('input[name="oldpassword"]', PASSWORD)
    page.fill('input[name="password1"]', NEW_PASSWORD)
    page.fill('input[name="password2"]', NEW_PASSWORD)
    page.click('main form button[type="submit"]')
    smtp_sink.wait_for_subject(EMAIL, "Authenticator App Activated", timeout=60)
    changed = smtp_sink.wait_for_subject(EMAIL, "Password Changed", timeout=60)
    assert str(changed["Subject"]) == "[WorkLens] Password Changed"
    assert "your password has been changed" in text_body(changed).lower()

    page.goto(f"{server.url}/account/email/")
    page.check('input[value="new_features"]')
    page.click('main form button[type="submit"]')
    expect(page.locator(".messages")).to_contain_text("Your e-mail preferences are saved.")
    expect(page.locator('input[value="new_features"]')).to_be_checked()
    expect(page.locator('input[value="product_news"]')).not_to_be_checked()
    _screenshots(browser, page, "email-preferences")

    # Signing in again takes the new password and then a code from the authenticator app.
    fresh = browser.new_context(viewport=PHONE).new_page()
    fresh.goto(f"{server.url}/accounts/login/")
    fresh.fill('input[name="login"]', EMAIL)
    fresh.fill('input[name="password"]', NEW_PASSWORD)
    fresh.click('main form button[type="submit"]')
    expect(fresh).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    code, _ = totp_code(secret, not_counter=used_counter)
    fresh.fill('input[name="code"]', code)
    fresh.click('main form button[type="submit"]')
    expect(fresh).to_have_url(re.compile(r"/team/today/$"))
    context.close()
