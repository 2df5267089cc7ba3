"""Reads for the coverage pages, the CLI and other apps: arrays from the database, coverage states, proposals.

Communes and places are read once each into NumPy arrays (one query each) and kept in process memory under a
version key (row count, highest id, last update), which one cheap aggregate query per request checks. The
coverage of every commune and the "uncovered demand" index are derived from those arrays and memoised per label
and threshold, so that `coverage_gain` answers in microseconds after the first call.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from cnfs.lieux.enums import LABEL_FLAGS, Label
from cnfs.lieux.maillage import coverage as cov
from cnfs.lieux.maillage import placement as pl
from cnfs.lieux.models import Lieu
from cnfs.territoires.models import Commune, Departement, Region
from cnfs.territoires.selectors import CommunePoints, communes_points

DEFAULT_THRESHOLD = 30
THRESHOLDS = (10, 15, 20, 30, 45, 60)
CANDIDATES_WITHOUT_PLACE = "sans-lieu"
CANDIDATES_ALL = "toutes"


@dataclass(frozen=True)
class PlaceArrays:
    """Every located place, as parallel arrays, with one boolean mask per programme label."""

    id: np.ndarray
    nom: np.ndarray
    commune: np.ndarray  # INSEE code
    latitude: np.ndarray
    longitude: np.ndarray
    labels: dict[str, np.ndarray] = field(repr=False)

    def __len__(self) -> int:
        return len(self.id)

    def mask(self, label: str | None) -> np.ndarray | None:
        """Places holding `label`, or None (every place) when no label is asked for."""
        return None if label is None else self.labels[label]


class _Memo:
    """A small thread-safe LRU memo shared by the requests of one process."""

    def __init__(self, size: int = 32):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, compute):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = compute()
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_memo = _Memo()


def clear_caches() -> None:
    """Forget every memoised array and state (tests, after a bulk import in the same process)."""
    _memo.clear()


# --- Labels and the travel model ------------------------------------------------------------------------------
LABEL_CHOICES: list[tuple[str, str]] = [("", "Tous les lieux"), *Label.choices]


def normalise_label(label: str | None) -> str | None:
    """A `Label` value from a form or the command line ("france_services" or "france-services"); None for all.

    Raises ValueError with a French message for an unknown label.
    """
    if label in (None, ""):
        return None
    value = str(label).strip().lower().replace("_", "-")
    if value not in LABEL_FLAGS:
        known = ", ".join(LABEL_FLAGS)
        raise ValueError(f"Label inconnu : « {label} ». Labels possibles : {known}.")
    return value


def label_name(label: str | None) -> str:
    return dict(LABEL_CHOICES).get(label or "", "Tous les lieux")


def travel_model() -> cov.TravelModel:
    """The travel-time estimate configured in settings (COVERAGE_DETOUR_FACTOR, COVERAGE_SPEED_KMH)."""
    return cov.TravelModel(detour_factor=settings.COVERAGE_DETOUR_FACTOR, speed_kmh=settings.COVERAGE_SPEED_KMH)


# --- Arrays from the database ---------------------------------------------------------------------------------
def _communes_version() -> tuple:
    located = Commune.objects.filter(latitude__isnull=False, longitude__isnull=False)
    agg = located.aggregate(n=Count("id"), last=Max("id"), population=Max("population"))
    return ("communes", agg["n"], agg["last"], agg["population"])


def _places_version() -> tuple:
    agg = Lieu.objects.aggregate(n=Count("id"), last=Max("id"), updated=Max("updated_at"))
    return ("lieux", agg["n"], agg["last"], agg["updated"])


def data_version() -> tuple:
    """Version key of the communes and places the coverage is computed from (two aggregate queries)."""
    return (_communes_version(), _places_version())


def commune_arrays(version: tuple | None = None) -> CommunePoints:
    """Every commune with coordinates (`territoires.selectors.communes_points`), memoised under the data version."""
    version = version or data_version()
    return _memo.get(("communes", version[0]), communes_points)


def place_arrays(version: tuple | None = None) -> PlaceArrays:
    """Every located place with its label flags, in one query, memoised under the data version."""
    version = version or data_version()
    flags = list(LABEL_FLAGS.items())

    def load() -> PlaceArrays:
        rows = list(
            Lieu.objects.located()
            .order_by("id")
            .values_list("id", "nom", "commune_id", "latitude", "longitude", *[column for _, column in flags])
        )
        columns = list(zip(*rows, strict=True)) if rows else [()] * (5 + len(flags))
        return PlaceArrays(
            id=np.array(columns[0], dtype=np.int64),
            nom=np.array(columns[1], dtype=object),
            commune=np.array(columns[2], dtype=object),
            latitude=np.array(columns[3], dtype=np.float64),
            longitude=np.array(columns[4], dtype=np.float64),
            labels={label: np.array(columns[5 + i], dtype=bool) for i, (label, _) in enumerate(flags)},
        )

    return _memo.get(("lieux", version[1]), load)


# --- Coverage state -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoverageState:
    """Nearest place and estimated time of every commune for one label, with the arrays it came from."""

    communes: CommunePoints
    places: PlaceArrays
    result: cov.CoverageResult
    label: str | None
    version: tuple

    @property
    def model(self) -> cov.TravelModel:
        return self.result.model


def coverage_state(label: str | None = None) -> CoverageState:
    """Coverage of every commune by the places holding `label` (all places when None), memoised."""
    label = normalise_label(label)
    version = data_version()
    model = travel_model()

    def compute() -> CoverageState:
        communes = commune_arrays(version)
        places = place_arrays(version)
        result = cov.compute_coverage(
            communes.latitude, communes.longitude, places.latitude, places.longitude, places.mask(label), model=model
        )
        return CoverageState(communes, places, result, label, version)

    return _memo.get(("state", version, label, model), compute)


def uncovered_demand(state: CoverageState, threshold: float = DEFAULT_THRESHOLD) -> pl.UncoveredDemand:
    """The communes of `state` beyond `threshold` minutes, indexed for gain queries; memoised."""

    def build() -> pl.UncoveredDemand:
        communes = state.communes
        return pl.UncoveredDemand(
            communes.latitude,
            communes.longitude,
            communes.population,
            state.result.minutes,
            threshold=threshold,
            model=state.model,
        )

    return _memo.get(("demand", state.version, state.label, state.model, float(threshold)), build)


def coverage_gain(where, label: str | None = None, *, threshold: float = DEFAULT_THRESHOLD) -> int:
    """Population newly brought within `threshold` minutes by one more place (holding `label`) at `where`.

    `where` is a `Commune` (its point), an INSEE code, or a (latitude, longitude) pair. The recruitment committee
    and the prefecture pages call this to ask "what does this new host add to coverage?". Raises ValueError
    (French message) for an unknown commune or one without coordinates.
    """
    lat, lon = _point_of(where)
    return uncovered_demand(coverage_state(label), threshold).gain_at(lat, lon)


def _point_of(where) -> tuple[float, float]:
    if isinstance(where, Commune):
        lat, lon, name = where.latitude, where.longitude, str(where)
    elif isinstance(where, str):
        found = Commune.objects.filter(code=where).values_list("latitude", "longitude", "nom").first()
        if found is None:
            raise ValueError(f"Commune inconnue : {where}.")
        lat, lon, name = found
    else:
        lat, lon = where
        name = f"{lat}, {lon}"
    if lat is None or lon is None:
        raise ValueError(f"La commune {name} n’a pas de coordonnées.")
    return float(lat), float(lon)


# --- Territory reports (pages, CSV, CLI) ----------------------------------------------------------------------
@dataclass(frozen=True)
class TerritoryCoverage:
    """Coverage of a set of départements (or the nation) for one label."""

    state: CoverageState
    departements: tuple[str, ...] | None  # None: the whole nation
    indices: np.ndarray  # communes of the territory (rows of the arrays)
    total: cov.Indicators
    by_departement: dict[str, cov.Indicators]
    by_region: dict[str, cov.Indicators]
    least_covered: np.ndarray  # commune rows, most inhabitants beyond 30 minutes first


def territory_coverage(
    departements: list[str] | tuple[str, ...] | None, label: str | None = None, *, limit: int = 20
) -> TerritoryCoverage:
    """Indicators of the départements `departements` (every commune when None) and their least covered communes.

    The nearest place may lie outside the territory: a place across the border serves its inhabitants too.
    """
    state = coverage_state(label)
    communes = state.communes
    if departements is None:
        indices = np.arange(len(communes.codes))
    else:
        indices = np.flatnonzero(np.isin(communes.departements, list(departements)))
    minutes = state.result.minutes[indices]
    population = communes.population[indices]
    scope = "France" if departements is None else "Territoire"
    total = cov.indicators_by(None, population, minutes, national_code=scope)[scope]
    by_departement = cov.indicators_by(communes.departements[indices], population, minutes)
    by_region = cov.indicators_by(communes.regions[indices], population, minutes) if departements is None else {}
    least = indices[cov.least_covered(minutes, population, threshold=cov.TIME_BANDS[-1], limit=limit)]
    return TerritoryCoverage(
        state=state,
        departements=None if departements is None else tuple(departements),
        indices=indices,
        total=total,
        by_departement=by_departement,
        by_region=by_region,
        least_covered=least,
    )


def commune_row(state: CoverageState, i: int) -> dict:
    """One commune's coverage as plain data (templates, CSV, CLI)."""
    communes, result = state.communes, state.result
    nearest = int(result.nearest_index[i])
    km = float(result.km[i])
    return {
        "code": communes.codes[i],
        "nom": communes.names[i],
        "departement": communes.departements[i],
        "region": communes.regions[i],
        "population": int(communes.population[i]),
        "km": km if np.isfinite(km) else None,
        "minutes": float(result.minutes[i]) if np.isfinite(km) else None,
        "band": int(result.band[i]),
        "band_label": cov.BAND_LABELS[int(result.band[i])],
        "lieu": state.places.nom[nearest] if nearest >= 0 else "",
        "latitude": float(communes.latitude[i]),
        "longitude": float(communes.longitude[i]),
    }


