import pytest

from cnfs.formation.tests.factories import InscriptionFactory, recruited_advisor
from cnfs.recrutement.enums import EtapeConseiller
from cnfs.recrutement.tests.factories import StructureFactory, commune_lyon

pytestmark = pytest.mark.django_db
URL = "/api/v1/formation/entonnoir"


@pytest.fixture
def advisors():
    lyon = StructureFactory(commune=commune_lyon())
    for etape in (EtapeConseiller.RECRUTE, EtapeConseiller.EN_FORMATION, EtapeConseiller.EN_POSTE):
        InscriptionFactory(candidature=recruited_advisor(etape=etape))
    recruited_advisor(structure=lyon, etape=EtapeConseiller.EN_POSTE)


def test_public_funnel_by_territory(client, advisors):
    body = client.get(URL).json()
    assert (body["territoire"], body["recrutes"], body["en_formation"], body["en_poste"]) == (
        "France entière",
        4,
        1,
        2,
    )
    assert [(d["code"], d["recrutes"], d["en_poste"]) for d in body["departements"]] == [("42", 3, 1), ("69", 1, 1)]
    body = client.get(URL, {"departement": "69"}).json()
    assert (body["recrutes"], body["en_formation"], body["en_poste"]) == (1, 0, 1)
    assert "email" not in str(body) and 'nom": "Dupont' not in str(body)


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"departement": "99"}, 404, "Département inconnu : 99"),
        ({"region": "00"}, 404, "Région inconnue : 00"),
        ({"departement": "x' OR 1=1"}, 422, None),
    ],
)
def test_bad_territories_get_french_json_errors(client, advisors, params, status, message):
    response = client.get(URL, params)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    if message:
        assert response.json()["detail"] == message
