"""Open data endpoint /api/v1/statistiques: public, aggregates only, the same numbers as the public page."""

import datetime as dt

import pytest

from cnfs.core.enums import Role
from cnfs.core.tests.factories import user_with_role
from cnfs.pilotage.permissions import NATIONAL
from cnfs.pilotage.selectors import Filters, dashboard_figures
from cnfs.pilotage.tests.helpers import world, write

pytestmark = pytest.mark.django_db
URL = "/api/v1/statistiques"


def test_anonymous_gets_the_national_figures(client):
    w = world()
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["secret_statistique"] is False
    sections = {s["cle"]: s for s in body["rubriques"]}
    figures = dashboard_figures(NATIONAL, Filters(), funnel=False, coverage=False)
    for key, section in sections.items():
        assert [[line["libelle"], line["valeurs"]] for line in section["lignes"]] == [
            [line.libelle, list(line.valeurs)] for line in figures.section(key).lignes
        ]
    assert "entonnoir" not in sections and "couverture" not in sections
    text = response.content.decode()
    for user in (w["c1"], w["c2"], w["c3"]):
        assert user.email not in text and user.last_name not in text


def test_filters_and_secret_departement(client):
    w = world()
    body = client.get(URL, {"departement": "69", "date_debut": "2024-03-01"}).json()
    assert body == {
        "filtres": {"date_debut": "2024-03-01", "date_fin": None, "departement": "69", "theme": None},
        "secret_statistique": True,
        "rubriques": [],
    }
    for _ in range(2):
        write(conseiller=user_with_role(Role.CONSEILLER), commune=w["rhone"], date=dt.date(2024, 3, 20))
    body = client.get(URL, {"departement": "69", "date_debut": "2024-03-01"}).json()
    assert body["secret_statistique"] is False
    totals = {line["libelle"]: line["valeurs"][0] for line in body["rubriques"][0]["lignes"]}
    assert totals["Accompagnements"] == 4


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_debut": "hier"}, "Saisissez une date valide"),
        ({"theme": "astrologie"}, "ne fait pas partie de la liste"),
        ({"departement": "ZZ"}, "Ce département n’existe pas"),
    ],
)
def test_bad_parameters_get_a_french_json_error(client, params, message):
    world()
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"] == "Filtre invalide." and message in " ".join(body["errors"])


def test_openapi_lists_the_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/statistiques" in schema["paths"]
