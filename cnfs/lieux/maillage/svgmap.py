"""Server-rendered SVG maps of coverage: no tiles, no script, nothing fetched from elsewhere.

Points are projected with an equirectangular projection scaled by the cosine of the mean latitude (accurate
enough at the size of a département or of mainland France). A département map draws every commune; a national
map bins communes into square cells, coloured by the population-weighted mean estimated time of each cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnfs.lieux.maillage.coverage import BAND_LABELS, TIME_BANDS, time_band

# Magma-like sequence, light (close to a place) to dark (far): readable in grey and by colour-blind people.
BAND_COLOURS = ("#fcfdbf", "#fc8961", "#b73779", "#51127c")
NO_DATA_COLOUR = "#dddddd"
SITE_COLOUR = "#000091"  # DSFR blue France


@dataclass(frozen=True)
class SvgMap:
    width: int
    height: int
    dots: list[dict]
    cells: list[dict]
    sites: list[dict]
    legend: list[dict]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def legend() -> list[dict]:
    return [{"label": label, "colour": colour} for label, colour in zip(BAND_LABELS, BAND_COLOURS, strict=True)]


class _Projection:
    def __init__(self, lat: np.ndarray, lon: np.ndarray, width: int, margin: int = 12):
        finite = np.isfinite(lat) & np.isfinite(lon)
        lat, lon = (lat[finite], lon[finite]) if finite.any() else (np.array([46.5]), np.array([2.5]))
        self.kx = np.cos(np.radians((lat.min() + lat.max()) / 2))
        self.lon0, self.lat1 = lon.min(), lat.max()
        span_x = max((lon.max() - lon.min()) * self.kx, 1e-6)
        span_y = max(lat.max() - lat.min(), 1e-6)
        self.scale = (width - 2 * margin) / max(span_x, span_y * 0.75)
        self.margin = margin
        self.width = int(round(span_x * self.scale + 2 * margin))
        self.height = int(round(span_y * self.scale + 2 * margin))

    def __call__(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        x = (np.asarray(lon) - self.lon0) * self.kx * self.scale + self.margin
        y = (self.lat1 - np.asarray(lat)) * self.scale + self.margin
        return np.round(x, 1), np.round(y, 1)


# Beyond this many proposed sites, their gains are left to the table: labels would cover each other.
MAX_GAIN_LABELS = 30


def gain_text(gain: int) -> str:
    """ "+12 345 hab." (French thousands separator: a narrow no-break space)."""
    return f"+{gain:,}".replace(",", "\u202f") + "\u00a0hab."


def _sites(projection: _Projection, sites: list[dict]) -> list[dict]:
    """Proposed sites with their point on the map and, when there are few, the inhabitants each one adds."""
    out = []
    for site in sites:
        x, y = projection(site["latitude"], site["longitude"])
        x, y = float(x), float(y)
        # The label goes right of the mark, or left of it near the right edge.
        right = x < projection.width - 70
        out.append(
            {
                **site,
                "x": x,
                "y": y,
                "gain_label": gain_text(int(site["gain"])) if len(sites) <= MAX_GAIN_LABELS else "",
                "label_x": round(x + 11 if right else x - 11, 1),
                "label_anchor": "start" if right else "end",
            }
        )
    return out


def commune_map(
    lat: np.ndarray,
    lon: np.ndarray,
    band: np.ndarray,
    names: np.ndarray,
    population: np.ndarray,
    *,
    sites: list[dict] | None = None,
    newly_covered: np.ndarray | None = None,
    width: int = 640,
) -> SvgMap:
    """One dot per commune (radius by population), coloured by time band; proposed sites as numbered marks."""
    projection = _Projection(lat, lon, width)
    x, y = projection(lat, lon)
    radius = np.round(np.clip(1.6 + np.log10(np.maximum(population, 1)) * 0.9, 1.6, 6.0), 1)
    newly = np.zeros(len(lat), dtype=bool)
    if newly_covered is not None and len(newly_covered):
        newly[np.asarray(newly_covered)] = True
    order = np.argsort(-radius, kind="stable")  # small dots on top of large ones
    dots = [
        {
            "x": float(x[i]),
            "y": float(y[i]),
            "r": float(radius[i]),
            "colour": BAND_COLOURS[int(band[i])],
            "title": f"{names[i]} — {BAND_LABELS[int(band[i])]}",
            "newly": bool(newly[i]),
        }
        for i in order
        if np.isfinite(x[i]) and np.isfinite(y[i])
    ]
    return SvgMap(projection.width, projection.height, dots, [], _sites(projection, sites or []), legend())


def grid_map(
    lat: np.ndarray,
    lon: np.ndarray,
    population: np.ndarray,
    minutes: np.ndarray,
    *,
    cell_km: float = 15.0,
    sites: list[dict] | None = None,
    width: int = 640,
) -> SvgMap:
    """Square cells of about `cell_km`, coloured by the band of their population-weighted mean time."""
    projection = _Projection(lat, lon, width)
    x, y = projection(lat, lon)
    size = max(cell_km / 111.2 * projection.scale, 2.0)
    cx = np.floor((x - projection.margin) / size).astype(np.int64)
    cy = np.floor((y - projection.margin) / size).astype(np.int64)
    finite_minutes = np.where(np.isfinite(minutes), minutes, 10 * TIME_BANDS[-1])
    key = cx * 100_000 + cy
    cells_keys, inverse = np.unique(key, return_inverse=True)
    weight = np.maximum(population, 1).astype(np.float64)
    mean = np.bincount(inverse, weights=weight * finite_minutes) / np.bincount(inverse, weights=weight)
    bands = time_band(mean)
    cells = [
        {
            "x": round(float((k // 100_000) * size + projection.margin), 1),
            "y": round(float((k % 100_000) * size + projection.margin), 1),
            "size": round(float(size), 1),
            "colour": BAND_COLOURS[int(bands[i])],
        }
        for i, k in enumerate(cells_keys)
    ]
    return SvgMap(projection.width, projection.height, [], cells, _sites(projection, sites or []), legend())
