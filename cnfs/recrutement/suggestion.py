"""Global suggestion: assign available candidates to open posts, filling as many posts as possible, then with the
least total distance, within each candidate's own radius and each structure's open posts. A proposal only:
nothing is written, a person decides.

Method: a sparse radius graph (k-d tree on the unit sphere; each candidate is linked to at most `max_links`
nearest structures within their radius and on the same land mass), each structure expanded into one column per
open post, and one dummy candidate per post with a prohibitive cost, so that the minimum-weight full matching
(scipy's LAPJVsp) first minimises the number of unfilled posts, then the total distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

from cnfs.recrutement import geo

# Larger than any possible sum of real distances (posts × 20,000 km), so one more filled post always wins.
_EPSILON_KM = 1e-3


@dataclass
class Problem:
    cand_lat: np.ndarray
    cand_lon: np.ndarray
    cand_radius_km: np.ndarray
    cand_group: np.ndarray  # territory group code per candidate (int)
    struct_lat: np.ndarray
    struct_lon: np.ndarray
    struct_posts: np.ndarray  # open posts per structure
    struct_group: np.ndarray
    # Pairs that must not be proposed (already in relation), as keys candidate index × n_structures + structure index.
    excluded: np.ndarray | None = None


@dataclass
class Assignment:
    candidate: np.ndarray  # candidate index per assigned post
    structure: np.ndarray  # structure index per assigned post
    distance_km: np.ndarray

    @property
    def posts_filled(self) -> int:
        return int(self.candidate.size)

    @property
    def total_km(self) -> float:
        return float(self.distance_km.sum())


def radius_graph(problem: Problem, *, max_links: int = 12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges (candidate, structure, km) where the structure lies within the candidate's radius, same land mass."""
    n_struct = problem.struct_lat.size
    if n_struct == 0 or problem.cand_lat.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    tree = cKDTree(geo.to_unit_xyz(problem.struct_lat, problem.struct_lon))
    k = min(max_links, n_struct)
    chord, idx = tree.query(
        geo.to_unit_xyz(problem.cand_lat, problem.cand_lon),
        k=k,
        distance_upper_bound=float(geo.km_to_chord(problem.cand_radius_km.max())),
    )
    chord, idx = chord.reshape(-1, k), idx.reshape(-1, k)
    cand = np.repeat(np.arange(problem.cand_lat.size), k)
    struct, chord = idx.ravel(), chord.ravel()
    keep = struct < n_struct  # missing neighbours come back as index n
    cand, struct, chord = cand[keep], struct[keep], chord[keep]
    km = 2 * geo.EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0, 1))
    keep = (km <= problem.cand_radius_km[cand]) & (problem.cand_group[cand] == problem.struct_group[struct])
    if problem.excluded is not None and problem.excluded.size:
        keep &= ~np.isin(cand.astype(np.int64) * n_struct + struct, problem.excluded)
    return cand[keep], struct[keep], km[keep]


def solve(problem: Problem, *, max_links: int = 12) -> Assignment:
    """Optimal assignment on the radius graph: most posts filled, then least total distance."""
    cand, struct, km = radius_graph(problem, max_links=max_links)
    posts = problem.struct_posts.astype(np.int64)
    n_posts = int(posts.sum())
    if n_posts == 0 or cand.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return Assignment(empty, empty, np.empty(0))
    # One column per open post: post p belongs to structure post_struct[p].
    first_post = np.concatenate(([0], np.cumsum(posts)[:-1]))
    edge_posts = posts[struct]
    rep = np.repeat(np.arange(cand.size), edge_posts)
    offsets = np.arange(rep.size) - np.repeat(np.cumsum(edge_posts) - edge_posts, edge_posts)
    rows_post = first_post[struct[rep]] + offsets
    cols_cand = cand[rep]
    weights = km[rep] + _EPSILON_KM
    # Only candidates with at least one edge take part; dummy candidates (one per post) close the matching.
    used, cols_cand = np.unique(cols_cand, return_inverse=True)
    n_real = used.size
    big = (weights.max() + 1.0) * (n_posts + 1)
    rows = np.concatenate((rows_post, np.arange(n_posts)))
    cols = np.concatenate((cols_cand, n_real + np.arange(n_posts)))
    data = np.concatenate((weights, np.full(n_posts, big)))
    matrix = coo_array((data, (rows, cols)), shape=(n_posts, n_real + n_posts)).tocsr()
    row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    real = col_ind < n_real
    post_struct = np.repeat(np.arange(posts.size), posts)
    chosen_post, chosen_cand = row_ind[real], used[col_ind[real]]
    structures = post_struct[chosen_post]
    distance = np.asarray(matrix[chosen_post, col_ind[real]]).ravel() - _EPSILON_KM
    return Assignment(chosen_cand, structures, distance)


def greedy(problem: Problem, *, max_links: int = 12) -> Assignment:
    """Baseline: nearest pairs first, each candidate and post used once (what a person would do by hand)."""
    cand, struct, km = radius_graph(problem, max_links=max_links)
    order = np.argsort(km, kind="stable")
    left = problem.struct_posts.astype(np.int64).copy()
    taken = np.zeros(problem.cand_lat.size, dtype=bool)
    out_c, out_s, out_d = [], [], []
    for e in order.tolist():
        c, s = cand[e], struct[e]
        if taken[c] or left[s] == 0:
            continue
        taken[c] = True
        left[s] -= 1
        out_c.append(c)
        out_s.append(s)
        out_d.append(km[e])
    return Assignment(np.asarray(out_c, dtype=np.int64), np.asarray(out_s, dtype=np.int64), np.asarray(out_d))
