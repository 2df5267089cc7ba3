"""Placement of new sites: the maximal covering location problem (MCLP), greedy and exact.

Choose K candidate sites maximising the population newly brought within a travel-time threshold. Demand is the
communes currently beyond the threshold; a candidate covers a demand commune when the estimated time between them is
within the threshold (same straight-line model as `coverage`). The candidate → demand relation is a sparse boolean
matrix built from a KD-tree on unit-sphere coordinates.

- `greedy`: lazy greedy (priority queue of marginal gains, re-evaluated only when popped): the classic
  (1 − 1/e) guarantee for this submodular objective; in practice 1–5 % under the optimum with few sites.
- `heuristic` (what the pages and the CLI use): the lazy greedy, then an interchange local search
  (`improve_by_swaps`), with a few forced-first restarts on département-size instances.
- `milp_optimum`: exact integer programme solved by HiGHS through `scipy.optimize.milp`, for a département-size
  instance; used by the tests and the benchmark to measure the greedy result's gap.
- `exhaustive_optimum`: every combination, for tiny instances only (checks the MILP in tests).
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import LinearConstraint, milp
from scipy.spatial import cKDTree

from cnfs.lieux.maillage.coverage import TravelModel, km_to_chord, unit_xyz


@dataclass(frozen=True)
class Placement:
    """Chosen candidate indices in selection order, the population each adds, and how they were found."""

    sites: np.ndarray
    gains: np.ndarray
    total: int
    method: str
    seconds: float
    optimal: bool = False
    newly_covered: np.ndarray | None = None  # demand indices
    greedy_total: int | None = None  # plain lazy greedy, before the local search (heuristic only)


# --- The sparse coverage relation -----------------------------------------------------------------------------
class UncoveredDemand:
    """Communes beyond the threshold with their population, indexed for "who would a site at (lat, lon) reach?".

    Built once per (places, label, threshold) and reused: `gain_at` answers in microseconds, which is what the
    committee and prefecture pages need, and `coverage_matrix` feeds the placement algorithms.
    """

    def __init__(
        self,
        commune_lat,
        commune_lon,
        population,
        current_minutes,
        *,
        threshold: float = 30,
        model: TravelModel | None = None,
    ):
        self.model = model or TravelModel()
        self.threshold = float(threshold)
        self.radius_km = self.model.km_for_minutes(self.threshold)
        self.chord = km_to_chord(self.radius_km)
        lat = np.asarray(commune_lat, dtype=np.float64)
        lon = np.asarray(commune_lon, dtype=np.float64)
        population = np.asarray(population, dtype=np.int64)
        minutes = np.asarray(current_minutes, dtype=np.float64)
        usable = np.isfinite(lat) & np.isfinite(lon) & (population > 0) & (minutes > self.threshold)
        self.commune_index = np.flatnonzero(usable)  # demand i is commune commune_index[i]
        self.weights = population[self.commune_index]
        self.xyz = unit_xyz(lat[self.commune_index], lon[self.commune_index])
        self.tree = cKDTree(self.xyz) if len(self.commune_index) else None

    def __len__(self) -> int:
        return len(self.commune_index)

    @property
    def population(self) -> int:
        return int(self.weights.sum())

    def reached(self, lat: float, lon: float) -> np.ndarray:
        """Demand indices a site at (lat, lon) would bring within the threshold."""
        if self.tree is None:
            return np.empty(0, dtype=np.int64)
        found = self.tree.query_ball_point(unit_xyz([lat], [lon])[0], r=self.chord, return_sorted=True)
        return np.asarray(found, dtype=np.int64)

    def gain_at(self, lat: float, lon: float) -> int:
        """Population newly brought within the threshold by one more place at (lat, lon)."""
        return int(self.weights[self.reached(lat, lon)].sum())

    def coverage_matrix(self, cand_lat, cand_lon) -> sparse.csr_matrix:
        """Boolean CSR matrix candidates × demand: True when the candidate reaches the demand commune."""
        cand_xyz = unit_xyz(cand_lat, cand_lon)
        shape = (len(cand_xyz), len(self))
        if self.tree is None or len(cand_xyz) == 0:
            return sparse.csr_matrix(shape, dtype=bool)
        pairs = cKDTree(cand_xyz).sparse_distance_matrix(self.tree, self.chord, output_type="ndarray")
        rows, cols = pairs["i"], pairs["j"]
        # Pairs are unique: group them by row with a stable counting order instead of COO's sort-and-sum.
        key = rows.astype(np.uint16) if shape[0] <= np.iinfo(np.uint16).max + 1 else rows
        order = np.argsort(key, kind="stable")
        indptr = np.zeros(shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
        indices = cols[order].astype(np.int32 if shape[1] < np.iinfo(np.int32).max else np.int64)
        return sparse.csr_matrix((np.ones(len(order), dtype=bool), indices, indptr), shape=shape)


# --- Algorithms -----------------------------------------------------------------------------------------------
def _row_gains(matrix: sparse.csr_matrix, weights: np.ndarray) -> np.ndarray:
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    return np.bincount(rows, weights=weights[matrix.indices].astype(np.float64), minlength=matrix.shape[0])


def greedy(matrix: sparse.csr_matrix, weights, k: int) -> Placement:
    """Lazy greedy: pop the best stale gain, refresh it, keep it if it still beats every other upper bound."""
    started = time.perf_counter()
    matrix = sparse.csr_matrix(matrix)
    weights = np.asarray(weights, dtype=np.int64)
    indptr, indices = matrix.indptr, matrix.indices
    gains = _row_gains(matrix, weights)
    heap = [(-g, j) for j, g in enumerate(gains.tolist()) if g > 0]
    heapq.heapify(heap)
    covered = np.zeros(matrix.shape[1], dtype=bool)
    live = weights.copy()  # population of each demand commune not yet covered
    sites: list[int] = []
    site_gains: list[int] = []
    remaining = int(weights[np.unique(indices)].sum()) if len(indices) else 0  # reachable and not yet covered
    while heap and len(sites) < k and remaining > 0:
        _, j = heapq.heappop(heap)
        cols = indices[indptr[j] : indptr[j + 1]]
        fresh = int(live[cols].sum())
        if fresh <= 0:
            continue
        # Gains only shrink as sites are added (submodularity): a refreshed gain ≥ every stale bound is the best.
        # Comparing (−gain, index) pairs breaks ties by the lowest index, like a plain greedy would.
        if not heap or (-fresh, j) <= heap[0]:
            sites.append(j)
            site_gains.append(fresh)
            covered[cols] = True
            live[cols] = 0
            remaining -= fresh
        else:
            heapq.heappush(heap, (-fresh, j))
    return Placement(
        sites=np.asarray(sites, dtype=np.int64),
        gains=np.asarray(site_gains, dtype=np.int64),
        total=int(sum(site_gains)),
        method="glouton",
        seconds=time.perf_counter() - started,
        newly_covered=np.flatnonzero(covered),
    )


def _gather(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated `indices` of several compressed rows (or columns) and each one's length, without a loop."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    return indices[offsets], lengths


def improve_by_swaps(
    matrix: sparse.csr_matrix, weights, sites, *, max_rounds: int = 100
) -> tuple[np.ndarray, int, int]:
    """Interchange local search (Teitz–Bart): swap one chosen site for one other candidate while it gains.

    Each round tries every chosen site s against every candidate c: the gain of c is the uncovered population it
    reaches plus the population only s covered; the loss is the population only s covered. The best strictly
    improving swap is applied. Returns (sites, covered population, swaps made).
    """
    matrix = sparse.csr_matrix(matrix)
    weights = np.asarray(weights, dtype=np.int64)
    by_demand = matrix.tocsc()
    chosen = [int(s) for s in sites]
    count = np.zeros(matrix.shape[1], dtype=np.int64)
    for s in chosen:
        count[matrix.indices[matrix.indptr[s] : matrix.indptr[s + 1]]] += 1
    swaps = 0
    for _ in range(max_rounds):
        add_gain = by_demand @ (weights * (count == 0)).astype(np.float64)
        add_gain[chosen] = -np.inf
        ranking = np.argsort(-add_gain, kind="stable")
        best_delta, best_swap = 0.0, None
        for position, s in enumerate(chosen):
            cols = matrix.indices[matrix.indptr[s] : matrix.indptr[s + 1]]
            only_s = cols[count[cols] == 1]
            loss = float(weights[only_s].sum())
            # Candidates reaching a commune only s covered gain it back; all others keep their plain gain.
            rows, lengths = _gather(by_demand.indptr, by_demand.indices, only_s)
            touched, inverse = np.unique(rows, return_inverse=True)
            extra = np.bincount(inverse, weights=np.repeat(weights[only_s], lengths).astype(np.float64))
            c, gain = -1, -np.inf
            if len(touched):
                with_extra = add_gain[touched] + extra
                best = int(np.argmax(with_extra))
                c, gain = int(touched[best]), float(with_extra[best])
            for other in ranking[: len(touched) + 1]:
                if add_gain[other] <= gain:
                    break
                if not len(touched) or touched[min(np.searchsorted(touched, other), len(touched) - 1)] != other:
                    c, gain = int(other), float(add_gain[other])
                    break
            if c >= 0 and gain - loss > best_delta:
                best_delta, best_swap = gain - loss, (position, c)
        if best_swap is None:
            break
        position, c = best_swap
        count[matrix.indices[matrix.indptr[chosen[position]] : matrix.indptr[chosen[position] + 1]]] -= 1
        count[matrix.indices[matrix.indptr[c] : matrix.indptr[c + 1]]] += 1
        chosen[position] = c
        swaps += 1
    return np.asarray(chosen, dtype=np.int64), int(weights[count > 0].sum()), swaps


# Below this many candidate → demand pairs (a département) the heuristic can afford several greedy starts.
MULTISTART_MAX_PAIRS = 250_000


def heuristic(matrix: sparse.csr_matrix, weights, k: int, *, starts: int | None = None) -> Placement:
    """Lazy greedy, then interchange local search; on small instances, also restarts from the next-best first sites.

    The plain greedy's first pick is its most consequential mistake on few sites: each extra start forces one of
    the `starts` best single sites first, completes greedily and improves by swaps; the best result is kept.
    """
    started = time.perf_counter()
    matrix = sparse.csr_matrix(matrix)
    weights = np.asarray(weights, dtype=np.int64)
    # Candidates that reach nobody cannot matter: work on the others, then map back.
    active = np.flatnonzero(np.diff(matrix.indptr))
    if len(active) < matrix.shape[0]:
        found = heuristic(matrix[active], weights, k, starts=starts)
        return Placement(
            sites=active[found.sites],
            gains=found.gains,
            total=found.total,
            method=found.method,
            seconds=time.perf_counter() - started,
            newly_covered=found.newly_covered,
            greedy_total=found.greedy_total,
        )
    if starts is None:
        starts = 10 if matrix.nnz <= MULTISTART_MAX_PAIRS else 1
    first = greedy(matrix, weights, k)
    best_sites, best_total, _ = improve_by_swaps(matrix, weights, first.sites)
    if starts > 1 and k > 1 and len(first.sites):
        single = _row_gains(matrix, weights)
        for forced in np.argsort(-single, kind="stable")[:starts]:
            if forced == first.sites[0] or single[forced] <= 0:
                continue
            rest = weights.copy()
            rest[matrix.indices[matrix.indptr[forced] : matrix.indptr[forced + 1]]] = 0
            completion = greedy(matrix, rest, k - 1)
            sites, total, _ = improve_by_swaps(matrix, weights, np.concatenate([[forced], completion.sites]))
            if total > best_total:
                best_sites, best_total = sites, total
    sites, gains, newly = marginal_gains(matrix, weights, best_sites)
    return Placement(
        sites=sites[gains > 0],
        gains=gains[gains > 0],
        total=best_total,
        method="glouton + échanges",
        seconds=time.perf_counter() - started,
        newly_covered=newly,
        greedy_total=first.total,
    )


def marginal_gains(matrix: sparse.csr_matrix, weights, sites) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sites reordered greedily among themselves, the population each adds, and the demand they cover together."""
    matrix = sparse.csr_matrix(matrix)
    sites = np.asarray(sites, dtype=np.int64)
    order = greedy(matrix[sites], weights, len(sites))
    chosen = sites[order.sites]
    # Sites that add nothing once the others are placed keep a zero gain, at the end.
    rest = np.setdiff1d(sites, chosen)
    return (
        np.concatenate([chosen, rest]),
        np.concatenate([order.gains, np.zeros(len(rest), dtype=np.int64)]),
        order.newly_covered,
    )


