"""The public JSON API of places: v1.0.1 form, filters, pagination, French JSON errors."""

import pytest

from cnfs.lieux.enums import Dispositif, PublicAdresse, Service
from cnfs.lieux.exports import SCHEMA_COLUMNS
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_places():
    loire = CommuneFactory()
    rhone = DepartementFactory(code="69", nom="Rhône", region=RegionFactory())
    lyon = CommuneFactory(
        code="69123", nom="Lyon", departement=rhone, latitude=45.75, longitude=4.83, codes_postaux=["69001"]
    )
    return {
        "fs": LieuFactory(commune=loire, france_services=True, seniors=True),
        "ac": LieuFactory(commune=lyon, aidants_connect=True, frais_a_charge=["payant"]),
        "cn": LieuFactory(
            commune=lyon, conseillers_numeriques=True, services=[Service.PARENTALITE], modalites_acces=["telephoner"]
        ),
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"fs", "ac", "cn"}),
        ("?commune=69123", {"ac", "cn"}),
        ("?departement=42", {"fs"}),
        ("?departement=42,69", {"fs", "ac", "cn"}),
        ("?service=parentalite-education", {"cn"}),
        ("?service=Aide aux démarches administratives", {"fs", "ac"}),
        (f"?public={PublicAdresse.SENIORS.value}", {"fs"}),
        ("?label=france-services&label=aidants-connect", {"fs", "ac"}),
        (f"?dispositif={Dispositif.CONSEILLERS_NUMERIQUES.value}", {"cn"}),
        ("?frais=payant", {"ac"}),
        ("?frais=gratuit&departement=69", {"cn"}),
        ("?modalite=telephoner", {"cn"}),
        ("?modalite=accompagnement-individuel", {"fs", "ac", "cn"}),
    ],
)
def test_api_filters(client, api_places, query, expected):
    response = client.get(f"/api/v1/lieux{query}")
    assert response.status_code == 200, response.content
    names = {api_places[k].nom: k for k in api_places}
    body = response.json()
    assert {names[item["nom"]] for item in body["resultats"]} == expected
    assert body["total"] == len(expected)


def test_api_pagination_and_v1_form(client, api_places, django_assert_max_num_queries):
    # Count, shared ids and one page: never one query per place.
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/lieux?taille=2").json()
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/lieux?taille=500").json()["resultats"]) == 3
    assert (body["total"], body["pages"], len(body["resultats"])) == (3, 2, 2)
    assert body["suivante"] == "http://testserver/api/v1/lieux?taille=2&page=2" and body["precedente"] is None
    item = body["resultats"][0]
    assert list(item) == list(SCHEMA_COLUMNS)
    assert item["services"] == ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"]
    last = client.get("/api/v1/lieux?taille=2&page=2").json()
    assert len(last["resultats"]) == 1 and last["suivante"] is None


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("?service=cuisine", 422, "Valeur inconnue pour le filtre service : « cuisine »."),
        ("?label=michelin", 422, "Valeur inconnue pour le filtre label : « michelin »."),
        ("?page=0", 422, "Le paramètre « page » doit être un entier positif."),
        ("?taille=abc", 422, "Le paramètre « taille » doit être un entier positif."),
        ("?page=99", 404, "La page 99 n’existe pas : 1 page(s)."),
    ],
)
def test_api_bad_parameters_get_french_json_errors(client, api_places, query, status, message):
    response = client.get(f"/api/v1/lieux{query}")
    assert response.status_code == status
    body = response.json()
    assert message in [body["detail"], *body.get("errors", [])]
