"""Aidant journey in a real browser: log in with the second factor, create a mandate (identity typed by the aidant,
consent text, démarches, duration, fresh TOTP code), see the usager listed, open the attestation and the journal;
a wrong code is refused in French. Each page checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.aidants.tests.helpers import purge_journal_after  # noqa: F401 — fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("purge_journal_after"),
]


def test_aidant_creates_a_mandate_and_sees_the_usager(browser_page, axe_check, settings):
    # A wrong code delays the next try by 1 s (core's throttling, tested there); the test retypes at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    from cnfs.aidants.models import Mandat
    from cnfs.aidants.tests.factories import OrganisationFactory, aidant_user
    from cnfs.core.services.otp import totp_device_create_confirmed
    from cnfs.core.tests.auth import totp_code
    from cnfs.core.tests.factories import PASSWORD
    from tests.browser.fixtures import complete_second_factor, submit_login

    organisation = OrganisationFactory(nom="France Services de Firminy")
    user = aidant_user(organisation, first_name="Ada")
    device = totp_device_create_confirmed(user=user)
    page = browser_page
    submit_login(page, user.email, PASSWORD)
    complete_second_factor(page, device)
    expect(page.get_by_role("heading", level=1, name="Mon espace")).to_be_visible()

    page.get_by_role("link", name="Mes usagers et mandats").click()
    expect(page.get_by_role("heading", level=1, name="Mes usagers et mandats")).to_be_visible()
    expect(page.get_by_text("Aucun usager n’a de mandat actif avec votre organisation.")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Créer un mandat").click()
    expect(page.get_by_role("heading", level=1, name="Nouveau mandat")).to_be_visible()
    expect(page.get_by_text("Vous autorisez l’organisation France Services de Firminy")).to_be_visible()
    axe_check(page)
    page.get_by_label("Prénoms de l’usager").fill("Jeanne")
    page.get_by_label("Nom de naissance de l’usager").fill("Martin")
    page.get_by_label("Date de naissance de l’usager").fill("1948-05-02")
    page.get_by_label("Social — Santé").check()
    page.get_by_label("Logement").check()
    page.get_by_label("6 mois").check()
    page.locator("label[for=id_consentement]").click()
    fresh = totp_code(device, steps_ahead=1)
    wrong = "000000" if fresh != "000000" else "111111"
    page.get_by_label("Code de votre application d’authentification").fill(wrong)
    page.get_by_role("button", name="Créer le mandat").click()
    expect(page.get_by_text("Code incorrect ou déjà utilisé.")).to_be_visible()
    assert not Mandat.objects.exists()
    axe_check(page)

    expect(page.get_by_label("J’ai lu le texte de consentement")).to_be_checked()
    page.get_by_label("Code de votre application d’authentification").fill(fresh)
    page.get_by_role("button", name="Créer le mandat").click()
    expect(page).to_have_url(re.compile(r"/aidants-connect/mandats/\d+/$"))
    expect(page.get_by_text("Mandat créé pour Jeanne Martin.")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Attestation imprimable").click()
    expect(page.get_by_role("heading", level=1, name="Attestation de mandat Aidants Connect")).to_be_visible()
    expect(page.get_by_text(re.compile("Empreinte SHA-256"))).to_be_visible()
    axe_check(page)

    page.goto("/aidants-connect/usagers/")
    row = page.get_by_role("row", name=re.compile("Jeanne Martin"))
    expect(row).to_contain_text("Logement, Social — Santé")
    axe_check(page)

    page.get_by_role("link", name="Mon journal").click()
    expect(page.get_by_role("cell", name="Mandat créé")).to_be_visible()
    expect(page.get_by_role("cell", name="Tentative refusée")).to_be_visible()
    axe_check(page)
