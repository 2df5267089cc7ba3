"""The public "Trouver un lieu" page and the page of a place."""

import re

import pytest
from django.urls import reverse

from cnfs.lieux.enums import Frais, ModaliteAccompagnement, Service
from cnfs.lieux.models import Lieu
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.lieux.tests.recherche_helpers import make_searchable
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_test_cache(_strict_settings):
    """The search caches communes and its index version: each test starts from an empty test cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


URL = reverse("lieux:recherche")
# Saint-Étienne's point in the factories: 45.4339, 4.3900. 0.01° of latitude is 1.11 km.
ORIGIN = (45.4339, 4.3900)


def place(nom, dlat, dlon=0.0, **kwargs):
    lieu = LieuFactory(nom=nom, latitude=ORIGIN[0] + dlat, longitude=ORIGIN[1] + dlon, **kwargs)
    make_searchable(lieu.commune)
    return lieu


def names(response):
    return [ligne["lieu"].nom for ligne in response.context["lignes"]]


@pytest.fixture
def trois_lieux():
    loin = place("Médiathèque de Tarentaize", 0.09)  # 10.0 km
    proche = place("Espace public numérique du Soleil", 0.01, france_services=True)  # 1.1 km
    moyen = place("Maison de quartier", 0.03, services=[Service.PARENTALITE.value])  # 3.3 km
    return proche, moyen, loin


def test_page_is_public_and_invites_to_search(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Trouver un lieu de médiation numérique</h1>" in html
    assert "Saisissez une commune, un code postal ou le nom d’un lieu" in html
    assert response.context["lignes"] == []
    # Assets are ours: Leaflet and the page script are served from /static/; no inline script.
    assert '<script src="/static/leaflet/leaflet.js"' in html
    assert '<script src="/static/lieux/recherche.js"' in html
    for script in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in script


def test_search_by_commune_orders_by_distance_and_shows_it(client, trois_lieux):
    response = client.get(URL, {"q": "Saint-Étienne"})
    assert response.status_code == 200
    assert names(response) == ["Espace public numérique du Soleil", "Maison de quartier", "Médiathèque de Tarentaize"]
    assert [ligne["distance"] for ligne in response.context["lignes"]] == ["1,1\xa0km", "3,3\xa0km", "10\xa0km"]
    html = response.content.decode()
    assert "Les 3 lieux les plus proches de Saint-Étienne (42000)" in html
    assert "à 1,1\xa0km" in html
    assert "France Services" in html


def test_search_by_postcode(client, trois_lieux):
    response = client.get(URL, {"q": "42100"})
    assert names(response)[0] == "Espace public numérique du Soleil"
    assert "Saint-Étienne (42100)" in response.content.decode()


def test_search_around_me(client, trois_lieux):
    # A position next to the farthest place: the order is reversed.
    response = client.get(URL, {"lat": ORIGIN[0] + 0.09, "lon": ORIGIN[1]})
    assert names(response) == ["Médiathèque de Tarentaize", "Maison de quartier", "Espace public numérique du Soleil"]
    assert response.context["lignes"][0]["distance"] == "0,0\xa0km"
    assert "de votre position" in response.content.decode()


def test_search_by_place_name_without_origin(client, trois_lieux):
    response = client.get(URL, {"q": "mediatheque tarentaize"})
    assert names(response) == ["Médiathèque de Tarentaize"]
    assert response.context["lignes"][0]["distance"] == ""
    assert "1 lieu dont le nom contient « mediatheque tarentaize »" in response.content.decode()


def test_other_communes_are_offered_and_chosen_by_code(client):
    loire = DepartementFactory()
    CommuneFactory(
        code="42207",
        nom="Saint-Étienne-le-Molard",
        search_name="saint etienne le molard",
        departement=loire,
        population=800,
        latitude=45.74,
        longitude=4.09,
        codes_postaux=["42130"],
        codes_postaux_text="42130",
    )
    make_searchable(CommuneFactory(code="42207"))
    place("Près du Molard", 45.741 - ORIGIN[0], 4.09 - ORIGIN[1])
    place("Centre-ville", 0.001)
    response = client.get(URL, {"q": "Saint-Étienne"})
    assert names(response)[0] == "Centre-ville"
    html = response.content.decode()
    assert "Vous cherchiez peut-être" in html
    assert "Saint-Étienne-le-Molard (42)" in html
    response = client.get(URL, {"q": "Saint-Étienne-le-Molard", "commune": "42207"})
    assert names(response)[0] == "Près du Molard"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"labels": "france-services"}, ["Espace public numérique du Soleil"]),
        ({"services": Service.PARENTALITE.value}, ["Maison de quartier"]),
        ({"frais": Frais.PAYANT.value}, ["Médiathèque de Tarentaize"]),
        ({"modalites": ModaliteAccompagnement.A_DISTANCE.value}, ["Médiathèque de Tarentaize"]),
        ({"publics": "seniors"}, ["Maison de quartier"]),
        # Within a list any value matches; lists combine with AND.
        (
            {"labels": ["france-services", "aidants-connect"]},
            ["Espace public numérique du Soleil", "Maison de quartier"],
        ),
        ({"labels": "aidants-connect", "publics": "seniors"}, ["Maison de quartier"]),
        ({"labels": "aidants-connect", "frais": Frais.PAYANT.value}, []),
        ({"rayon": "5"}, ["Espace public numérique du Soleil", "Maison de quartier"]),
    ],
)
def test_filters(client, filters, expected):
    place("Espace public numérique du Soleil", 0.01, france_services=True)
    place("Maison de quartier", 0.03, services=[Service.PARENTALITE.value], seniors=True, aidants_connect=True)
    place(
        "Médiathèque de Tarentaize",
        0.09,
        frais_a_charge=[Frais.PAYANT.value],
        modalites_accompagnement=[ModaliteAccompagnement.A_DISTANCE.value],
    )
    response = client.get(URL, {"q": "42000", **filters})
    assert response.status_code == 200
    assert names(response) == expected
    if not expected:
        assert "Aucun lieu ne correspond à ces critères." in response.content.decode()


def test_open_now_and_saturday_filters(client):
    # Hours that do not depend on when the test runs; fixed datetimes are tested on the selector.
    place("Toujours ouvert", 0.01, horaires="24/7")
    place("Jamais ouvert", 0.02, horaires="off")
    place("Sans horaires", 0.03, horaires="")
    place("Le samedi matin", 0.04, horaires="Sa 00:00-24:00")
    assert names(client.get(URL, {"q": "42000", "ouvert_maintenant": "on"})) in (
        ["Toujours ouvert"],
        ["Toujours ouvert", "Le samedi matin"],  # when the test runs on a Saturday
    )
    assert names(client.get(URL, {"q": "42000", "ouvert_samedi": "on"})) == ["Toujours ouvert", "Le samedi matin"]
    html = client.get(URL, {"q": "42000"}).content.decode()
    assert "Ouvert maintenant" in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "zzzzzzzz"},
        {"q": "%%%'\";--"},
        {"q": "\x00"},
        {"q": "x" * 500},
        {"lat": "abc", "lon": "4"},
        {"lat": "45"},
        {"lat": "95", "lon": "4"},
        {"services": "inconnu"},
        {"nombre": "-3", "q": "42000"},
        {"nombre": "100000", "q": "42000"},
        {"rayon": "7", "q": "42000"},
        {"commune": "../../etc", "q": "42000"},
        {"commune": "99999"},
    ],
)
def test_garbage_gives_empty_results_not_an_error(client, trois_lieux, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    if response.context["form"].errors:
        assert "La recherche n’a pas pu être lancée" in html
    assert response.context["lignes"] == [] or params.get("commune") == "../../etc"


def test_more_results_link(client):
    for i in range(25):
        place(f"Lieu {i:02d}", 0.001 * (i + 1))
    response = client.get(URL, {"q": "42000"})
    assert len(response.context["lignes"]) == 20
    assert "nombre=40" in response.content.decode()
    response = client.get(URL, {"q": "42000", "nombre": "40"})
    assert len(response.context["lignes"]) == 25
    assert response.context["plus"] is None


def test_results_page_queries_do_not_grow_with_results(client, django_assert_max_num_queries):
    for i in range(30):
        place(f"Lieu {i:02d}", 0.001 * (i + 1), france_services=i % 2 == 0)
    client.get(URL, {"q": "42000"})  # builds the index
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"q": "42000", "nombre": "30"})
    assert len(response.context["lignes"]) == 30


def test_index_follows_saved_and_deleted_places(client, trois_lieux):
    assert len(client.get(URL, {"q": "42000"}).context["lignes"]) == 3
    nouveau = place("Tout nouveau", 0.0001)
    assert names(client.get(URL, {"q": "42000"}))[0] == "Tout nouveau"
    nouveau.delete()
    assert "Tout nouveau" not in names(client.get(URL, {"q": "42000"}))
    # Bulk writes send no signal: the writer invalidates the index itself.
    from cnfs.lieux.recherche.index import invalidate

    lieu = LieuFactory.build(nom="Importé en masse", latitude=ORIGIN[0], longitude=ORIGIN[1], commune=CommuneFactory())
    lieu.sync_derived()
    Lieu.objects.bulk_create([lieu])
    invalidate()
    assert names(client.get(URL, {"q": "42000"}))[0] == "Importé en masse"


def test_place_page(client):
    lieu = place(
        "Espace public numérique du Soleil",
        0.01,
        france_services=True,
        horaires="Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        telephone="+33477001122",
        courriels=["epn@exemple.fr"],
        site_web=["https://epn.exemple.fr"],
        presentation_resume="Ateliers et accompagnement individuel.",
        complement_adresse="2e étage",
    )
    response = client.get(reverse("lieux:recherche_lieu", args=[lieu.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Espace public numérique du Soleil</h1>" in html
    assert "2e étage" in html
    assert "42000 Saint-Étienne" in html
    assert "Du lundi au vendredi : 9 h – 12 h, 14 h – 17 h" in html
    assert "Samedi et dimanche : fermé" in html
    assert "Jours fériés : fermé" in html
    assert '<a href="tel:+33477001122">04 77 00 11 22</a>' in html
    assert "mailto:epn@exemple.fr" in html
    assert "Aide aux démarches administratives" in html
    assert "France Services" in html
    assert 'id="carte"' in html
    assert "Trouver un lieu" in html  # breadcrumb


def test_place_page_without_hours_or_position(client):
    lieu = LieuFactory(horaires="", sans_coordonnees=True, telephone="", courriels=[])
    html = client.get(reverse("lieux:recherche_lieu", args=[lieu.pk])).content.decode()
    assert "Horaires non renseignés" in html
    assert "Aucun contact renseigné." in html
    assert 'id="carte"' not in html


def test_unknown_place_is_404(client):
    assert client.get(reverse("lieux:recherche_lieu", args=[999999])).status_code == 404
    assert client.get("/trouver-un-lieu/abc/").status_code == 404


def test_navigation_and_home_link(client):
    html = client.get(reverse("core:home")).content.decode()
    assert f'<a class="fr-nav__link" href="{URL}"' in html
    assert "Trouver un lieu près de chez moi" in html
