"""The JSON search endpoint, French formatting, and index freshness across workers."""

import pytest

from cnfs.lieux.models import Lieu
from cnfs.lieux.recherche import index as index_module
from cnfs.lieux.recherche.formatting import format_km, format_telephone
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.lieux.tests.recherche_helpers import make_searchable
from cnfs.territoires.tests.factories import CommuneFactory


@pytest.fixture(autouse=True)
def _empty_test_cache(_strict_settings):
    """The search caches communes and its index version: each test starts from an empty test cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


URL = "/api/v1/lieux/recherche"


@pytest.mark.django_db
def test_api_is_public_and_sorted_by_distance(client):
    far = LieuFactory(nom="Loin", latitude=45.5339, longitude=4.39, france_services=True)
    near = LieuFactory(nom="Près", latitude=45.4349, longitude=4.39)
    make_searchable()
    response = client.get(URL, {"q": "42000"})
    assert response.status_code == 200
    body = response.json()
    assert body["origine"]["libelle"] == "Saint-Étienne (42000)"
    assert body["origine"]["code_insee"] == "42218"
    assert [r["id"] for r in body["resultats"]] == [near.pk, far.pk]
    assert body["resultats"][0]["distance"] == "0,1\xa0km"
    assert body["resultats"][1]["labels"] == ["France Services"]
    assert body["resultats"][1]["url"] == f"/trouver-un-lieu/{far.pk}/"
    response = client.get(URL, {"q": "42000", "labels": "france-services"})
    assert [r["nom"] for r in response.json()["resultats"]] == ["Loin"]


@pytest.mark.django_db
def test_api_refuses_bad_parameters_in_french(client):
    response = client.get(URL, {"lat": "abc", "lon": "4", "services": "inconnu"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Paramètres de recherche invalides."
    fields = {error["champ"] for error in body["errors"]}
    assert {"lat", "services"} <= fields
    assert response.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_api_without_anything_to_search(client):
    assert client.get(URL).json() == {"origine": None, "par_nom": False, "resultats": []}


@pytest.mark.django_db
def test_bulk_writes_are_caught_by_the_fingerprint(client, monkeypatch):
    LieuFactory(nom="Premier", latitude=45.44, longitude=4.39)
    make_searchable()
    assert [r["nom"] for r in client.get(URL, {"q": "42000"}).json()["resultats"]] == ["Premier"]
    lieu = LieuFactory.build(nom="Sans signal", latitude=45.4339, longitude=4.39, commune=CommuneFactory())
    lieu.sync_derived()
    Lieu.objects.bulk_create([lieu])  # no signal, no invalidate(): another process's import
    assert [r["nom"] for r in client.get(URL, {"q": "42000"}).json()["resultats"]] == ["Premier"]  # still fresh
    monkeypatch.setattr(index_module, "FRESHNESS_SECONDS", 0.0)
    assert [r["nom"] for r in client.get(URL, {"q": "42000"}).json()["resultats"]] == ["Sans signal", "Premier"]


@pytest.mark.django_db
def test_workers_agree_through_the_shared_version_token(client):
    LieuFactory(nom="Premier", latitude=45.44, longitude=4.39)
    first = index_module.get_index()
    assert index_module.get_index() is first
    # Another worker saved a place: the token in the shared cache changes, this worker rebuilds.
    index_module.invalidate()
    second = index_module.get_index()
    assert second is not first and second.token != first.token


@pytest.mark.parametrize(
    ("km", "text"),
    [
        (0.04, "0,0\xa0km"),
        (0.35, "0,3\xa0km"),
        (3.26, "3,3\xa0km"),
        (9.94, "9,9\xa0km"),
        (12.4, "12\xa0km"),
        (1024.2, "1\u202f024\xa0km"),
        (None, ""),
    ],
)
def test_format_km(km, text):
    assert format_km(km) == text


def test_format_telephone():
    assert format_telephone("+33477001122") == "04 77 00 11 22"
    assert format_telephone("+262262001122") == "+262262001122"
    assert format_telephone("") == ""


def test_api_parameters_share_the_declared_fields_without_altering_them():
    from cnfs.lieux.recherche.forms import RechercheApiParams, RechercheForm, RechercheParams

    form = RechercheApiParams({"services": ["inconnu"], "lat": "45"})
    assert not form.is_valid()
    assert "services" in form.errors and form.non_field_errors()
    assert form.fields["services"] is RechercheParams.base_fields["services"]
    assert RechercheApiParams({"services": ["aide-demarches-administratives"]}).is_valid()
    # The page's form still gets its own copies (DSFR alters their widgets).
    assert RechercheForm().fields["services"] is not RechercheParams.base_fields["services"]
