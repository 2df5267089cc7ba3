"""Coverage selectors on the database: arrays, memoised states, `coverage_gain`, territory reports."""

import pytest

from cnfs.lieux.maillage import selectors
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.territoires.models import Commune
from cnfs.territoires.selectors import CommunePoints, communes_points
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory, RegionFactory

pytestmark = pytest.mark.django_db

# (code, name, département, population, latitude, longitude)
COMMUNES = [
    ("42218", "Saint-Étienne", "42", 172565, 45.4339, 4.3900),
    ("42147", "Montbrison", "42", 15977, 45.6075, 4.0653),
    ("42187", "Roanne", "42", 34366, 46.0367, 4.0682),
    ("42044", "Chalmazel-Jeansagnière", "42", 500, 45.7047, 3.8528),
    ("69123", "Lyon", "69", 522250, 45.7640, 4.8357),
    ("69264", "Villefranche-sur-Saône", "69", 36000, 45.9900, 4.7200),
]


@pytest.fixture(autouse=True)
def _fresh_memo():
    selectors.clear_caches()
    yield
    selectors.clear_caches()


def build_world() -> dict:
    """Loire and Rhône: a France Services place in Saint-Étienne, unlabelled places in Roanne and Lyon."""
    region = RegionFactory()
    deps = {
        "42": DepartementFactory(code="42", nom="Loire", region=region),
        "69": DepartementFactory(code="69", nom="Rhône", region=region),
    }
    communes = {}
    for code, nom, dep, population, lat, lon in COMMUNES:
        communes[code] = CommuneFactory(
            code=code,
            nom=nom,
            search_name=nom.lower(),
            departement=deps[dep],
            region=region,
            population=population,
            latitude=lat,
            longitude=lon,
            codes_postaux=[f"{dep}000"],
        )
    places = {
        "saint-etienne": LieuFactory(
            france_services=True, commune=communes["42218"], latitude=45.4340, longitude=4.3901
        ),
        "roanne": LieuFactory(commune=communes["42187"], latitude=46.0368, longitude=4.0683),
        "lyon": LieuFactory(commune=communes["69123"], latitude=45.7641, longitude=4.8358),
    }
    return {"departements": deps, "communes": communes, "places": places}


@pytest.fixture
def world():
    return build_world()


def test_arrays_are_read_once_and_follow_the_data(world, django_assert_num_queries):
    state = selectors.coverage_state()
    assert len(state.communes.codes) == 6 and len(state.places) == 3
    assert state.places.labels["france-services"].tolist() == [True, False, False]
    with django_assert_num_queries(2):  # the two version aggregates, nothing else
        assert selectors.coverage_state() is state
    LieuFactory(commune=world["communes"]["42147"], latitude=45.6076, longitude=4.0654)
    fresh = selectors.coverage_state()
    assert fresh is not state and len(fresh.places) == 4


def test_communes_come_from_the_territories_loader_with_names_and_codes(world):
    # One loader of commune points for every coverage computation: `territoires.selectors.communes_points`.
    communes = selectors.coverage_state().communes
    assert isinstance(communes, CommunePoints)
    assert list(communes.codes) == sorted(code for code, *_ in COMMUNES)
    row = list(communes.codes).index("42218")
    region = world["departements"]["42"].region.code
    assert (communes.names[row], communes.departements[row], communes.regions[row]) == ("Saint-Étienne", "42", region)
    assert communes.population[row] == 172565 and communes.latitude.dtype.kind == "f"
    loire = communes_points(["42"])
    assert set(loire.departements) == {"42"} and len(loire.names) == 4
    assert all(len(column) == 0 for column in communes_points(["75"]))


def test_territory_report_of_the_loire(world):
    report = selectors.territory_coverage(["42"])
    assert sorted(selectors.commune_row(report.state, int(i))["nom"] for i in report.indices) == [
        "Chalmazel-Jeansagnière",
        "Montbrison",
        "Roanne",
        "Saint-Étienne",
    ]
    assert report.total.population == 172565 + 15977 + 34366 + 500
    # Montbrison is 33 km from Saint-Étienne: 43 estimated minutes; Chalmazel is farther still.
    least = [selectors.commune_row(report.state, int(i)) for i in report.least_covered]
    assert [row["nom"] for row in least] == ["Montbrison", "Chalmazel-Jeansagnière"]
    assert least[0]["minutes"] == pytest.approx(least[0]["km"] * 1.3)
    assert report.total.beyond_population == 15977 + 500
    assert report.total.within[10] == 172565 + 34366
    assert set(report.by_departement) == {"42"} and report.by_region == {}


def test_label_restricts_the_places(world):
    report = selectors.territory_coverage(["42"], "france_services")
    names = [selectors.commune_row(report.state, int(i))["nom"] for i in report.least_covered]
    assert names == ["Roanne", "Montbrison", "Chalmazel-Jeansagnière"]  # Roanne's place is not France Services
    with pytest.raises(ValueError, match="Label inconnu"):
        selectors.territory_coverage(["42"], "maison-du-numerique")


def test_national_report_has_regions(world):
    report = selectors.territory_coverage(None)
    assert len(report.indices) == 6
    assert set(report.by_departement) == {"42", "69"} and set(report.by_region) == {"84"}


def test_coverage_gain_by_commune_code_or_point(world, django_assert_max_num_queries):
    montbrison = world["communes"]["42147"]
    # A place in Montbrison reaches Montbrison and Chalmazel (20 km), both beyond 30 minutes today.
    assert selectors.coverage_gain(montbrison) == 15977 + 500
    assert selectors.coverage_gain("42147") == 15977 + 500
    assert selectors.coverage_gain((45.6075, 4.0653)) == 15977 + 500
    assert selectors.coverage_gain(world["communes"]["42218"]) == 0  # already served
    # Only France Services count: Roanne becomes uncovered, and a place there would serve it.
    assert selectors.coverage_gain("42187", label="france-services") == 34366
    assert selectors.coverage_gain("42147", threshold=60) == 0
    with django_assert_max_num_queries(2):
        selectors.coverage_gain((45.6075, 4.0653))


def test_coverage_gain_refuses_unknown_or_unlocated_communes(world):
    with pytest.raises(ValueError, match="Commune inconnue"):
        selectors.coverage_gain("99999")
    Commune.objects.filter(code="42044").update(latitude=None, longitude=None)
    with pytest.raises(ValueError, match="n’a pas de coordonnées"):
        selectors.coverage_gain("42044")


def test_propose_sites_in_a_departement(world):
    proposal = selectors.propose_sites(["42"], k=3, threshold=30)
    # Montbrison and Chalmazel reach each other: either serves both; ties go to the first code.
    assert [site["nom"] for site in proposal.sites] == ["Chalmazel-Jeansagnière"]
    assert proposal.sites[0]["gain"] == 15977 + 500 == proposal.total
    assert proposal.demand_population == 15977 + 500 and proposal.demand_communes == 2
    # Candidates are communes without a place: Saint-Étienne and Roanne are never proposed.
    everything = selectors.propose_sites(["42"], k=3, threshold=30, label="france-services", candidates="toutes")
    assert everything.total == 34366 + 15977 + 500
    exact = selectors.propose_sites(["42"], k=1, threshold=30, label="france-services", method="milp")
    assert exact.total == max(34366, 15977 + 500)
    with pytest.raises(ValueError, match="candidats"):
        selectors.propose_sites(["42"], k=1, candidates="mairies")


def test_empty_database_gives_empty_reports():
    report = selectors.territory_coverage(None)
    assert len(report.indices) == 0 and report.total.population == 0
    assert selectors.propose_sites(None, k=2).sites == []
