"""The aidant creates a mandate with the usager's FranceConnect identity, in a real browser, against a real OpenID
Connect provider (npm `oidc-provider` configured like FranceConnect v2, tests/oidc): démarches and duration, the
FranceConnect button, the provider's scripted sign-in and logout, the recap with the consent text, the fresh TOTP
code, the mandate. A wrong acr from the provider is refused in French, nothing written. Each page checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.aidants.tests.helpers import purge_journal_after  # noqa: F401 — fixture
from tests.oidc.fixtures import CALLBACK_PATH, LOGOUT_PATH, configure, start_provider, stop_provider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("purge_journal_after"),
]


@pytest.fixture(scope="module")
def live_provider(live_server):
    """The test provider, its client registered with the live server's callback and logout URLs."""
    provider = start_provider(
        redirect_uris=[live_server.url + CALLBACK_PATH], logout_uris=[live_server.url + LOGOUT_PATH]
    )
    try:
        yield provider
    finally:
        stop_provider(provider)


@pytest.fixture
def provider(live_provider, settings):
    configure(settings, live_provider)
    live_provider.scenario()
    yield live_provider
    live_provider.scenario()


def _aidant_logged_in(page):
    from cnfs.aidants.tests.factories import OrganisationFactory, aidant_user
    from cnfs.core.services.otp import totp_device_create_confirmed
    from cnfs.core.tests.factories import PASSWORD
    from tests.browser.fixtures import complete_second_factor, submit_login

    organisation = OrganisationFactory(nom="France Services de Firminy")
    user = aidant_user(organisation, first_name="Ada")
    device = totp_device_create_confirmed(user=user)
    submit_login(page, user.email, PASSWORD)
    complete_second_factor(page, device)
    return device


def _choose_and_sign_in(page, axe_check):
    page.goto("/aidants-connect/mandats/nouveau/")
    expect(page.get_by_role("heading", level=1, name="Nouveau mandat")).to_be_visible()
    expect(page.get_by_label("Prénoms de l’usager")).to_have_count(0)  # nothing typed by the aidant
    axe_check(page)
    page.get_by_label("Social — Santé").check()
    page.get_by_label("Logement").check()
    page.get_by_label("6 mois").check()
    page.get_by_role("button", name="Continuer vers FranceConnect").click()
    expect(page.get_by_role("heading", level=1, name="Connexion de l’usager avec FranceConnect")).to_be_visible()
    expect(page.get_by_text("Social — Santé, Logement")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=re.compile("S’identifier avec")).click()
    page.wait_for_load_state()


def test_aidant_creates_a_mandate_with_franceconnect(browser_page, axe_check, provider, settings):
    from cnfs.aidants.models import Mandat
    from cnfs.core.tests.auth import totp_code

    page = browser_page
    device = _aidant_logged_in(page)
    _choose_and_sign_in(page, axe_check)
    # The provider signed the usager in, sent the code back, and logged them out: the recap.
    expect(page.get_by_role("heading", level=1, name="Récapitulatif du mandat")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/aidants-connect/franceconnect/recapitulatif/$"))
    expect(page.get_by_text("Jeanne Marie", exact=True)).to_be_visible()
    expect(page.get_by_text("02/05/1948")).to_be_visible()
    expect(page.get_by_text("Vous autorisez l’organisation France Services de Firminy")).to_be_visible()
    axe_check(page)
    assert not Mandat.objects.exists()

    page.locator("label[for=id_consentement]").click()
    page.get_by_label("Code de votre application d’authentification").fill(
        totp_code(device, steps_ahead=1)
    )  # the login used the current one
    page.get_by_role("button", name="Créer le mandat").click()
    expect(page).to_have_url(re.compile(r"/aidants-connect/mandats/\d+/$"))
    expect(page.get_by_text("Mandat créé pour Jeanne Marie Martin.")).to_be_visible()
    axe_check(page)
    mandat = Mandat.objects.get()
    assert sorted(a.demarche for a in mandat.autorisations.all()) == ["logement", "social"]


def test_wrong_acr_is_refused_in_french(browser_page, axe_check, provider):
    from cnfs.aidants.enums import ActionJournal
    from cnfs.aidants.models import JournalEntry, Mandat, Usager

    provider.scenario(acr="eidas2")
    page = browser_page
    _aidant_logged_in(page)
    _choose_and_sign_in(page, axe_check)
    expect(page).to_have_url(re.compile(r"/aidants-connect/mandats/nouveau/$"))
    expect(page.get_by_text(re.compile("niveau de garantie de l’identification FranceConnect"))).to_be_visible()
    # The choices survived the round trip.
    expect(page.get_by_label("Social — Santé")).to_be_checked()
    expect(page.get_by_label("6 mois")).to_be_checked()
    axe_check(page)
    assert not Usager.objects.exists() and not Mandat.objects.exists()
    assert JournalEntry.objects.filter(action=ActionJournal.FRANCECONNECT_REFUSE).count() == 1
