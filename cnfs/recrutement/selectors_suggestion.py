"""Reads for the global suggestion page: the open posts and available candidates of a territory, solved with
`cnfs.recrutement.suggestion` (optimal assignment) next to its greedy baseline. Writes nothing."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from cnfs.recrutement import geo
from cnfs.recrutement.enums import ETAPES_DISPONIBLES
from cnfs.recrutement.models import Candidature, MiseEnRelation, Structure
from cnfs.recrutement.suggestion import Assignment, Problem, greedy, solve


@dataclass
class Line:
    structure: Structure
    candidature: Candidature
    distance_km: float


@dataclass
class Totals:
    posts_filled: int
    total_km: float

    @property
    def km_per_post(self) -> float:
        return self.total_km / self.posts_filled if self.posts_filled else 0.0


@dataclass
class Suggestion:
    departements: frozenset[str] | None  # None: the whole country
    structures: int = 0
    open_posts: int = 0
    candidates: int = 0
    optimal: Totals = field(default_factory=lambda: Totals(0, 0.0))
    baseline: Totals = field(default_factory=lambda: Totals(0, 0.0))
    seconds: float = 0.0
    lines: list[Line] = field(default_factory=list)

    @property
    def extra_posts(self) -> int:
        return self.optimal.posts_filled - self.baseline.posts_filled

    @property
    def km_saved(self) -> float:
        return self.baseline.total_km - self.optimal.total_km


def global_suggestion(departements: frozenset[str] | None) -> Suggestion:
    """Assign available candidates to the open posts of the structures of `departements` (None: all France).

    Candidates may live anywhere (within their own radius and on the same land mass); pairs already in relation
    are left out, since the structure has already seen them. Two queries for the inputs, one per object type for
    the lines.
    """
    result = Suggestion(departements=departements)
    structures = Structure.objects.filter(postes_accordes__gt=0)
    if departements is not None:
        structures = structures.filter(commune__departement__code__in=departements)
    s_rows = [
        (pk, lat if lat is not None else clat, lon if lon is not None else clon, accordes - occupes, dep)
        for pk, lat, lon, clat, clon, accordes, occupes, dep in structures.values_list(
            "pk",
            "latitude",
            "longitude",
            "commune__latitude",
            "commune__longitude",
            "postes_accordes",
            "postes_occupes",
            "commune__departement__code",
        )
        if accordes > occupes
    ]
    s_rows = [r for r in s_rows if r[1] is not None and r[2] is not None]
    result.structures = len(s_rows)
    result.open_posts = sum(r[3] for r in s_rows)
    if not s_rows:
        return result
    c_rows = list(
        Candidature.objects.filter(
            etape__in=ETAPES_DISPONIBLES, commune__latitude__isnull=False, commune__longitude__isnull=False
        ).values_list("pk", "commune__latitude", "commune__longitude", "distance_max", "commune__departement__code")
    )
    result.candidates = len(c_rows)
    if not c_rows:
        return result
    started = time.perf_counter()
    groups: dict[str, int] = {}

    def group_of(code: str) -> int:
        return groups.setdefault(geo.territory_group(code), len(groups))

    s_ids = np.array([r[0] for r in s_rows], dtype=np.int64)
    c_ids = np.array([r[0] for r in c_rows], dtype=np.int64)
    s_index = {int(pk): i for i, pk in enumerate(s_ids)}
    c_index = {int(pk): i for i, pk in enumerate(c_ids)}
    pairs = MiseEnRelation.objects.filter(structure_id__in=s_index, candidature_id__in=c_index).values_list(
        "candidature_id", "structure_id"
    )
    excluded = np.array([c_index[c] * len(s_rows) + s_index[s] for c, s in pairs], dtype=np.int64)
    problem = Problem(
        cand_lat=np.array([r[1] for r in c_rows], dtype=float),
        cand_lon=np.array([r[2] for r in c_rows], dtype=float),
        cand_radius_km=np.array([r[3] for r in c_rows], dtype=float),
        cand_group=np.array([group_of(r[4]) for r in c_rows], dtype=np.int64),
        struct_lat=np.array([r[1] for r in s_rows], dtype=float),
        struct_lon=np.array([r[2] for r in s_rows], dtype=float),
        struct_posts=np.array([r[3] for r in s_rows], dtype=np.int64),
        struct_group=np.array([group_of(r[4]) for r in s_rows], dtype=np.int64),
        excluded=excluded,
    )
    best: Assignment = solve(problem)
    base: Assignment = greedy(problem)
    result.seconds = time.perf_counter() - started
    result.optimal = Totals(best.posts_filled, best.total_km)
    result.baseline = Totals(base.posts_filled, base.total_km)
    chosen_s = s_ids[best.structure]
    chosen_c = c_ids[best.candidate]
    structures_by_pk = Structure.objects.select_related("commune__departement").in_bulk(
        [int(pk) for pk in set(chosen_s)]
    )
    candidates_by_pk = Candidature.objects.select_related("commune").in_bulk([int(pk) for pk in chosen_c])
    lines = [
        Line(structures_by_pk[int(s)], candidates_by_pk[int(c)], round(float(d), 1))
        for s, c, d in zip(chosen_s, chosen_c, best.distance_km, strict=True)
    ]
    lines.sort(key=lambda x: (x.structure.commune.departement.code, x.structure.nom, x.structure.pk, x.distance_km))
    result.lines = lines
    return result
