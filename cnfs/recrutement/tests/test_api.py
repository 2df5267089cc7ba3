"""/api/v1/recrutement: public aggregates, structures for territorial roles only, French JSON errors."""

import pytest

from cnfs.api.services import api_key_create
from cnfs.api.tests.conftest import bearer
from cnfs.core.enums import Role
from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role
from cnfs.recrutement.tests.factories import (
    StructureFactory,
    commune_lyon,
    national_agent,
    prefecture_agent,
    structure_manager,
)
from cnfs.territoires.tests.factories import HubFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/recrutement"


@pytest.fixture
def world():
    loire = StructureFactory(postes_accordes=3, postes_occupes=1, nom="Mairie de Saint-Étienne")
    StructureFactory(postes_accordes=1, postes_occupes=1, commune=loire.commune)
    StructureFactory(postes_accordes=0, commune=loire.commune)
    rhone = StructureFactory(postes_accordes=2, postes_occupes=0, commune=commune_lyon(), nom="Mairie de Lyon")
    hub = HubFactory()
    hub.departements.add(loire.commune.departement)
    return {
        "loire": loire,
        "rhone": rhone,
        "anct": national_agent(),
        "prefecture": prefecture_agent(loire.commune.departement),
        "hub": user_with_role(Role.HUB, hub=hub),
        "structure": structure_manager(loire),
        "candidat": user_with_role(Role.CANDIDAT),
    }


def test_public_aggregates_per_departement(client, world):
    response = client.get(f"{BASE}/postes")
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()["resultats"]}
    assert rows["42"] == {
        "code": "42",
        "nom": "Loire",
        "structures": 3,
        "postes_accordes": 4,
        "postes_occupes": 2,
        "structures_avec_poste_ouvert": 1,
        "postes_ouverts": 2,
    }
    assert rows["69"]["postes_ouverts"] == 2
    assert client.get(f"{BASE}/postes", {"departement": "69"}).json()["total"] == 1
    response = client.get(f"{BASE}/postes", {"departement": "00"})
    assert response.status_code == 404 and response.json()["detail"] == "Département « 00 » inconnu."


@pytest.mark.parametrize(
    ("who", "status", "count"),
    [
        ("anonymous", 401, None),
        ("candidat", 403, None),
        ("structure", 403, None),
        ("prefecture", 200, 3),
        ("hub", 200, 3),
        ("anct", 200, 4),
    ],
)
def test_structures_by_role(client, world, who, status, count):
    if who != "anonymous":
        login(client, world[who])
    response = client.get(f"{BASE}/structures")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if count is None:
        assert body["detail"]  # a French message
    else:
        assert body["total"] == count


def test_structures_filters_pagination_and_errors(client, world, django_assert_max_num_queries):
    login(client, world["prefecture"])
    with django_assert_max_num_queries(12):
        body = client.get(f"{BASE}/structures", {"postes_ouverts": "true"}).json()
    assert [s["nom"] for s in body["resultats"]] == ["Mairie de Saint-Étienne"]
    assert body["resultats"][0]["postes_ouverts"] == 2
    response = client.get(f"{BASE}/structures", {"departement": "69"})
    assert response.status_code == 403 and "n’entre pas dans votre périmètre" in response.json()["detail"]
    response = client.get(f"{BASE}/structures", {"page": "0"})
    assert response.status_code == 422 and response.json()["detail"]
    response = client.get(f"{BASE}/structures", {"taille": "1", "page": "9"})
    assert response.status_code == 404 and "n’existe pas" in response.json()["detail"]
    assert client.get(f"{BASE}/structures", {"taille": "1", "page": "2"}).json()["pages"] == 3


def test_one_structure_by_siret_in_scope_only(client, world):
    login(client, world["prefecture"])
    loire, rhone = world["loire"], world["rhone"]
    response = client.get(f"{BASE}/structures/{loire.siret}")
    assert response.status_code == 200 and response.json()["nom"] == "Mairie de Saint-Étienne"
    response = client.get(f"{BASE}/structures/{rhone.siret}")
    assert response.status_code == 404 and "dans votre périmètre" in response.json()["detail"]


def test_partner_key_with_departements(client, world):
    def make_key(**kwargs):
        return api_key_create(actor=None, organisation="Préfecture du Rhône", **kwargs)

    _, raw = make_key(scopes=["prefecture"], departement_codes=["69"])
    body = client.get(f"{BASE}/structures", **bearer(raw)).json()
    assert [s["nom"] for s in body["resultats"]] == ["Mairie de Lyon"]
    _, raw = make_key(scopes=["formation"])
    assert client.get(f"{BASE}/structures", **bearer(raw)).status_code == 403
