"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Playwright's sync API keeps an event loop in the test thread; Django refuses ORM calls from a thread
with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Here the loop only drives the browser,
and the live server answers in its own thread, so the ORM calls of the fixtures are safe.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def csp_violations(page):
    """What the browser refused under the Content Security Policy (or X-Frame-Options), as it says
    on the console and in `securitypolicyviolation` events: [] when the page works under the CSP."""
    refused = []
    words = ("Content Security Policy", "X-Frame-Options")
    page.on(
        "console",
        lambda message: refused.append(message.text) if any(w in message.text for w in words) else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));"
    )
    return refused


@pytest.fixture
def screenshot(page):
    """Saves a full-page screenshot into $PREVEX_SCREENSHOTS (when set) for people to look at."""
    folder = os.environ.get("PREVEX_SCREENSHOTS")

    def take(name):
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return take


def sign_in(page, *, email, password):
    """Signs in by password; for the secretariat and the administrators, enrols an authenticator at
    the first sign-in and types its current code, as the person would with their phone."""
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "/connexion/second-facteur/" not in page.url:
        return
    enrolling = page.get_by_test_id("totp-key").count() > 0
    page.get_by_label("Code de vérification").fill(totp_code(email))
    page.get_by_label("Code de vérification").press("Enter")
    if enrolling:
        page.get_by_role("link", name="Continuer").click()


def totp_code(email):
    """The code an authenticator app holding the user's key shows now (or the next step's, when this
    step's code was already used: django-otp refuses a code twice)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__email=email).order_by("-confirmed", "-pk").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift += max(0, device.last_t + 1 - totp.t())
    return f"{totp.token():06d}"
