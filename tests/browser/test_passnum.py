"""Pass numérique journeys in a real browser, each page checked with axe: a buyer orders against the State envelope
and issues the booklets; a distributor hands one out anonymously; a place redeems a voucher on a 360 px wide phone
screen (a mistyped code is refused in French) and a place applying with a wrong IBAN key gets a French error; the
national team reviews the applications."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page, user):
    from cnfs.core.tests.factories import PASSWORD
    from tests.browser.fixtures import submit_login

    page.context.clear_cookies()
    submit_login(page, user.email, PASSWORD)


def test_pass_numerique_journeys(browser_page, axe_check):
    from cnfs.core.services.otp import totp_device_create_confirmed
    from cnfs.passnum.codes import format_code
    from cnfs.passnum.models import Cheque, Commande
    from cnfs.passnum.tests.factories import build_world, valid_iban, valid_siret
    from tests.browser.fixtures import complete_second_factor

    world = build_world()
    users = world["users"]
    page = browser_page
    page.goto("/connexion/", timeout=90_000)  # the first request of a cold live server can be slow on a busy runner

    # Buyer: orders, issues.
    _switch(page, users["commanditaire"])
    page.goto("/pass-numerique/commanditaire/")
    expect(page.get_by_role("heading", level=1, name="Mes commandes de pass numériques")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Nouvelle commande").click()
    axe_check(page)
    page.get_by_label("Libellé de la commande").fill("Seniors de la Loire")
    page.get_by_label("Les chèques sont valables dans").select_option(label="Départements")
    page.get_by_label("Codes INSEE des territoires").fill("42")
    page.get_by_label("Personnes âgées").check()
    page.get_by_label("Nombre de carnets").fill("2")
    page.get_by_label("Cofinancement de l’État (%)").fill("50")
    page.get_by_label("Enveloppe de l’État").select_option(label=world["enveloppe"].libelle)
    page.get_by_role("button", name="Enregistrer la commande").click()
    expect(page).to_have_url(re.compile(r"/pass-numerique/commandes/\d+/$"))
    page.get_by_role("button", name="Émettre les 2 carnets").click()
    expect(page.get_by_text("2 carnet(s) et 10 chèque(s) émis.")).to_be_visible()
    axe_check(page)
    assert Commande.objects.latest("pk").cheques.count() == 10

    # Distributor: hands one booklet out, anonymously.
    _switch(page, users["distributeur"])
    page.goto("/pass-numerique/distributeur/")
    axe_check(page)
    page.get_by_label("Numéros des carnets remis").fill("1")
    page.get_by_label("Public de la personne").select_option(label="Demandeurs d’emploi")
    page.get_by_role("button", name="Enregistrer la distribution").click()
    expect(page.get_by_text("1 carnet(s) distribué(s).")).to_be_visible()
    axe_check(page)

    # Place: redeem on a phone.
    page.set_viewport_size({"width": 360, "height": 740})
    _switch(page, users["lieu"])
    page.goto("/pass-numerique/lieu/")
    axe_check(page)
    page.get_by_role("link", name="Encaisser un chèque").first.click()
    expect(page.get_by_role("heading", level=1, name="Encaisser un chèque")).to_be_visible()
    code = world["codes"][0]
    field = page.get_by_label("Code du chèque")
    expect(field).to_have_attribute("autocomplete", "off")
    expect(field).to_have_attribute("inputmode", "text")
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    field.fill(typo)
    page.get_by_role("button", name="Encaisser").click()
    expect(page.get_by_text(re.compile("Code invalide : la clé de contrôle"))).to_be_visible()
    axe_check(page)
    page.get_by_label("Code du chèque").fill(format_code(code))
    page.get_by_role("button", name="Encaisser").click()
    expect(page.get_by_text(re.compile("accepté : 10,00")).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = page.get_by_role("button", name="Encaisser").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 280
    axe_check(page)
    assert Cheque.objects.get(code=code).statut == "utilise"

    # A place applies with a wrong IBAN key.
    page.set_viewport_size({"width": 1280, "height": 900})
    _switch(page, users["lieu_non_qualifie"])
    page.goto("/pass-numerique/lieu/qualification/")
    iban = valid_iban(3)
    page.get_by_label("Numéro SIRET du lieu").fill(valid_siret(4242))
    page.get_by_label("Premiers pas avec un ordinateur, une tablette ou un smartphone").check()
    page.get_by_label("IBAN").fill(iban[:-1] + ("1" if iban[-1] != "1" else "2"))
    page.get_by_label("BIC").fill("AGRIFRPP")
    page.get_by_label("Titulaire du compte").fill("Mairie")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text(re.compile("La clé de contrôle de l’IBAN est fausse")).first).to_be_visible()
    axe_check(page)
    page.get_by_label("IBAN").fill(iban)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text(re.compile("Demande de qualification envoyée"))).to_be_visible()

    # National team: reviews.
    device = totp_device_create_confirmed(user=users["anct"])
    _switch(page, users["anct"])
    complete_second_factor(page, device)
    page.goto("/pass-numerique/national/")
    axe_check(page)
    page.get_by_role("link", name="Qualification des lieux").first.click()
    axe_check(page)
    page.get_by_role("link", name=world["unqualified"].nom).click()
    axe_check(page)
    page.get_by_label("Qualifier le lieu").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
