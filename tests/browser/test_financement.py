"""Funding journeys in a real headless Chromium, each page checked with axe: the national team follows the budget
and pays an instalment; a structure signs its convention and asks for an equipment grant; a prefecture reads its
département."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.core.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reference_data():
    """Browser tests flush the database between tests, migration data included: seed it again."""
    from cnfs.financement import reference
    from cnfs.financement.models import Bareme, Enveloppe, Smic

    reference.seed(Enveloppe, Smic, Bareme)


@pytest.fixture
def convention():
    from cnfs.financement import services
    from cnfs.financement.tests.factories import START, BaremeFactory
    from cnfs.recrutement.tests.factories import StructureFactory, national_agent

    structure = StructureFactory(postes_accordes=2, nom="Mairie de Saint-Étienne")
    return services.convention_create(
        actor=national_agent(), structure=structure, bareme=BaremeFactory(), nombre_postes=2, date_debut=START
    )


def _login_structure_manager(page, structure):
    from cnfs.core.tests.factories import PASSWORD
    from cnfs.recrutement.tests.factories import structure_manager
    from tests.browser.fixtures import submit_login

    user = structure_manager(structure)
    submit_login(page, user.email, PASSWORD)
    return user


def test_structure_signs_then_national_team_pays_an_instalment(browser_page, login_as, axe_check, convention):
    page = browser_page
    _login_structure_manager(page, convention.structure)
    page.goto(f"/financement/conventions/{convention.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Convention n° {convention.pk}")
    axe_check(page)
    page.get_by_role("button", name="Signer la convention").click()
    expect(page.get_by_text("La convention est signée")).to_be_visible()
    expect(page.get_by_role("cell", name="Validée")).to_have_count(0)  # the status is a badge, not a cell
    expect(page.locator(".fr-badge").first).to_have_text("Validée")
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()

    login_as(Role.ANCT)
    page.goto("/financement/")
    expect(page.get_by_role("heading", level=1, name="Budget du programme")).to_be_visible()
    expect(page.locator("svg[role=img] title")).to_have_text("Engagé et versé par enveloppe")
    expect(page.get_by_role("row", name=re.compile("Formation et activité des conseillers"))).to_contain_text(
        "100\u202f000,00\xa0€"
    )
    axe_check(page)
    page.get_by_role("link", name="Conventions et versements").click()
    page.get_by_role("link", name=f"n° {convention.pk}").click()
    page.get_by_role("button", name="Mandater l’échéance 1").click()
    expect(page.get_by_text("Échéance 1 : mandatée.")).to_be_visible()
    page.get_by_role("button", name="Marquer payée l’échéance 1").click()
    expect(page.get_by_text("Échéance 1 : payée.")).to_be_visible()
    axe_check(page)


def test_structure_asks_for_an_equipment_grant(browser_page, axe_check, tmp_path, settings):
    from cnfs.financement.tests.conftest import pdf_bytes
    from cnfs.financement.tests.factories import ModeleMobilierFactory
    from cnfs.lieux.tests.factories import LieuFactory
    from cnfs.recrutement.tests.factories import StructureFactory

    settings.PRIVATE_ROOT = tmp_path / "private"
    structure = StructureFactory()
    LieuFactory(structure_id=str(structure.pk), nom="Médiathèque Tarentaize")
    ModeleMobilierFactory(nom="Banque d’accueil modulable")
    page = browser_page
    _login_structure_manager(page, structure)
    page.goto("/financement/mobilier/")
    expect(page.get_by_role("heading", level=2, name="Banque d’accueil modulable")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Demander une aide au mobilier").click()
    axe_check(page)
    page.get_by_label("Modèle du catalogue").select_option(label="Banque d’accueil modulable")
    page.get_by_text("Artisan", exact=True).click()
    page.get_by_label("Nom du fabricant").fill("Menuiserie Forez")
    page.get_by_label("Montant demandé").fill("2 600,00")
    quote = tmp_path / "devis.pdf"
    quote.write_bytes(b"ceci n'est pas un PDF")
    page.get_by_label("Devis du fabricant").set_input_files(str(quote))
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.get_by_text("Le devis doit être un fichier PDF")).to_be_visible()
    axe_check(page)
    quote.write_bytes(pdf_bytes())
    page.get_by_label("Devis du fabricant").set_input_files(str(quote))
    page.get_by_label("Montant demandé").fill("2 600,00")
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.get_by_text("Votre demande d’aide est déposée")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Montant demandé"))).to_contain_text("2\u202f600,00\xa0€")
    axe_check(page)


def test_prefecture_reads_its_departement(browser_page, login_as, axe_check, convention):
    login_as(Role.PREFECTURE)
    page = browser_page
    page.goto("/mon-espace/")
    page.get_by_role("link", name="Financement du territoire").click()
    expect(page.get_by_role("heading", level=1, name="Financement du territoire")).to_be_visible()
    expect(page.get_by_role("cell", name="Mairie de Saint-Étienne")).to_be_visible()
    expect(page.get_by_role("button", name="Signer la convention")).to_have_count(0)
    axe_check(page)
