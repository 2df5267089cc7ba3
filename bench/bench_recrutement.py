"""Global suggestion benchmark: candidates and open posts spread over France, optimal assignment vs greedy.

Target (issue 4): 100,000 candidates, 5,000 structures with 10,000 open posts — radius graph and solve < 20 s.
Prints posts filled and total distance of the optimal assignment next to a greedy nearest-first baseline
measured in the same run. `--smoke`: a tiny run of a few seconds (CI).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnfs.recrutement.suggestion import Problem, greedy, radius_graph, solve  # noqa: E402

RADII = np.array([5, 10, 15, 20, 40, 100, 2000], dtype=float)
RADIUS_WEIGHTS = np.array([0.05, 0.15, 0.15, 0.25, 0.25, 0.1, 0.05])


def synthetic(n_cand: int, n_struct: int, n_posts: int, seed: int) -> Problem:
    """Points clustered around 60 "towns" of mainland France, plus a few on Réunion (another land mass)."""
    rng = np.random.default_rng(seed)
    towns = np.column_stack((rng.uniform(42.5, 50.8, 60), rng.uniform(-4.3, 7.8, 60)))

    def points(n):
        centre = towns[rng.integers(0, len(towns), n)]
        lat = centre[:, 0] + rng.normal(0, 0.35, n)
        lon = centre[:, 1] + rng.normal(0, 0.5, n)
        group = np.zeros(n, dtype=np.int64)
        reunion = rng.random(n) < 0.01
        lat[reunion] = rng.uniform(-21.35, -20.9, reunion.sum())
        lon[reunion] = rng.uniform(55.25, 55.8, reunion.sum())
        group[reunion] = 1
        return lat, lon, group

    c_lat, c_lon, c_group = points(n_cand)
    s_lat, s_lon, s_group = points(n_struct)
    posts = np.ones(n_struct, dtype=np.int64)
    extra = rng.choice(n_struct, n_posts - n_struct, replace=True)
    np.add.at(posts, extra, 1)
    radius = rng.choice(RADII, size=n_cand, p=RADIUS_WEIGHTS)
    return Problem(c_lat, c_lon, radius, c_group, s_lat, s_lon, posts, s_group)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="petit jeu de données (quelques secondes)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    n_cand, n_struct, n_posts = (2_000, 100, 200) if args.smoke else (100_000, 5_000, 10_000)
    problem = synthetic(n_cand, n_struct, n_posts, args.seed)
    print(f"{n_cand} candidats, {n_struct} structures, {n_posts} postes ouverts")

    t0 = time.perf_counter()
    cand, _, _ = radius_graph(problem)
    t_graph = time.perf_counter() - t0
    t0 = time.perf_counter()
    best = solve(problem)
    t_solve = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = greedy(problem)
    t_greedy = time.perf_counter() - t0

    assert np.unique(best.candidate).size == best.posts_filled, "un candidat affecté deux fois"
    assert (np.bincount(best.structure, minlength=n_struct) <= problem.struct_posts).all(), "quota dépassé"
    assert (best.distance_km <= problem.cand_radius_km[best.candidate] + 1e-6).all(), "rayon dépassé"
    print(f"graphe de rayon : {cand.size} arêtes en {t_graph:.2f} s")
    print(
        f"affectation optimale : {best.posts_filled} postes pourvus, {best.total_km:,.0f} km au total, "
        f"{t_solve:.2f} s (graphe compris)"
    )
    print(
        f"glouton (plus proche d’abord) : {base.posts_filled} postes pourvus, {base.total_km:,.0f} km au total, "
        f"{t_greedy:.2f} s"
    )
    ratio_posts = best.posts_filled / max(base.posts_filled, 1)
    per_post_best = best.total_km / max(best.posts_filled, 1)
    per_post_base = base.total_km / max(base.posts_filled, 1)
    print(
        f"rapport postes pourvus optimal/glouton : {ratio_posts:.3f} ; km par poste : {per_post_best:.1f} "
        f"contre {per_post_base:.1f}"
    )
    if best.posts_filled < base.posts_filled:
        print("ÉCHEC : l’affectation optimale pourvoit moins de postes que le glouton")
        return 1
    if not args.smoke and t_solve > 20:
        print(f"ÉCHEC : {t_solve:.1f} s > 20 s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