def covered_population(matrix: sparse.csr_matrix, weights, sites) -> int:
    """Population of the demand reached by at least one of `sites`."""
    weights = np.asarray(weights, dtype=np.int64)
    sites = np.asarray(sites, dtype=np.int64)
    if len(sites) == 0:
        return 0
    reached = np.asarray(sparse.csr_matrix(matrix)[sites].sum(axis=0)).ravel() > 0
    return int(weights[reached].sum())


def milp_optimum(matrix: sparse.csr_matrix, weights, k: int, *, time_limit: float | None = 60.0) -> Placement:
    """Exact MCLP by integer programming (HiGHS).

    maximise Σ wᵢ yᵢ subject to yᵢ ≤ Σⱼ aⱼᵢ xⱼ, Σ xⱼ ≤ K, x binary, 0 ≤ y ≤ 1. y need not be declared integer:
    for binary x the best y is min(1, Σ aⱼᵢ xⱼ), already 0 or 1.
    """
    started = time.perf_counter()
    matrix = sparse.csr_matrix(matrix)
    weights = np.asarray(weights, dtype=np.int64)
    # Candidates reaching nobody and demand nobody reaches, or without inhabitants, change nothing: leave them out.
    active = np.flatnonzero(np.diff(matrix.indptr))
    reachable = (np.asarray(matrix.sum(axis=0)).ravel() > 0) & (weights > 0)
    columns = np.flatnonzero(reachable)
    a = matrix[active][:, columns].astype(np.float64)
    n_cand = len(active)
    w = weights[columns].astype(np.float64)
    m = len(columns)
    if m == 0 or k <= 0:
        return Placement(np.empty(0, np.int64), np.empty(0, np.int64), 0, "exact (PLNE)", 0.0, optimal=True)
    c = np.concatenate([np.zeros(n_cand), -w])
    # Rows: yᵢ − Σⱼ aⱼᵢ xⱼ ≤ 0 for each demand, then Σ xⱼ ≤ K.
    link = sparse.hstack([-a.T, sparse.identity(m, format="csr")], format="csr")
    budget = sparse.csr_matrix(np.concatenate([np.ones(n_cand), np.zeros(m)])[None, :])
    constraints = [
        LinearConstraint(link, -np.inf, 0.0),
        LinearConstraint(budget, -np.inf, float(k)),
    ]
    integrality = np.concatenate([np.ones(n_cand), np.zeros(m)])
    options = {"disp": False, "mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    result = milp(c, constraints=constraints, integrality=integrality, bounds=(0, 1), options=options)
    if result.x is None:
        raise RuntimeError(f"Le solveur n’a pas trouvé de solution : {result.message}")
    chosen = active[np.flatnonzero(result.x[:n_cand] > 0.5)]
    sites, gains, newly = marginal_gains(matrix, weights, chosen)
    return Placement(
        sites=sites,
        gains=gains,
        total=covered_population(matrix, weights, chosen),
        method="exact (PLNE)",
        seconds=time.perf_counter() - started,
        optimal=result.status == 0,
        newly_covered=newly,
    )


def exhaustive_optimum(matrix: sparse.csr_matrix, weights, k: int, *, max_combinations: int = 200_000) -> Placement:
    """Best K-subset by trying them all; refuses instances with more than `max_combinations` subsets."""
    started = time.perf_counter()
    matrix = sparse.csr_matrix(matrix)
    n_cand = matrix.shape[0]
    k = min(k, n_cand)
    if math.comb(n_cand, k) > max_combinations:
        raise ValueError("Instance trop grande pour une énumération exhaustive.")
    dense = matrix.toarray()
    weights = np.asarray(weights, dtype=np.int64)
    best_total, best = -1, ()
    for subset in itertools.combinations(range(n_cand), k):
        total = int(weights[dense[list(subset)].any(axis=0)].sum()) if subset else 0
        if total > best_total:
            best_total, best = total, subset
    sites, gains, newly = marginal_gains(matrix, weights, list(best))
    return Placement(sites, gains, best_total, "exhaustif", time.perf_counter() - started, True, newly)


# --- One call from communes to a proposal ---------------------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    """A placement expressed on the input arrays: candidate indices, commune indices newly covered."""

    placement: Placement
    candidates: np.ndarray  # indices into the candidate arrays, in selection order
    gains: np.ndarray
    newly_covered: np.ndarray  # commune indices
    demand_population: int  # population beyond the threshold before placement
    threshold: float


def plan_sites(
    demand: UncoveredDemand, cand_lat, cand_lon, k: int, *, method: str = "greedy", time_limit: float | None = 60.0
) -> Proposal:
    """Choose up to `k` of the candidates for `demand` (greedy, or `method="milp"` for the exact optimum)."""
    if k < 0:
        raise ValueError("Le nombre de sites doit être positif.")
    started = time.perf_counter()
    matrix = demand.coverage_matrix(cand_lat, cand_lon)
    if method == "greedy":
        placement = heuristic(matrix, demand.weights, k)
    elif method == "milp":
        placement = milp_optimum(matrix, demand.weights, k, time_limit=time_limit)
    else:
        raise ValueError(f"Méthode inconnue : {method!r}.")
    placement = Placement(
        sites=placement.sites,
        gains=placement.gains,
        total=placement.total,
        method=placement.method,
        seconds=time.perf_counter() - started,  # includes building the coverage matrix
        optimal=placement.optimal,
        newly_covered=placement.newly_covered,
        greedy_total=placement.greedy_total,
    )
    return Proposal(
        placement=placement,
        candidates=placement.sites,
        gains=placement.gains,
        newly_covered=demand.commune_index[placement.newly_covered],
        demand_population=demand.population,
        threshold=demand.threshold,
    )
