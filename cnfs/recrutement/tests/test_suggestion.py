import numpy as np
import pytest

from cnfs.recrutement.suggestion import Problem, greedy, radius_graph, solve


def problem(cands, structs):
    """cands: (lat, lon, radius, group); structs: (lat, lon, posts, group)."""
    c = np.array(cands, dtype=float).reshape(-1, 4)
    s = np.array(structs, dtype=float).reshape(-1, 4)
    return Problem(
        c[:, 0], c[:, 1], c[:, 2], c[:, 3].astype(int), s[:, 0], s[:, 1], s[:, 2].astype(int), s[:, 3].astype(int)
    )


def test_optimal_fills_more_posts_than_greedy():
    # Candidate A is nearest to S1 but is the only one who can reach S2; B only reaches S1.
    # Greedy gives S1 to A and leaves S2 empty; the optimum gives S1 to B and S2 to A.
    p = problem(
        [(45.00, 4.00, 40, 0), (45.00, 3.80, 20, 0)],
        [(45.00, 3.99, 1, 0), (45.00, 4.30, 1, 0)],
    )
    assert greedy(p).posts_filled == 1
    best = solve(p)
    assert best.posts_filled == 2
    assert sorted(zip(best.candidate.tolist(), best.structure.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_minimises_total_distance_and_respects_quota_and_radius():
    p = problem(
        [(45.0, 4.0, 20, 0), (45.0, 4.1, 20, 0), (45.0, 4.2, 20, 0), (47.0, 4.0, 5, 0)],
        [(45.0, 4.0, 2, 0), (45.0, 4.2, 1, 0)],
    )
    best = solve(p)
    assert best.posts_filled == 3
    assert np.bincount(best.structure, minlength=2).tolist() == [2, 1]
    assert 3 not in best.candidate  # too far from every structure
    assert (best.distance_km <= p.cand_radius_km[best.candidate]).all()
    assert best.total_km == pytest.approx(greedy(p).total_km, rel=1e-6) or best.total_km < greedy(p).total_km


def test_never_crosses_land_masses():
    p = problem([(16.24, -61.53, 2000, 1)], [(14.61, -61.06, 1, 2)])  # Guadeloupe → Martinique
    cand, _, _ = radius_graph(p)
    assert cand.size == 0
    assert solve(p).posts_filled == 0


def test_empty_inputs():
    assert solve(problem([], [(45, 4, 1, 0)])).posts_filled == 0
    assert solve(problem([(45, 4, 20, 0)], [])).posts_filled == 0
