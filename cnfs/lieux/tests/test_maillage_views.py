"""Coverage pages: role × territory matrix, content, placement form, CSV exports, "Mon espace" card."""

import pytest
from django.urls import reverse

from cnfs.core.enums import Role, ScopeType
from cnfs.core.tests.auth import login as login_user
from cnfs.core.tests.factories import RoleAssignmentFactory
from cnfs.lieux.maillage import selectors
from cnfs.lieux.tests.test_maillage_selectors import build_world
from cnfs.territoires.tests.factories import HubFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_memo():
    selectors.clear_caches()
    yield
    selectors.clear_caches()


@pytest.fixture
def world():
    return build_world()


ESTIMATE = "en attendant un calculateur d’itinéraires"


def login(client, world, who):
    if who == "anonyme":
        return
    deps = world["departements"]
    if who == "anct":
        assignment = RoleAssignmentFactory()
    elif who == "prefecture-42":
        assignment = RoleAssignmentFactory(prefecture=True, departement=deps["42"])
    elif who == "prefecture-69":
        assignment = RoleAssignmentFactory(prefecture=True, departement=deps["69"])
    elif who == "hub-42":
        hub = HubFactory()
        hub.departements.add(deps["42"])
        assignment = RoleAssignmentFactory(role=Role.HUB, scope_type=ScopeType.HUB, hub=hub)
    elif who == "structure":
        assignment = RoleAssignmentFactory(structure=True)
    else:
        assignment = RoleAssignmentFactory(candidat=True)
    login_user(client, assignment.user)


URLS = {
    "territoire": ("lieux:maillage", {}),
    "loire": ("lieux:maillage_departement", {"code": "42"}),
    "rhone": ("lieux:maillage_departement", {"code": "69"}),
    "loire-csv": ("lieux:maillage_departement_communes_csv", {"code": "42"}),
    "rhone-indicateurs": ("lieux:maillage_departement_indicateurs_csv", {"code": "69"}),
    "national-csv": ("lieux:maillage_communes_csv", {}),
}