@dataclass(frozen=True)
class SiteProposal:
    """Proposed new sites for a territory, in selection order, with the population each one adds."""

    sites: list[dict]
    total: int
    demand_population: int
    demand_communes: int
    newly_covered: np.ndarray  # commune rows
    threshold: float
    k: int
    candidates: str
    method: str
    seconds: float
    greedy_total: int | None


def propose_sites(
    departements: list[str] | tuple[str, ...] | None,
    *,
    k: int,
    threshold: float = DEFAULT_THRESHOLD,
    label: str | None = None,
    candidates: str = CANDIDATES_WITHOUT_PLACE,
    method: str = "greedy",
) -> SiteProposal:
    """Choose up to `k` communes of the territory where a new place (holding `label`) brings the most inhabitants
    of the territory within `threshold` minutes (maximal covering location; greedy + swaps, or exact MILP).

    Candidates are the communes' points: of communes without any place holding `label` (`sans-lieu`), or of every
    commune (`toutes`).
    """
    if candidates not in (CANDIDATES_WITHOUT_PLACE, CANDIDATES_ALL):
        raise ValueError(f"Type de candidats inconnu : {candidates}.")
    state = coverage_state(label)
    communes, places = state.communes, state.places
    in_scope = (
        np.ones(len(communes.codes), dtype=bool)
        if departements is None
        else np.isin(communes.departements, list(departements))
    )
    if departements is None:
        demand = uncovered_demand(state, threshold)
    else:
        demand = pl.UncoveredDemand(
            np.where(in_scope, communes.latitude, np.nan),
            communes.longitude,
            communes.population,
            state.result.minutes,
            threshold=threshold,
            model=state.model,
        )
    pool = in_scope.copy()
    if candidates == CANDIDATES_WITHOUT_PLACE:
        mask = places.mask(state.label)
        served = places.commune if mask is None else places.commune[mask]
        pool &= ~np.isin(communes.codes, np.unique(served.astype(str)) if len(served) else [])
    pool_rows = np.flatnonzero(pool)
    proposal = pl.plan_sites(demand, communes.latitude[pool_rows], communes.longitude[pool_rows], k, method=method)
    sites, running = [], 0
    for candidate, gain in zip(proposal.candidates, proposal.gains, strict=True):
        row = int(pool_rows[candidate])
        running += int(gain)
        sites.append(
            {
                "rank": len(sites) + 1,
                "code": communes.codes[row],
                "nom": communes.names[row],
                "departement": communes.departements[row],
                "population": int(communes.population[row]),
                "gain": int(gain),
                "cumulative": running,
                "latitude": float(communes.latitude[row]),
                "longitude": float(communes.longitude[row]),
            }
        )
    return SiteProposal(
        sites=sites,
        total=proposal.placement.total,
        demand_population=demand.population,
        demand_communes=len(demand),
        newly_covered=proposal.newly_covered,
        threshold=float(threshold),
        k=k,
        candidates=candidates,
        method=proposal.placement.method,
        seconds=proposal.placement.seconds,
        greedy_total=proposal.placement.greedy_total,
    )


def departement_names(codes=None) -> dict[str, str]:
    """Code → name of départements (all when `codes` is None), one query."""
    queryset = Departement.objects.all() if codes is None else Departement.objects.filter(code__in=list(codes))
    return dict(queryset.values_list("code", "nom"))


def region_names() -> dict[str, str]:
    return dict(Region.objects.values_list("code", "nom"))
