"""Main journeys of the web shell in a real headless Chromium, each page checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.core.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_is_accessible(browser_page, axe_check):
    browser_page.goto("/")
    expect(browser_page).to_have_title(re.compile("Accueil"))
    expect(browser_page.locator("html")).to_have_attribute("lang", "fr")
    expect(browser_page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(browser_page)


def test_candidat_logs_in_sees_mon_espace_and_logs_out(browser_page, login_as, axe_check):
    browser_page.goto("/")
    browser_page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    expect(browser_page.get_by_role("heading", level=1, name="Se connecter")).to_be_visible()
    axe_check(browser_page)

    user = login_as(Role.CANDIDAT, first_name="Camille")
    expect(browser_page).to_have_url(re.compile("/mon-espace/$"))
    expect(browser_page.get_by_role("heading", level=1, name="Mon espace")).to_be_visible()
    expect(browser_page.get_by_role("heading", level=2, name="Candidat·e")).to_be_visible()
    expect(browser_page.get_by_text("Bonjour Camille.")).to_be_visible()
    axe_check(browser_page)

    browser_page.get_by_role("button", name="Se déconnecter").click()
    expect(browser_page).to_have_url(re.compile(r"/$"))
    expect(browser_page.get_by_role("link", name="Se connecter").first).to_be_visible()
    browser_page.goto("/mon-espace/")
    expect(browser_page).to_have_url(re.compile("/connexion/"))
    assert user.email not in browser_page.content()


def test_wrong_password_shows_the_french_error(browser_page, axe_check):
    from cnfs.core.tests.factories import UserFactory
    from tests.browser.fixtures import submit_login

    user = UserFactory()
    submit_login(browser_page, user.email, "mauvais-mot-de-passe")
    expect(browser_page.get_by_text("Adresse électronique ou mot de passe incorrect.")).to_be_visible()
    expect(browser_page).to_have_url(re.compile("/connexion/"))
    axe_check(browser_page)


def test_anct_enrols_a_totp_application_then_reaches_mon_espace(browser_page, axe_check):
    """The national team must enrol a second factor at first login: the test plays the authenticator application."""
    from base64 import b32decode

    from cnfs.core.models import RoleAssignment
    from cnfs.core.tests.factories import PASSWORD, UserFactory
    from tests.browser.fixtures import submit_login, totp_now

    user = UserFactory(first_name="Dominique")
    RoleAssignment.objects.create(user=user, role=Role.ANCT, scope_type="national")
    submit_login(browser_page, user.email, PASSWORD)
    expect(browser_page).to_have_url(re.compile("/double-authentification/activer/"))
    expect(browser_page.get_by_role("heading", level=1, name="Activer la double authentification")).to_be_visible()
    axe_check(browser_page)

    # Mon espace stays closed until the second factor is confirmed.
    browser_page.goto("/mon-espace/")
    expect(browser_page).to_have_url(re.compile("/double-authentification/activer/"))

    secret = browser_page.locator("#otp-secret code").inner_text().replace(" ", "")
    browser_page.get_by_label("Code à 6 chiffres affiché par l’application").fill("000000")
    browser_page.get_by_role("button", name="Activer").click()
    expect(browser_page.get_by_text("Code incorrect ou déjà utilisé.")).to_be_visible()

    # A wrong code throttles the next attempt for a second (securite's unit tests check the throttle itself).
    browser_page.wait_for_timeout(1_500)
    browser_page.get_by_label("Code à 6 chiffres affiché par l’application").fill(totp_now(b32decode(secret)))
    browser_page.get_by_role("button", name="Activer").click()
    expect(browser_page.get_by_text("La double authentification est activée sur votre compte.")).to_be_visible()
    expect(browser_page.get_by_role("heading", level=1, name="Codes de secours")).to_be_visible()
    axe_check(browser_page)

    browser_page.get_by_role("link", name="Plus tard").click()
    expect(browser_page).to_have_url(re.compile("/mon-espace/$"))
    expect(browser_page.get_by_role("heading", level=2, name="Équipe nationale (ANCT)")).to_be_visible()
    axe_check(browser_page)


def test_login_as_a_role_with_2fa_types_the_code(browser_page, login_as):
    login_as(Role.PREFECTURE)
    expect(browser_page).to_have_url(re.compile("/mon-espace/$"))
    expect(browser_page.get_by_role("heading", level=2, name="Préfecture")).to_be_visible()
    expect(browser_page.get_by_text("Loire (42)")).to_be_visible()
