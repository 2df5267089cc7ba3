"""Territorial coverage: the nearest place of every commune and the indicators built on it.

Pure NumPy/SciPy, no Django: the selectors feed arrays in, the pages, the CLI and the benchmark read plain results.

Distances are great-circle distances on a sphere of mean Earth radius. The spatial index is a `cKDTree` on unit-sphere
(3D) coordinates: the straight chord between two points grows monotonically with the arc, so the nearest point by
chord is the nearest point on the sphere, and the chord converts exactly to the arc (`chord_to_km`). The brute-force
haversine (`nearest_bruteforce`) is the reference the tests and the benchmark compare against.

Travel times are estimates: straight-line distance × detour factor ÷ speed, until a routing engine is configured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius

# Upper bounds (minutes) of the time bands shown on maps and tables; the last band is "beyond the last bound".
TIME_BANDS: tuple[int, ...] = (10, 20, 30)
BAND_LABELS: tuple[str, ...] = ("10 min ou moins", "de 10 à 20 min", "de 20 à 30 min", "plus de 30 min")


# --- Geometry -------------------------------------------------------------------------------------------------
def unit_xyz(lat: np.ndarray | Sequence[float], lon: np.ndarray | Sequence[float]) -> np.ndarray:
    """Points on the unit sphere, shape (n, 3), from latitudes and longitudes in degrees."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_to_km(chord: np.ndarray | float) -> np.ndarray:
    """Great-circle distance (km) from the chord between two points of the unit sphere."""
    half = np.clip(np.asarray(chord, dtype=np.float64) / 2.0, 0.0, 1.0)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(half)


def km_to_chord(km: float) -> float:
    """Chord on the unit sphere of a great-circle distance in km (inverse of `chord_to_km`)."""
    return float(2.0 * np.sin(min(km / EARTH_RADIUS_KM, np.pi) / 2.0))


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance (km) by the haversine formula; arguments broadcast like NumPy arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlam = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


# --- Travel-time model ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TravelModel:
    """Estimated travel time = straight-line distance × detour factor ÷ speed."""

    detour_factor: float = 1.3
    speed_kmh: float = 60.0

    def __post_init__(self):
        if not self.detour_factor >= 1.0:
            raise ValueError("Le facteur de détour doit être supérieur ou égal à 1.")
        if not self.speed_kmh > 0.0:
            raise ValueError("La vitesse doit être strictement positive.")

    def minutes(self, km: np.ndarray | float) -> np.ndarray:
        return np.asarray(km, dtype=np.float64) * self.detour_factor / self.speed_kmh * 60.0

    def km_for_minutes(self, minutes: float) -> float:
        """Largest straight-line distance reached within `minutes`."""
        return float(minutes) * self.speed_kmh / 60.0 / self.detour_factor

    @property
    def description(self) -> str:
        """The French sentence every page showing a time displays."""
        factor = f"{self.detour_factor:g}".replace(".", ",")
        speed = f"{self.speed_kmh:g}".replace(".", ",")
        return (
            f"Temps de trajet estimés : distance à vol d’oiseau × {factor} ÷ {speed} km/h, "
            "en attendant un calculateur d’itinéraires."
        )


# --- Nearest place --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Nearest:
    """For each commune: distance (km) to its nearest place and that place's index (-1 when there is none)."""

    km: np.ndarray
    index: np.ndarray


