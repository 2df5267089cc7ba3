"""Pure coverage computations: geometry, nearest place (KD-tree against brute force), indicators."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnfs.lieux.maillage import coverage as cov
from cnfs.lieux.maillage.synthetic import synthetic_communes, synthetic_places

PARIS = (48.8566, 2.3522)
LYON = (45.7640, 4.8357)


def test_unit_sphere_points_and_chord_round_trip():
    xyz = cov.unit_xyz([0, 90, -45, 48.85], [0, 0, 170, 2.35])
    assert np.allclose(np.linalg.norm(xyz, axis=1), 1.0)
    for km in (0.0, 0.001, 1.0, 392.0, 5000.0, 20000.0):
        assert cov.chord_to_km(cov.km_to_chord(km)) == pytest.approx(km, abs=1e-9)


def test_haversine_paris_lyon():
    assert float(cov.haversine_km(*PARIS, *LYON)) == pytest.approx(392.0, abs=1.0)
    assert float(cov.haversine_km(*PARIS, *PARIS)) == 0.0


def test_kdtree_matches_bruteforce_on_synthetic_france():
    communes = synthetic_communes(3000, seed=1)
    plat, plon = synthetic_places(communes, 800, seed=2)
    kd = cov.nearest_kdtree(communes.latitude, communes.longitude, plat, plon)
    bf = cov.nearest_bruteforce(communes.latitude, communes.longitude, plat, plon)
    assert np.abs(kd.km - bf.km).max() < 0.001  # under one metre
    assert np.array_equal(kd.index, bf.index)
    # The brute-force reference is itself the haversine formula.
    direct = cov.haversine_km(communes.latitude, communes.longitude, plat[bf.index], plon[bf.index])
    assert np.allclose(direct, bf.km, rtol=0, atol=1e-9)
    full = cov.haversine_km(communes.latitude[:50, None], communes.longitude[:50, None], plat[None], plon[None])
    assert np.allclose(full.min(axis=1), kd.km[:50], rtol=0, atol=1e-9)


latitudes = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)
points = st.lists(st.tuples(latitudes, longitudes), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(communes=points, places=points)
def test_kdtree_equals_bruteforce_anywhere_on_earth(communes, places):
    clat, clon = np.array(communes).T
    plat, plon = np.array(places).T
    kd = cov.nearest_kdtree(clat, clon, plat, plon)
    bf = cov.nearest_bruteforce(clat, clon, plat, plon)
    assert np.abs(kd.km - bf.km).max() < 0.001


def test_mask_restricts_places_and_keeps_original_indices():
    clat, clon = np.array([45.0]), np.array([4.0])
    plat = np.array([45.0, 45.1, 46.0])
    plon = np.array([4.0, 4.0, 4.0])
    only_far = np.array([False, False, True])
    result = cov.nearest_kdtree(clat, clon, plat, plon, only_far)
    assert result.index.tolist() == [2]
    assert result.km[0] == pytest.approx(111.2, abs=0.1)
    nothing = cov.nearest_kdtree(clat, clon, plat, plon, np.zeros(3, dtype=bool))
    assert nothing.index.tolist() == [-1] and np.isinf(nothing.km).all()
    assert cov.nearest_bruteforce(clat, clon, plat, plon, np.zeros(3, dtype=bool)).index.tolist() == [-1]


def test_places_without_coordinates_are_ignored():
    plat = np.array([np.nan, 45.2])
    plon = np.array([4.0, np.nan])
    result = cov.nearest_kdtree([45.0], [4.0], np.append(plat, 47.0), np.append(plon, 4.0))
    assert result.index.tolist() == [2]


def test_bad_shapes_are_refused_in_french():
    with pytest.raises(ValueError, match="n’a pas la longueur"):
        cov.nearest_kdtree([45.0], [4.0], [45.0, 46.0], [4.0, 4.0], [True])
    with pytest.raises(ValueError, match="même longueur"):
        cov.nearest_kdtree([45.0], [4.0], [45.0, 46.0], [4.0])
    with pytest.raises(ValueError, match="même longueur"):
        cov.indicators_by(None, [1, 2], [3.0])


def test_travel_model_and_its_sentence():
    model = cov.TravelModel()
    assert float(model.minutes(60.0)) == pytest.approx(78.0)
    assert model.km_for_minutes(30) == pytest.approx(30 / 1.3)
    assert float(model.minutes(model.km_for_minutes(30))) == pytest.approx(30)
    text = model.description
    assert "× 1,3 ÷ 60 km/h" in text and "en attendant un calculateur d’itinéraires" in text
    with pytest.raises(ValueError, match="détour"):
        cov.TravelModel(detour_factor=0.5)
    with pytest.raises(ValueError, match="vitesse"):
        cov.TravelModel(speed_kmh=0)


def test_time_bands_include_their_upper_bound():
    bands = cov.time_band(np.array([0, 10, 10.01, 20, 29.9, 30, 30.01, np.inf]))
    assert bands.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]


def test_indicators_by_group_and_nation():
    group = np.array(["42", "42", "42", "69", "69"])
    population = np.array([1000, 200, 50, 3000, 0])
    minutes = np.array([5.0, 15.0, 45.0, 25.0, np.inf])
    by_dep = cov.indicators_by(group, population, minutes)
    loire = by_dep["42"]
    assert loire.population == 1250 and loire.communes == 3
    assert loire.within == {10: 1000, 20: 1200, 30: 1200}
    assert loire.beyond_population == 50 and loire.beyond_communes == 1
    assert loire.share(10) == pytest.approx(0.8)
    rhone = by_dep["69"]
    assert rhone.within == {10: 0, 20: 0, 30: 3000}
    assert rhone.beyond_communes == 1 and rhone.beyond_population == 0
    nation = cov.national_indicators(population, minutes)
    assert nation.population == 4250 and nation.within[30] == 4200 and nation.beyond_population == 50
    assert cov.indicators_by(np.array([], dtype=str), np.array([], dtype=int), np.array([])) == {}
    empty = cov.Indicators("00", 0, 0, {10: 0}, 0, 0)
    assert empty.share(10) == 0.0


def test_least_covered_ranks_by_population_then_time():
    minutes = np.array([45.0, 10.0, 31.0, 60.0, 90.0, 35.0])
    population = np.array([500, 9000, 500, 200, 200, 5000])
    assert cov.least_covered(minutes, population, limit=10).tolist() == [5, 0, 2, 4, 3]
    assert cov.least_covered(minutes, population, limit=2).tolist() == [5, 0]
    assert cov.least_covered(minutes, population, threshold=50).tolist() == [4, 3]


def test_compute_coverage_with_label_mask():
    communes = synthetic_communes(500, seed=3)
    plat, plon = synthetic_places(communes, 100, seed=4)
    label = np.arange(100) % 4 == 0
    everything = cov.compute_coverage(communes.latitude, communes.longitude, plat, plon)
    labelled = cov.compute_coverage(communes.latitude, communes.longitude, plat, plon, label)
    assert (labelled.km >= everything.km - 1e-9).all()
    assert label[labelled.nearest_index].all()
    assert np.array_equal(labelled.band, cov.time_band(labelled.minutes))
    assert np.allclose(labelled.minutes, labelled.km * 1.3)
