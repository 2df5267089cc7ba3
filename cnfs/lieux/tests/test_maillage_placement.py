"""Maximal covering location: lazy greedy, local search, exact MILP checked by brute force."""

import functools
import itertools

import numpy as np
import pytest
from scipy import sparse

from cnfs.lieux.maillage import coverage as cov
from cnfs.lieux.maillage import placement as pl
from cnfs.lieux.maillage.synthetic import synthetic_communes, synthetic_places


def naive_greedy_total(dense: np.ndarray, weights: np.ndarray, k: int) -> int:
    covered = np.zeros(dense.shape[1], dtype=bool)
    for _ in range(k):
        gains = (dense & ~covered) @ weights
        if gains.max() <= 0:
            break
        covered |= dense[int(np.argmax(gains))]
    return int(weights[covered].sum())


def random_instance(seed: int, n_cand: int = 9, n_dem: int = 14, density: float = 0.25):
    rng = np.random.default_rng(seed)
    dense = rng.random((n_cand, n_dem)) < density
    weights = rng.integers(1, 1000, n_dem)
    return sparse.csr_matrix(dense), weights


def test_greedy_trap_where_the_exact_solution_wins():
    # Middle site reaches the two heaviest communes; the two outer sites together reach everyone.
    dense = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]], dtype=bool)
    weights = np.array([2, 3, 3, 2])
    greedy = pl.greedy(sparse.csr_matrix(dense), weights, 2)
    assert greedy.sites.tolist() == [1, 0] and greedy.gains.tolist() == [6, 2] and greedy.total == 8
    exact = pl.milp_optimum(sparse.csr_matrix(dense), weights, 2)
    assert exact.total == 10 and sorted(exact.sites.tolist()) == [0, 2] and exact.optimal
    assert exact.gains.sum() == 10
    improved = pl.heuristic(sparse.csr_matrix(dense), weights, 2)
    assert improved.total == 10 and improved.greedy_total == 8


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_milp_equals_exhaustive_search_on_tiny_instances(seed, k):
    matrix, weights = random_instance(seed)
    exact = pl.milp_optimum(matrix, weights, k)
    brute = pl.exhaustive_optimum(matrix, weights, k)
    assert exact.total == brute.total
    assert pl.covered_population(matrix, weights, exact.sites) == exact.total
    assert len(exact.sites) <= k
    greedy = pl.greedy(matrix, weights, k)
    assert greedy.total <= exact.total
    assert greedy.total == naive_greedy_total(matrix.toarray(), weights, k)  # laziness changes nothing
    assert pl.heuristic(matrix, weights, k).total <= exact.total


def test_exhaustive_search_itself_on_a_hand_checked_instance():
    matrix, weights = random_instance(11, n_cand=6, n_dem=8, density=0.3)
    dense = matrix.toarray()
    best = max(int(weights[dense[list(c)].any(axis=0)].sum()) for c in itertools.combinations(range(6), 2))
    assert pl.exhaustive_optimum(matrix, weights, 2).total == best
    with pytest.raises(ValueError, match="trop grande"):
        pl.exhaustive_optimum(*random_instance(1, n_cand=60, n_dem=5), 10)


def test_greedy_gains_decrease_and_sum_to_total():
    matrix, weights = random_instance(5, n_cand=40, n_dem=80, density=0.08)
    result = pl.greedy(matrix, weights, 10)
    assert result.total == int(result.gains.sum())
    assert (np.diff(result.gains) <= 0).all()
    assert result.total == pl.covered_population(matrix, weights, result.sites)


def test_empty_instances():
    empty = sparse.csr_matrix((3, 0), dtype=bool)
    assert pl.greedy(empty, np.array([], dtype=np.int64), 2).total == 0
    assert pl.milp_optimum(empty, np.array([], dtype=np.int64), 2).total == 0
    assert pl.heuristic(empty, np.array([], dtype=np.int64), 2).sites.size == 0


@functools.cache
def synthetic_france():
    communes = synthetic_communes(35_000, seed=42)
    plat, plon = synthetic_places(communes, 20_000, seed=7)
    return communes, plat, plon


def departement_instance(code: str, threshold: float = 30):
    communes, plat, plon = synthetic_france()
    france_services = np.random.default_rng(3).random(len(plat)) < 0.02
    keep = communes.departements == code
    lat, lon, pop = communes.latitude[keep], communes.longitude[keep], communes.population[keep]
    current = cov.compute_coverage(lat, lon, plat, plon, france_services)
    demand = pl.UncoveredDemand(lat, lon, pop, current.minutes, threshold=threshold)
    return demand, lat, lon


@pytest.mark.parametrize(("code", "k"), [("45", 5), ("50", 10), ("60", 5), ("70", 10), ("30", 10)])
def test_heuristic_reaches_98_percent_of_the_optimum_on_departement_instances(code, k):
    demand, lat, lon = departement_instance(code)
    assert 50 < len(demand) < 1000
    found = pl.plan_sites(demand, lat, lon, k)
    exact = pl.plan_sites(demand, lat, lon, k, method="milp")
    assert exact.placement.optimal
    assert found.placement.total <= exact.placement.total
    assert found.placement.total >= 0.98 * exact.placement.total
    assert found.placement.greedy_total <= found.placement.total


def test_plan_sites_reaches_only_communes_beyond_the_threshold_and_within_reach():
    demand, lat, lon = departement_instance("50", threshold=20)
    proposal = pl.plan_sites(demand, lat, lon, 4)
    assert proposal.demand_population == demand.population
    assert proposal.threshold == 20
    assert len(proposal.candidates) == len(proposal.gains) <= 4
    assert proposal.placement.total == int(proposal.gains.sum())
    newly = proposal.newly_covered
    assert set(newly.tolist()) <= set(demand.commune_index.tolist())
    distances = cov.haversine_km(
        lat[newly, None], lon[newly, None], lat[proposal.candidates][None], lon[proposal.candidates][None]
    )
    assert (distances.min(axis=1) <= demand.radius_km + 1e-9).all()
    # Every site's gain equals what `gain_at` says once the sites before it are in place.
    site = proposal.candidates[0]
    assert demand.gain_at(lat[site], lon[site]) == proposal.gains[0]


def test_gain_at_counts_population_beyond_the_threshold_within_reach():
    lat = np.array([45.0, 45.1, 45.5, 46.0])
    lon = np.array([4.0, 4.0, 4.0, 4.0])
    population = np.array([100, 200, 400, 800])
    minutes = np.array([5.0, 40.0, 40.0, 40.0])  # the first is already covered
    demand = pl.UncoveredDemand(lat, lon, population, minutes, threshold=30)
    assert demand.radius_km == pytest.approx(30 / 1.3)
    assert len(demand) == 3 and demand.population == 1400
    assert demand.gain_at(45.0, 4.0) == 200  # 11 km away; 45.5 is 55 km away
    assert demand.gain_at(45.3, 4.0) == 600
    assert demand.gain_at(40.0, 4.0) == 0
    nobody = pl.UncoveredDemand(lat, lon, population, np.zeros(4))
    assert nobody.gain_at(45.0, 4.0) == 0 and nobody.coverage_matrix(lat, lon).nnz == 0


def test_bad_arguments_are_refused():
    demand, lat, lon = departement_instance("23")
    with pytest.raises(ValueError, match="positif"):
        pl.plan_sites(demand, lat, lon, -1)
    with pytest.raises(ValueError, match="Méthode inconnue"):
        pl.plan_sites(demand, lat, lon, 2, method="magie")