def _restrict(place_lat, place_lon, mask) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Places kept by `mask` (a boolean array over places, or None for all) and their original indices."""
    place_lat = np.asarray(place_lat, dtype=np.float64)
    place_lon = np.asarray(place_lon, dtype=np.float64)
    if place_lat.shape != place_lon.shape:
        raise ValueError("Latitudes et longitudes des lieux n’ont pas la même longueur.")
    keep = np.isfinite(place_lat) & np.isfinite(place_lon)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != place_lat.shape:
            raise ValueError("Le filtre des lieux n’a pas la longueur de la liste des lieux.")
        keep &= mask
    original = np.flatnonzero(keep)
    return place_lat[original], place_lon[original], original


def _empty(n: int) -> Nearest:
    return Nearest(km=np.full(n, np.inf), index=np.full(n, -1, dtype=np.int64))


def nearest_kdtree(commune_lat, commune_lon, place_lat, place_lon, mask=None, *, workers: int = 1) -> Nearest:
    """Nearest place of every commune through a KD-tree on unit-sphere coordinates (exact, not approximate)."""
    lat, lon, original = _restrict(place_lat, place_lon, mask)
    n = len(np.asarray(commune_lat))
    if len(original) == 0 or n == 0:
        return _empty(n)
    tree = cKDTree(unit_xyz(lat, lon))
    chord, idx = tree.query(unit_xyz(commune_lat, commune_lon), k=1, workers=workers)
    return Nearest(km=chord_to_km(chord), index=original[idx])


def nearest_bruteforce(commune_lat, commune_lon, place_lat, place_lon, mask=None, *, chunk: int = 8) -> Nearest:
    """Reference: the haversine term from every commune to every place, in small blocks of communes.

    The haversine's `a = sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2)` is expanded with sin((x − y)/2) =
    sin(x/2) cos(y/2) − cos(x/2) sin(y/2), so no trigonometric function is evaluated per pair (same formula,
    same precision, several times faster than the textbook form); the smallest `a` gives the nearest place, whose
    distance is then taken from `haversine_km`. Small blocks keep the working arrays in the processor's cache.
    """
    lat, lon, original = _restrict(place_lat, place_lon, mask)
    commune_lat = np.asarray(commune_lat, dtype=np.float64)
    commune_lon = np.asarray(commune_lon, dtype=np.float64)
    n = len(commune_lat)
    if len(original) == 0 or n == 0:
        return _empty(n)
    p2, l2 = np.radians(lat), np.radians(lon)
    sin_p2, cos_p2, sin_l2, cos_l2 = np.sin(p2 / 2), np.cos(p2 / 2), np.sin(l2 / 2), np.cos(l2 / 2)
    cos_phi2 = np.cos(p2)
    p1, l1 = np.radians(commune_lat), np.radians(commune_lon)
    sin_p1, cos_p1, sin_l1, cos_l1 = np.sin(p1 / 2), np.cos(p1 / 2), np.sin(l1 / 2), np.cos(l1 / 2)
    cos_phi1 = np.cos(p1)
    best = np.empty(n, dtype=np.int64)
    for start in range(0, n, chunk):
        block = slice(start, min(start + chunk, n))
        half_dphi = np.multiply.outer(cos_p1[block], sin_p2)
        half_dphi -= np.multiply.outer(sin_p1[block], cos_p2)
        half_dlam = np.multiply.outer(cos_l1[block], sin_l2)
        half_dlam -= np.multiply.outer(sin_l1[block], cos_l2)
        half_dphi *= half_dphi
        half_dlam *= half_dlam
        half_dlam *= cos_phi2
        half_dlam *= cos_phi1[block, None]
        half_dphi += half_dlam
        best[block] = np.argmin(half_dphi, axis=1)
    km = haversine_km(commune_lat, commune_lon, lat[best], lon[best])
    return Nearest(km=km, index=original[best])


# --- Indicators -----------------------------------------------------------------------------------------------
def time_band(minutes: np.ndarray, bands: Sequence[int] = TIME_BANDS) -> np.ndarray:
    """Index of the time band of each time: 0 for ≤ bands[0], …, len(bands) beyond the last bound."""
    return np.searchsorted(np.asarray(bands, dtype=np.float64), np.asarray(minutes, dtype=np.float64), side="left")


@dataclass(frozen=True)
class Indicators:
    """Coverage of one territory. `within[m]` is the population within `m` minutes of a place."""

    code: str
    population: int
    communes: int
    within: dict[int, int]
    beyond_population: int  # population beyond the last band (30 minutes)
    beyond_communes: int

    def share(self, minutes: int) -> float:
        """Share (0–1) of the population within `minutes`; 0 for a territory without inhabitants."""
        return self.within[minutes] / self.population if self.population else 0.0

    @property
    def shares(self) -> dict[int, float]:
        return {m: self.share(m) for m in self.within}


def indicators_by(
    group: np.ndarray | Sequence[str] | None,
    population: np.ndarray,
    minutes: np.ndarray,
    bands: Sequence[int] = TIME_BANDS,
    *,
    national_code: str = "France",
) -> dict[str, Indicators]:
    """Indicators per value of `group` (département or région code of each commune), or nationally when None."""
    population = np.asarray(population, dtype=np.int64)
    minutes = np.asarray(minutes, dtype=np.float64)
    if population.shape != minutes.shape:
        raise ValueError("Populations et temps n’ont pas la même longueur.")
    if group is None:
        keys = np.array([national_code])
        inverse = np.zeros(len(population), dtype=np.int64)
    else:
        keys, inverse = np.unique(np.asarray(group).astype(str), return_inverse=True)
    size = len(keys)
    total = np.bincount(inverse, weights=population, minlength=size)
    count = np.bincount(inverse, minlength=size)
    within = {m: np.bincount(inverse, weights=population * (minutes <= m), minlength=size) for m in bands}
    beyond = minutes > bands[-1]
    beyond_pop = np.bincount(inverse, weights=population * beyond, minlength=size)
    beyond_count = np.bincount(inverse, weights=beyond, minlength=size)
    return {
        str(key): Indicators(
            code=str(key),
            population=int(round(total[i])),
            communes=int(count[i]),
            within={m: int(round(within[m][i])) for m in bands},
            beyond_population=int(round(beyond_pop[i])),
            beyond_communes=int(round(beyond_count[i])),
        )
        for i, key in enumerate(keys)
    }


def national_indicators(population: np.ndarray, minutes: np.ndarray, bands: Sequence[int] = TIME_BANDS) -> Indicators:
    return indicators_by(None, population, minutes, bands)["France"]


def least_covered(
    minutes: np.ndarray, population: np.ndarray, *, threshold: float = 30, limit: int = 20
) -> np.ndarray:
    """Indices of communes beyond `threshold` minutes, most inhabitants first (then farthest, then index)."""
    minutes = np.asarray(minutes, dtype=np.float64)
    population = np.asarray(population, dtype=np.int64)
    beyond = np.flatnonzero(minutes > threshold)
    # lexsort sorts by the last key first: population descending, then minutes descending, then index.
    order = np.lexsort((beyond, -minutes[beyond], -population[beyond]))
    return beyond[order][:limit]


# --- One call for a whole analysis ----------------------------------------------------------------------------
@dataclass
class CoverageResult:
    """Nearest place and estimated minutes of every commune, and the model that produced them."""

    km: np.ndarray
    minutes: np.ndarray
    nearest_index: np.ndarray
    band: np.ndarray
    model: TravelModel
    bands: tuple[int, ...] = field(default=TIME_BANDS)


def compute_coverage(
    commune_lat,
    commune_lon,
    place_lat,
    place_lon,
    mask=None,
    *,
    model: TravelModel | None = None,
    bands: Sequence[int] = TIME_BANDS,
) -> CoverageResult:
    """Nearest place (optionally among the places kept by `mask`) and estimated travel time of every commune."""
    model = model or TravelModel()
    nearest = nearest_kdtree(commune_lat, commune_lon, place_lat, place_lon, mask)
    minutes = model.minutes(nearest.km)
    return CoverageResult(
        km=nearest.km,
        minutes=minutes,
        nearest_index=nearest.index,
        band=time_band(minutes, bands),
        model=model,
        bands=tuple(bands),
    )
