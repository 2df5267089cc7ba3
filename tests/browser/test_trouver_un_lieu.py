"""Journey "Trouver un lieu": from the home page, search by postcode, filter, "autour de moi", open a place.

Map tiles come from an address that answers 404 (MAP_TILES_URL on the live server itself, allowed by the CSP): the
page must stay fully usable with the list, and say that the map background could not load.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lieux(settings, live_server):
    from cnfs.lieux.tests.factories import LieuFactory
    from cnfs.lieux.tests.recherche_helpers import make_searchable

    settings.MAP_TILES_URL = f"{live_server.url}/tuiles-absentes/{{z}}/{{x}}/{{y}}.png"
    lieux = [
        LieuFactory(nom="Espace numérique du Soleil", latitude=45.4439, longitude=4.39, france_services=True),
        LieuFactory(nom="Maison de quartier Tarentaize", latitude=45.4639, longitude=4.39),
        LieuFactory(nom="Médiathèque de Montreynaud", latitude=45.5239, longitude=4.39, horaires="Sa 10:00-12:00"),
    ]
    make_searchable()
    return lieux


def result_names(page):
    return page.locator("#resultats h3").all_inner_texts()


def test_find_a_place_by_postcode_filter_and_open_it(browser_page, axe_check, lieux):
    page = browser_page
    page.goto("/")
    page.get_by_role("link", name="Trouver un lieu près de chez moi").click()
    expect(page.get_by_role("heading", level=1, name="Trouver un lieu de médiation numérique")).to_be_visible()
    axe_check(page)

    page.get_by_label("Commune, code postal ou nom du lieu").fill("42000")
    page.get_by_role("button", name="Rechercher").click()
    expect(
        page.get_by_role("heading", level=2, name="Les 3 lieux les plus proches de Saint-Étienne (42000)")
    ).to_be_visible()
    assert result_names(page) == [
        "Espace numérique du Soleil",
        "Maison de quartier Tarentaize",
        "Médiathèque de Montreynaud",
    ]
    expect(page.locator("#resultats li").first).to_contain_text("à 1,1\u00a0km")
    # The map shows the same places; its background cannot load here, and the page says so.
    expect(page.locator("#carte")).to_be_visible()
    expect(page.locator("#carte .leaflet-marker-icon")).to_have_count(3)
    expect(page.locator("#carte-statut")).to_have_text(re.compile("Le fond de carte n’a pas pu être chargé"))
    axe_check(page)

    page.get_by_role("button", name=re.compile("^Filtres")).click()
    # DSFR checkboxes are drawn by their label, which takes the click.
    page.get_by_role("group", name="Labels et dispositifs").get_by_text("France Services").click()
    expect(page.get_by_label("France Services")).to_be_checked()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(
        page.get_by_role("heading", level=2, name="Le lieu le plus proche de Saint-Étienne (42000)")
    ).to_be_visible()
    assert result_names(page) == ["Espace numérique du Soleil"]
    expect(page.get_by_role("button", name="Filtres (1 actif)")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Espace numérique du Soleil").click()
    expect(page.get_by_role("heading", level=1, name="Espace numérique du Soleil")).to_be_visible()
    expect(page.get_by_text("Du lundi au vendredi : 9 h – 12 h, 14 h – 17 h")).to_be_visible()
    expect(page.get_by_text("Samedi et dimanche : fermé")).to_be_visible()
    expect(page.locator("#carte .leaflet-marker-icon")).to_have_count(1)
    axe_check(page)


def test_around_me_uses_the_browser_position(browser_page, axe_check, lieux, live_server):
    page = browser_page
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 45.5239, "longitude": 4.39})
    page.goto("/trouver-un-lieu/")
    page.get_by_role("button", name="Autour de moi").click()
    expect(page.get_by_role("heading", level=2, name="Les 3 lieux les plus proches de votre position")).to_be_visible()
    assert result_names(page)[0] == "Médiathèque de Montreynaud"
    axe_check(page)


def test_unknown_text_gives_a_helpful_empty_result(browser_page, axe_check, lieux):
    page = browser_page
    page.goto("/trouver-un-lieu/?q=zzzzzz")
    expect(page.get_by_role("heading", level=2, name="Aucun lieu trouvé")).to_be_visible()
    expect(page.get_by_text("Aucune commune ni aucun lieu ne correspond à « zzzzzz »")).to_be_visible()
    expect(page.locator("#carte")).to_have_count(0)
    axe_check(page)
