"""The second factor journey in a real headless Chromium (CSP enforced), each page checked with axe."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cnfs.core.tests.auth import totp_code
from cnfs.core.tests.factories import PASSWORD, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password_login(page, email):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()


def test_enrol_keep_backup_codes_then_verify_at_next_login(browser_page, axe_check):
    page = browser_page
    user = user_with_role("prefecture", user__first_name="Dominique")
    _password_login(page, user.email)

    expect(page).to_have_url(re.compile("/double-authentification/activer/"))
    expect(page.get_by_role("heading", level=1, name="Activer la double authentification")).to_be_visible()
    expect(page.locator("figure svg")).to_be_visible()
    axe_check(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code à 6 chiffres affiché par l’application").fill(totp_code(device))
    page.get_by_role("button", name="Activer").click()

    expect(page.get_by_role("heading", level=1, name="Codes de secours")).to_be_visible()
    expect(page.get_by_text("La double authentification est activée sur votre compte.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Générer des codes de secours").click()
    expect(page.locator(".cnfs-codes li")).to_have_count(10)
    axe_check(page)
    page.get_by_role("link", name="J’ai noté mes codes").click()
    expect(page).to_have_url(re.compile("/mon-espace/$"))

    page.goto("/mon-compte/")
    expect(page.get_by_role("cell", name="Application d’authentification", exact=True)).to_be_visible()
    axe_check(page)

    page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()
    _password_login(page, user.email)
    expect(page.get_by_role("heading", level=1, name="Vérification en deux étapes")).to_be_visible()
    axe_check(page)
    page.get_by_label("Code à usage unique").fill(totp_code(device, steps_ahead=1))
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile("/mon-espace/$"))
    expect(page.get_by_text("Bonjour Dominique.")).to_be_visible()


def test_error_and_reset_pages_are_accessible(browser_page, axe_check):
    browser_page.goto("/nexiste-pas/")
    expect(browser_page.get_by_role("heading", level=1, name="Page non trouvée")).to_be_visible()
    axe_check(browser_page)
    browser_page.goto("/mot-de-passe-oublie/")
    expect(browser_page.get_by_role("heading", level=1, name="Mot de passe oublié")).to_be_visible()
    axe_check(browser_page)
