"""Reproducible synthetic communes and places over metropolitan France, for the benchmark and the tests.

Used when no commune is loaded: points drawn inside a coarse outline of mainland France, with log-normal
populations (many villages of a few hundred inhabitants, a few large towns) and places drawn near the inhabitants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

# Coarse outline of mainland France (longitude, latitude), clockwise from the Spanish border on the Atlantic.
FRANCE_OUTLINE = (
    (-1.78, 43.37),
    (-1.25, 44.65),
    (-1.20, 46.15),
    (-2.20, 47.10),
    (-2.55, 47.30),
    (-4.35, 47.80),
    (-4.75, 48.35),
    (-4.55, 48.65),
    (-3.00, 48.82),
    (-1.60, 48.65),
    (-1.90, 49.70),
    (-1.20, 49.35),
    (0.10, 49.45),
    (1.55, 50.20),
    (1.60, 50.90),
    (2.55, 51.08),
    (4.15, 49.95),
    (5.80, 49.50),
    (8.20, 48.97),
    (7.55, 47.55),
    (6.85, 47.15),
    (6.10, 46.20),
    (7.00, 45.90),
    (6.95, 44.25),
    (7.50, 43.78),
    (6.20, 43.10),
    (4.80, 43.35),
    (3.10, 43.05),
    (3.15, 42.45),
    (1.70, 42.50),
    (-0.30, 42.80),
)


@dataclass(frozen=True)
class Communes:
    """Synthetic stand-in for `territoires.selectors.CommunePoints` (same fields), usable without a database."""

    codes: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    population: np.ndarray
    names: np.ndarray
    departements: np.ndarray
    regions: np.ndarray


def synthetic_communes(n: int = 35_000, *, seed: int = 42) -> Communes:
    """`n` communes inside mainland France; département and région codes from a coarse grid (for grouping)."""
    rng = np.random.default_rng(seed)
    outline = shapely.Polygon(FRANCE_OUTLINE)
    xmin, ymin, xmax, ymax = outline.bounds
    lon = np.empty(0)
    lat = np.empty(0)
    while len(lon) < n:
        x = rng.uniform(xmin, xmax, 2 * n)
        y = rng.uniform(ymin, ymax, 2 * n)
        inside = shapely.contains_xy(outline, x, y)
        lon = np.concatenate([lon, x[inside]])
        lat = np.concatenate([lat, y[inside]])
    lon, lat = lon[:n], lat[:n]
    population = np.clip(np.round(rng.lognormal(mean=np.log(450), sigma=1.45, size=n)), 1, 2_200_000).astype(np.int64)
    # 96 "départements" on a 12 × 8 grid, grouped in 12 "régions" (one per grid column).
    col = np.minimum(((lon - xmin) / (xmax - xmin) * 12).astype(int), 11)
    row = np.minimum(((lat - ymin) / (ymax - ymin) * 8).astype(int), 7)
    dep = col * 8 + row + 1
    departement = np.array([f"{d:02d}" for d in dep])
    region = np.array([f"R{c + 1:02d}" for c in col])
    code = np.array([f"{dep[i]:02d}{i % 1000:03d}" for i in range(n)])
    names = np.array([f"Commune synthétique {i + 1}" for i in range(n)])
    return Communes(code, lat, lon, population, names, departement, region)


def synthetic_places(communes: Communes, n: int = 20_000, *, seed: int = 7, jitter_km: float = 3.0):
    """`n` places near communes drawn with probability ∝ √population; returns (latitude, longitude)."""
    rng = np.random.default_rng(seed)
    weights = np.sqrt(communes.population.astype(np.float64))
    picked = rng.choice(len(weights), size=n, p=weights / weights.sum())
    dlat = rng.normal(0.0, jitter_km / 111.2, n)
    dlon = rng.normal(0.0, jitter_km / (111.2 * np.cos(np.radians(communes.latitude[picked]))), n)
    return communes.latitude[picked] + dlat, communes.longitude[picked] + dlon
