"""/api/v1/ateliers: public, JSON, French errors, no personal data."""

import pytest

from cnfs.activite.ateliers.tests.factories import AtelierFactory, ReservationFactory, at

pytestmark = pytest.mark.django_db

URL = "/api/v1/ateliers"


def test_upcoming_ateliers_without_personal_data(client):
    atelier = AtelierFactory(capacite=3)
    ReservationFactory(atelier=atelier, nom="Camille Secret", email="secret@exemple.fr")
    AtelierFactory(debut=at(-2))
    remote = AtelierFactory(lieu=None, lien_distance="https://visio.exemple.fr/lien-prive")
    response = client.get(URL, {"q": atelier.lieu.commune.nom})
    assert response.status_code == 200
    body = response.json()
    assert body["commune"] == atelier.lieu.commune.nom
    ids = [row["id"] for row in body["resultats"]]
    assert ids == [atelier.pk, remote.pk]
    first = body["resultats"][0]
    assert first["places_restantes"] == 2 and first["lieu"]["code_insee"] == atelier.lieu.commune_id
    assert first["themes"] == ["internet", "securite"]
    text = response.content.decode()
    assert "secret@exemple.fr" not in text and "Camille Secret" not in text and "lien-prive" not in text


def test_unknown_theme_is_a_json_400_in_french(client):
    response = client.get(URL, {"theme": "astrologie"})
    assert response.status_code == 400
    assert response.json()["detail"] == "Paramètres invalides."
    assert response.json()["errors"][0]["champ"] == "theme"
