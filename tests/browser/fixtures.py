"""Browser fixtures for every app's journeys (a pytest plugin loaded by the root conftest.py).

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_my_journey(browser_page, login_as, axe_check):
        login_as("structure")                      # creates the account, logs in through the form
        browser_page.goto("/ma-page/")             # relative to the live server
        axe_check(browser_page)                    # no serious or critical accessibility violation

`browser_page` is a fresh Chromium page (French locale, CSP enforced) whose base URL is pytest-django's
`live_server`; it fails the test on a JavaScript error or a Content-Security-Policy violation. Chromium is Debian's
`/usr/bin/chromium` (or `CNFS_CHROMIUM`): when it is missing the tests are skipped, which CI turns into failures.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BLOCKING_IMPACTS = ("serious", "critical")


def chromium_path() -> str | None:
    candidate = os.environ.get("CNFS_CHROMIUM", "/usr/bin/chromium")
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    """One headless Chromium per test module (the sync Playwright loop must not outlive the module's tests)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium absent (apt-get install chromium) : tests de navigateur ignorés.")
    from playwright.sync_api import expect, sync_playwright

    # The machines running the suite are shared and slow at times: a page may take seconds under load.
    expect.set_options(timeout=15_000)

    # Sync Playwright keeps an asyncio loop running in this thread; Django would then refuse ORM calls made by
    # the test itself (SynchronousOnlyOperation). They are really synchronous, so allow them while it runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium, live_server) -> Iterator:
    """A fresh page on the live server. Fails the test on a JavaScript error or on content blocked by the CSP."""
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"erreur JavaScript : {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"CSP : {message.text}")
            if message.type == "error" and "Refused to" in message.text and "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    if problems:
        pytest.fail("Problèmes dans le navigateur :\n" + "\n".join(problems))


def check_accessibility(page, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core on the page; fail when a violation of the given impacts is found. Returns all violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    blocking = [v for v in violations if v.get("impact") in impacts]
    if blocking:
        lines = [f"Accessibilité ({page.url}) : {len(blocking)} violation(s) bloquante(s)"]
        for violation in blocking:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            lines.append(f"- {violation['id']} ({violation['impact']}) : {violation['help']} → {targets}")
        pytest.fail("\n".join(lines))
    return violations


@pytest.fixture
def axe_check() -> Callable:
    """`axe_check(page)`: no serious or critical axe violation on the page as it is now."""
    return check_accessibility


# The scope each role gets by default in journeys (the demo's choices: Loire, its hub, demo organisations).
def _role_target(role: str) -> dict:
    from cnfs.core.enums import DEFAULT_SCOPE_FOR_ROLE, ScopeType
    from cnfs.territoires.tests.factories import DepartementFactory, HubFactory

    scope_type = DEFAULT_SCOPE_FOR_ROLE[role]
    target: dict = {"scope_type": scope_type}
    if scope_type == ScopeType.DEPARTEMENT:
        target["departement"] = DepartementFactory()
    elif scope_type == ScopeType.HUB:
        hub = HubFactory()
        hub.departements.add(DepartementFactory())
        target["hub"] = hub
    elif scope_type in (ScopeType.STRUCTURE, ScopeType.ORGANISATION):
        target["object_id"] = f"test-{role}-1"
    return target


def submit_login(page, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def totp_now(key: bytes) -> str:
    """The 6-digit code an authenticator application shows now for this secret key."""
    from django_otp.oath import totp

    return f"{totp(key):06d}"


def complete_second_factor(page, device) -> None:
    """On the verification page, type the code the person's application would show for `device`."""
    page.get_by_label("Code à usage unique").fill(totp_now(device.bin_key))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()


@pytest.fixture
def login_as(browser_page) -> Callable:
    """`login_as(role, **user_fields)`: create an account holding `role` (sensible scope) and log in with it.

    Returns the user. Roles that require a second factor get a confirmed TOTP application first, and the test types
    its current code on the verification page, as the person would.
    """
    from cnfs.core.models import RoleAssignment
    from cnfs.core.services.otp import totp_device_create_confirmed
    from cnfs.core.tests.factories import PASSWORD, UserFactory

    def _login(role: str, **user_fields):
        user = UserFactory(**user_fields)
        RoleAssignment.objects.create(user=user, role=role, **_role_target(role))
        device = totp_device_create_confirmed(user=user) if user.requires_2fa else None
        submit_login(browser_page, user.email, PASSWORD)
        if device is not None:
            complete_second_factor(browser_page, device)
        return user

    return _login
