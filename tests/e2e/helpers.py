"""What browser tests do again and again: check a page with axe, wait for an e-mail, act as a person."""

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

# Browser contexts load axe into every page (conftest.open_page): evaluating the 500 kB script once per
# check would cost about as much again as the check itself.
AXE_SCRIPT = Axe().axe_script
URL_PATTERN = re.compile(r"https?://[^\s<>\"']+")


def check_a11y(page):
    """Run axe on the page as it is now; fail with a readable list of the violations, if any."""
    page.wait_for_load_state()
    if not page.evaluate("() => 'axe' in window"):
        page.evaluate(AXE_SCRIPT)
    violations = page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    if not violations:
        return
    width = (page.viewport_size or {}).get("width", "?")
    lines = [f"axe found {len(violations)} accessibility violation(s) on {page.url} at {width} px:"]
    for violation in violations:
        count = len(violation["nodes"])
        lines.append(f"- {violation['id']} [{violation['impact']}] {violation['help']} ({count} element(s))")
        for node in violation["nodes"][:3]:
            target = "; ".join(" > ".join(part) if isinstance(part, list) else part for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {node['html'][:160]}\n      {summary}")
    pytest.fail("\n".join(lines), pytrace=False)


def wait_for_mail(to, subject_contains=None, timeout=10):
    """The first captured e-mail to `to` (with `subject_contains` in its subject), once the worker has sent it.

    Sent mail lands in `django.core.mail.outbox` (locmem backend) whether the task ran eagerly or in the
    worker thread; polling is the only way to wait for a thread we do not control.
    """
    deadline = time.monotonic() + timeout
    while True:
        for message in list(mail.outbox):
            if to in message.to and (subject_contains is None or subject_contains in message.subject):
                return message
        if time.monotonic() > deadline:
            sent = [(message.to, message.subject) for message in mail.outbox]
            wanted = f"to {to!r}" + (f" with {subject_contains!r} in the subject" if subject_contains else "")
            pytest.fail(f"No e-mail {wanted} within {timeout} s; sent: {sent}")
        time.sleep(0.05)


def first_url(message):
    """The first link in an e-mail's plain-text body."""
    match = URL_PATTERN.search(message.body)
    assert match, f"No link in the e-mail {message.subject!r}:\n{message.body}"
    return match.group(0)


def tab_to(page, target, *, max_presses=30):
    """Press Tab until `target` has the focus, as a keyboard user would; it must then be on screen."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            expect(target).to_be_in_viewport()
            return
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    pytest.fail(f"{target} not reached with {max_presses} presses of Tab; the focus is on {focused}")


def start_in_english(page):
    """Open the landing page (German by default) and switch to English, whose labels the tests use."""
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_a11y(page)
    switch_to_english(page)


def switch_to_english(page):
    """Use the language switch in the header, as a visitor who reads English would."""
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_a11y(page)


def sign_up(page, *, email, name, password):
    """From the landing page through allauth's sign-up form to the 'confirm your e-mail' page."""
    page.get_by_role("main").get_by_role("link", name="Register").click()
    fill_sign_up_form(page, email=email, name=name, password=password)


def fill_sign_up_form(page, *, email, name, password):
    expect(page.get_by_role("heading", level=1, name="Sign Up")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1, name="Verify Your Email Address")).to_be_visible()
    check_a11y(page)


def confirm_email(page, *, email):
    """Open the link in the confirmation e-mail and confirm: allauth logs the person in."""
    message = wait_for_mail(email, subject_contains="Confirm")
    page.goto(first_url(message))
    expect(page.get_by_role("heading", level=1, name="Confirm Email Address")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Confirm").click()


def log_in(page, *, email, password, totp_secret=None):
    """Log in through the real login page, from any page with the main navigation; with the TOTP code of
    `totp_secret` where the account has two-factor authentication (advisors)."""
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Sign In")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign In").click()
    if totp_secret:
        expect(page.get_by_role("heading", level=1, name="Two-Factor Authentication")).to_be_visible()
        check_a11y(page)
        page.get_by_label("Code").fill(fresh_totp_code(totp_secret))
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("navigation", name="Main navigation").get_by_role("button", name="Log out")).to_be_visible()
    check_a11y(page)


def fresh_totp_code(secret, *, margin=3):
    """The current TOTP code, but not in the last `margin` seconds of its 30-second step.

    allauth accepts only the current step (MFA_TOTP_TOLERANCE 0): a code read at 29.9 s and checked by the
    server at 30.1 s is refused. As a person would, wait for the next code then (at most `margin` seconds).
    """
    import pyotp

    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < margin:
        time.sleep(left + 0.05)
    return totp.now()
