import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnfs.territoires.models import Commune, Hub
from cnfs.territoires.selectors import commune_get, commune_search, communes_points, departements_of_hub

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_subset")]


def codes(results) -> list[str]:
    return [commune.code for commune in results]


@pytest.mark.parametrize(
    "query", ["st etienne", "saint-étienne", "SAINT ETIENNE", "Saint Étienne", " saint  etienne "]
)
def test_name_search_is_accent_and_case_insensitive(query):
    results = commune_search(query)
    assert codes(results)[0] == "42218"
    # Then other names that start the same way, largest first.
    rest = results[1:]
    assert rest and all(c.search_name.startswith("saint etienne") for c in rest)
    assert [c.population for c in rest] == sorted((c.population for c in rest), reverse=True)


def test_exact_name_comes_before_larger_communes_that_merely_start_alike():
    assert codes(commune_search("lyon"))[0] == "69123"
    results = commune_search("saint")
    assert codes(results)[0] == "42218"  # the most populous "Saint-…" of the subset
    assert len(results) == 20


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("42000", "42218"),  # postcode
        ("42218", "42218"),  # INSEE code
        ("2A004", "2A004"),
        ("2a004", "2A004"),
        ("69005", "69123"),  # Lyon's 5th arrondissement postcode before the commune whose INSEE code is 69005
        ("lyon 69005", "69123"),
        ("etienne", "42218"),  # a later word of the name
        ("pointe a pitre", "97120"),
        ("ajacc", "2A004"),
    ],
)
def test_postcode_code_and_word_search(query, first):
    assert codes(commune_search(query))[0] == first


def test_postcode_prefix_lists_communes_by_population():
    results = commune_search("420")
    assert codes(results)[0] == "42218"
    assert all(any(cp.startswith("420") for cp in c.codes_postaux) for c in results)
    # A name and a postcode together must both match: Chazelles-sur-Lyon is the "lyon" of the Loire.
    assert codes(commune_search("lyon 42")) == ["42059"]
    assert commune_search("lyon 13") == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "%%%",
        "%",
        "_",
        "x" * 2000,
        "a" * 101,
        "'; DROP TABLE territoires_commune; --",
        "1 OR 1=1",
        "😀🙂",
        "\x00",
        "zzzzzz",
        "123456",
        "1",
        "42 69",
        "s",  # a first keystroke: only a commune named "S" would match
    ],
)
def test_garbage_returns_an_empty_list(query):
    assert commune_search(query) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300), st.integers(min_value=1, max_value=100))
def test_search_never_fails(query, limit):
    results = commune_search(query, limit=limit)
    assert isinstance(results, list) and len(results) <= limit


def test_search_uses_a_bounded_number_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        results = commune_search("saint etienne 42")
        [commune.departement.code for commune in results]
    assert codes(results)[0] == "42218"


def test_commune_get():
    assert commune_get("42218").nom == "Saint-Étienne"
    assert commune_get("2a004").code == "2A004"
    assert commune_get("99999") is None
    assert commune_get("%") is None


def test_communes_points():
    points = communes_points()
    count = Commune.objects.exclude(latitude=None).count()
    assert len(points.codes) == len(points.latitude) == len(points.longitude) == len(points.population) == count
    assert points.latitude.dtype == np.float64 and points.population.dtype == np.int64
    assert list(points.codes) == sorted(points.codes)
    index = list(points.codes).index("42218")
    assert points.population[index] == 172565
    assert 45 < points.latitude[index] < 46 and 4 < points.longitude[index] < 5
    loire = communes_points(["42"])
    assert len(loire.codes) == Commune.objects.filter(departement__code="42").count()
    assert len(communes_points(["75"]).codes) == 0


def test_departements_of_hub():
    hub = Hub.objects.get(slug="hinaura")
    expected = ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"]
    assert [d.code for d in departements_of_hub(hub)] == expected
    assert [d.code for d in departements_of_hub("hinaura")] == expected
    assert [d.code for d in departements_of_hub(hub.pk)] == expected
    assert list(departements_of_hub("inconnu")) == []
