"""The programme's five labels are filterable everywhere places are listed: the public search page and its API, the
open-data API and CSV, the management list and the coverage pages (the CLI is covered in test_maillage_command)."""

import csv
import io

import pytest
from django.urls import reverse

from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role
from cnfs.lieux.enums import Label
from cnfs.lieux.maillage import selectors as maillage_selectors
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.lieux.tests.recherche_helpers import make_searchable
from cnfs.territoires.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

TRAITS = {
    Label.FRANCE_SERVICES: "france_services",
    Label.CONSEILLERS_NUMERIQUES: "conseillers_numeriques",
    Label.AIDANTS_CONNECT: "aidants_connect",
    Label.FABRIQUES_DE_TERRITOIRE: "fabrique_de_territoire",
    Label.PASS_NUMERIQUE: "pass_numerique",
}


@pytest.fixture
def one_place_per_label():
    maillage_selectors.clear_caches()
    commune = CommuneFactory()  # Saint-Étienne
    make_searchable(commune)
    places = {
        label: LieuFactory(commune=commune, nom=f"Lieu {label}", **{trait: True}) for label, trait in TRAITS.items()
    }
    LieuFactory(commune=commune, nom="Lieu sans label")
    yield places
    maillage_selectors.clear_caches()


def test_every_label_has_a_trait_here():
    assert set(TRAITS) == set(Label.values)


@pytest.mark.parametrize("label", Label.values)
def test_public_search_page_and_its_api(client, one_place_per_label, label):
    expected = one_place_per_label[label].nom
    page = client.get(reverse("lieux:recherche"), {"q": "42000", "labels": label})
    assert page.status_code == 200
    html = page.content.decode()
    assert expected in html and "Lieu sans label" not in html
    body = client.get("/api/v1/lieux/recherche", {"q": "42000", "labels": label}).json()
    assert [r["nom"] for r in body["resultats"]] == [expected]
    assert body["resultats"][0]["labels"] == [Label(label).label]


@pytest.mark.parametrize("label", Label.values)
def test_open_data_api_and_csv(client, one_place_per_label, label):
    expected = one_place_per_label[label].nom
    body = client.get("/api/v1/lieux", {"label": label}).json()
    assert [item["nom"] for item in body["resultats"]] == [expected]
    response = client.get("/donnees/lieux.csv", {"label": label})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["nom"] for row in rows] == [expected]


@pytest.mark.parametrize("label", Label.values)
def test_management_list_and_coverage_page(client, one_place_per_label, label):
    login(client, user_with_role("anct"))
    html = client.get(reverse("lieux:gestion_liste"), {"label": label}).content.decode()
    assert one_place_per_label[label].nom in html and "Lieu sans label" not in html
    page = client.get(reverse("lieux:maillage"), {"label": label})
    assert page.status_code == 200
    assert f"Lieux pris en compte : {Label(label).label} (1 lieux" in page.content.decode()
