"""Journeys of the places' managers: the national team uploads a file of places (a bad row refused with its line,
then the valid rows only), finds the new place by its label; a prefecture reads the coverage of its département
and asks where two new sites would bring the most inhabitants within 30 minutes."""

import re

import pytest
from playwright.sync_api import expect

from cnfs.core.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loire():
    from cnfs.lieux.maillage.selectors import clear_caches
    from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory

    clear_caches()
    loire = DepartementFactory()  # 42, the département `login_as` gives a prefecture
    communes = [
        CommuneFactory(),  # Saint-Étienne
        CommuneFactory(code="42147", nom="Montbrison", search_name="montbrison", population=15977,
                       latitude=45.6075, longitude=4.0653, codes_postaux=["42600"], departement=loire),
        CommuneFactory(code="42187", nom="Roanne", search_name="roanne", population=34366,
                       latitude=46.0367, longitude=4.0682, codes_postaux=["42300"], departement=loire),
        CommuneFactory(code="42044", nom="Chalmazel-Jeansagnière", search_name="chalmazel jeansagniere",
                       population=500, latitude=45.7047, longitude=3.8528, codes_postaux=["42920"],
                       departement=loire),
    ]  # fmt: skip
    yield communes
    clear_caches()


def test_national_team_uploads_a_file_of_places(browser_page, login_as, axe_check, loire, tmp_path):
    from cnfs.lieux.models import Lieu
    from cnfs.lieux.tests.helpers import csv_bytes, v1_row

    page = browser_page
    login_as(Role.ANCT)
    page.get_by_role("link", name="Lieux", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Lieux")).to_be_visible()
    page.get_by_role("link", name="Importer un fichier").click()
    expect(page.get_by_role("heading", level=1, name="Importer des lieux")).to_be_visible()
    axe_check(page)

    upload = tmp_path / "lieux.csv"
    upload.write_bytes(csv_bytes([v1_row(), v1_row(id="lieu-2", nom="Espace Beaubrun", horaires="lundi 9h-12h")]))
    page.get_by_label("Fichier CSV ou JSON").set_input_files(upload)
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", level=2, name="Rapport d’import")).to_be_visible()
    expect(page.get_by_text("aucun lieu importé (mode tout ou rien)")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Rejet ligne 3 \(id « lieu-2 »\).*Horaires invalides"))).to_be_visible()
    assert Lieu.objects.count() == 0
    axe_check(page)

    page.get_by_label("Fichier CSV ou JSON").set_input_files(upload)
    page.get_by_text("Lignes valides seulement").click()
    page.get_by_role("button", name="Importer").click()
    expect(
        page.get_by_text(re.compile("^1 créé\\(s\\), 0 mis à jour, 0 inchangé\\(s\\), 1 rejeté\\(s\\)"))
    ).to_be_visible()
    assert list(Lieu.objects.values_list("source_id", flat=True)) == ["lieu-1"]
    axe_check(page)

    page.get_by_role("link", name="Lieux", exact=True).click()
    page.get_by_label("Label").select_option(label="France Services")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name="Médiathèque Tarentaize")).to_be_visible()
    axe_check(page)


def test_prefecture_reads_coverage_and_gets_proposed_sites(browser_page, login_as, axe_check, loire):
    from cnfs.lieux.tests.factories import LieuFactory

    LieuFactory(commune=loire[0], nom="Médiathèque Tarentaize", latitude=45.4340, longitude=4.3901)
    page = browser_page
    login_as(Role.PREFECTURE)
    page.get_by_role("link", name="Maillage territorial").click()
    expect(page.get_by_role("heading", level=1, name="Maillage territorial — Votre territoire")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Carte des temps de trajet estimés"))).to_be_visible()
    expect(page.get_by_text(re.compile("^Temps de trajet estimés : distance à vol d’oiseau")).first).to_be_visible()
    axe_check(page)

    page.get_by_label("Nombre de nouveaux sites à proposer").fill("2")
    page.get_by_role("button", name="Mettre à jour").click()
    expect(page.get_by_role("heading", level=2, name="Implantations proposées")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Sites proposés"))
    expect(table.get_by_role("row")).to_have_count(3)  # header and two sites
    expect(table).to_contain_text("Roanne")
    # Each proposed site is drawn on the map with the inhabitants it adds.
    expect(page.locator("svg g title").first).to_contain_text(
        re.compile(r"Site proposé n° 1 : .* \(\+[\d\s\u202f]+ habitants\)")
    )
    axe_check(page)
