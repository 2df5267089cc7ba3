"""National team journey through the recruitment's data pages: import Pix results, read the global suggestion and
propose a candidate, open the exports; each page checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.core.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIX = (
    "Adresse e-mail;Partage (O/N);Palier obtenu (/3);"
    "% de maîtrise des acquis de la compétence Mener une recherche et une veille d’information;"
    "% de maîtrise des acquis de la compétence Interagir;"
    "% de maîtrise des acquis de la compétence Développer des documents textuels\n"
    "anna@exemple.fr;O;2;80;45;60\n"
    "inconnu@exemple.fr;O;3;90;90;90\n"
)


def test_anct_imports_pix_results_proposes_a_candidate_and_exports(browser_page, login_as, axe_check, tmp_path):
    from cnfs.recrutement.models import Candidature, MiseEnRelation
    from cnfs.recrutement.tests.factories import CandidatureFactory, StructureFactory

    structure = StructureFactory(postes_accordes=1, nom="Mairie de Saint-Étienne")
    CandidatureFactory(email="anna@exemple.fr", prenom="Anna", nom="Martin", commune=structure.commune)
    page = browser_page
    login_as(Role.ANCT)
    expect(page.get_by_role("link", name="Importer des résultats Pix")).to_be_visible()
    page.get_by_role("link", name="Importer des résultats Pix").click()
    expect(page.get_by_role("heading", level=1, name="Importer des résultats Pix")).to_be_visible()
    axe_check(page)

    upload = tmp_path / "pix.csv"
    upload.write_text(PIX, encoding="utf-8-sig")
    page.get_by_label("Fichier CSV").set_input_files(str(upload))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("Rejet ligne 3 (« inconnu@exemple.fr ») : aucune candidature")).to_be_visible()
    assert Candidature.objects.get(email="anna@exemple.fr").pix_palier is None  # all or nothing
    axe_check(page)
    page.get_by_label("Fichier CSV").set_input_files(str(upload))
    page.get_by_text("Lignes valides seulement", exact=True).click()
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("1 candidature(s) modifiée(s), 0 inchangée(s) (enregistré).")).to_be_visible()
    assert Candidature.objects.get(email="anna@exemple.fr").pix_palier == 2

    page.goto("/recrutement/suggestion/")
    expect(page.get_by_role("heading", level=1, name="Suggestion globale de recrutement")).to_be_visible()
    page.get_by_label("Territoire").select_option("42")
    page.get_by_role("button", name="Calculer").click()
    expect(page).to_have_url(re.compile(r"territoire=42"))
    expect(page.get_by_role("cell", name="Anna Martin", exact=True)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Proposer Anna Martin à Mairie de Saint-Étienne").click()
    expect(page.get_by_text("Anna Martin est proposé·e à Mairie de Saint-Étienne")).to_be_visible()
    assert MiseEnRelation.objects.get().statut == "nouvelle"
    axe_check(page)

    page.goto("/recrutement/exports/")
    expect(page.get_by_role("heading", level=1, name="Exports du recrutement")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Structures d’accueil", exact=True).click()
    expect(page.get_by_role("cell", name="Mairie de Saint-Étienne", exact=True)).to_be_visible()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en CSV").click()
    assert download.value.suggested_filename.startswith("recrutement-structures-")