MATRIX = {
    #                territoire loire rhone loire-csv rhone-indicateurs national-csv
    "anonyme": (302, 302, 302, 302, 302, 302),
    "candidat": (403, 403, 403, 403, 403, 403),
    "structure": (403, 403, 403, 403, 403, 403),
    "prefecture-42": (200, 200, 403, 200, 403, 200),
    "prefecture-69": (200, 403, 200, 403, 200, 200),
    "hub-42": (200, 200, 403, 200, 403, 200),
    "anct": (200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("who", list(MATRIX))
@pytest.mark.parametrize("page", list(URLS))
def test_role_by_page(client, world, who, page):
    login(client, world, who)
    name, kwargs = URLS[page]
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == MATRIX[who][list(URLS).index(page)]


def test_unverified_prefecture_is_sent_to_the_second_factor(client, world):
    assignment = RoleAssignmentFactory(prefecture=True, departement=world["departements"]["42"])
    login_user(client, assignment.user, verified=False)
    response = client.get(reverse("lieux:maillage_departement", kwargs={"code": "42"}))
    assert response.status_code == 302 and response["Location"].startswith("/mon-compte/")


def test_unknown_departement_is_404(client, world):
    login(client, world, "anct")
    assert client.get(reverse("lieux:maillage_departement", kwargs={"code": "2A"})).status_code == 404


def test_own_territory_of_a_prefecture_is_its_departement(client, world):
    login(client, world, "prefecture-42")
    response = client.get(reverse("lieux:maillage"))
    html = response.content.decode()
    assert "Votre territoire" in html
    assert "Montbrison" in html and "Lyon" not in html
    national = client.get(reverse("lieux:maillage_communes_csv")).content.decode("utf-8-sig")
    assert "42147" in national and "69123" not in national  # the CSV keeps to the scope too


def test_departement_page_content(client, world, django_assert_max_num_queries):
    login(client, world, "prefecture-42")
    url = reverse("lieux:maillage_departement", kwargs={"code": "42"})
    client.get(url)  # warm the arrays
    with django_assert_max_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Maillage territorial — Loire (42)" in html
    assert ESTIMATE in html and "× 1,3 ÷ 60 km/h" in html
    assert "<svg" in html and 'role="img"' in html and "<circle" in html
    assert "Communes au-delà de 30 min, les plus peuplées d’abord" in html
    assert html.index("Montbrison (42147)") < html.index("Chalmazel-Jeansagnière (42044)")
    assert "Toutes les communes (4)" in html
    assert 'cx="' in html and not any(f'cx="{d},' in html for d in range(10))  # numbers are not localised


def test_placement_proposal_on_the_page(client, world):
    login(client, world, "prefecture-42")
    url = reverse("lieux:maillage_departement", kwargs={"code": "42"})
    response = client.get(url, {"sites": "2", "seuil": "30", "candidats": "sans-lieu"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Implantations proposées" in html
    assert "Site proposé n° 1 : Chalmazel-Jeansagnière" in html
    assert "16\u202f477" in html or "16 477" in html or "16477" in html
    # On the map itself, beside the numbered mark: the inhabitants the site adds, readable without hovering.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert ">+16\u202f477\u00a0hab.</text>" in svg
    assert "implantations.csv?" in html
    csv_url = reverse("lieux:maillage_departement_implantations_csv", kwargs={"code": "42"})
    csv_response = client.get(csv_url, {"sites": 2})
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rang;Code INSEE;Commune;")
    assert lines[1] == "1;42044;Chalmazel-Jeansagnière;42;500;16477;16477"


@pytest.mark.parametrize(
    ("sites", "message"),
    [("abc", "Saisissez un nombre entier de sites."), ("0", "Proposez au moins 1 site."), ("999", "au plus 200")],
)
def test_bad_placement_input_shows_a_french_error(client, world, sites, message):
    login(client, world, "anct")
    response = client.get(reverse("lieux:maillage_departement", kwargs={"code": "42"}), {"sites": sites})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and "Implantations proposées" not in html
    assert ESTIMATE in html


def test_bad_label_shows_a_french_error(client, world):
    login(client, world, "anct")
    response = client.get(reverse("lieux:maillage"), {"label": "inconnu"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_implantations_csv_needs_a_number_of_sites(client, world):
    login(client, world, "anct")
    response = client.get(reverse("lieux:maillage_implantations_csv"), {"sites": "x"})
    assert response.status_code == 400
    assert "nombre de sites" in response.content.decode()


def test_label_filter_changes_the_page(client, world):
    login(client, world, "anct")
    url = reverse("lieux:maillage_departement", kwargs={"code": "42"})
    html = client.get(url, {"label": "france-services"}).content.decode()
    assert "Lieux pris en compte : France Services (1 lieux" in html
    least = html[html.index("Communes les moins bien desservies") :]
    assert least.index("Roanne (42187)") < least.index("Montbrison (42147)")


def test_national_page(client, world):
    login(client, world, "anct")
    html = client.get(reverse("lieux:maillage")).content.decode()
    assert "Maillage territorial — France entière" in html
    assert "Indicateurs par région" in html and "Indicateurs par département" in html
    assert reverse("lieux:maillage_departement", kwargs={"code": "69"}) in html


def test_communes_csv_is_french(client, world):
    login(client, world, "anct")
    response = client.get(reverse("lieux:maillage_departement_communes_csv", kwargs={"code": "42"}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="maillage-communes-42.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffCode INSEE;Commune;Code département;")
    rows = {line.split(";")[0]: line.split(";") for line in body.lstrip("\ufeff").splitlines()[1:]}
    assert set(rows) == {"42218", "42147", "42187", "42044"}
    montbrison = rows["42147"]
    assert montbrison[4] == "15977" and "," in montbrison[5] and montbrison[7] == "plus de 30 min"
    indicateurs = client.get(reverse("lieux:maillage_indicateurs_csv")).content.decode("utf-8-sig").splitlines()
    assert indicateurs[0].startswith("Code département;Département;Communes;Population;")
    assert indicateurs[1].startswith("42;Loire;4;223408;")


@pytest.mark.parametrize(
    ("who", "shown"), [("prefecture-42", True), ("hub-42", True), ("anct", True), ("candidat", False)]
)
def test_mon_espace_card(client, world, who, shown):
    login(client, world, who)
    html = client.get(reverse("core:mon_espace")).content.decode()
    assert ("Maillage territorial" in html) is shown


def test_gain_labels_are_left_to_the_table_when_sites_are_many():
    import numpy as np

    from cnfs.lieux.maillage.svgmap import MAX_GAIN_LABELS, commune_map, gain_text

    assert gain_text(1234567) == "+1\u202f234\u202f567\u00a0hab."
    lat, lon = np.array([45.0, 46.0]), np.array([4.0, 5.0])
    args = (lat, lon, np.array([0, 3]), np.array(["A", "B"]), np.array([10, 20]))

    def sites(count):
        return [{"rank": i + 1, "nom": "A", "gain": 7, "latitude": 45.0, "longitude": 4.0} for i in range(count)]

    assert all(s["gain_label"] == "+7\u00a0hab." for s in commune_map(*args, sites=sites(3)).sites)
    assert all(s["gain_label"] == "" for s in commune_map(*args, sites=sites(MAX_GAIN_LABELS + 1)).sites)
