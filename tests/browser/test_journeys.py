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
