"""Distances and territory groups for matching (pure, vectorised with numpy)."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088

# Territories separated by sea: nobody is proposed across them, whatever their radius.
ISLAND_GROUPS = {
    "2A": "corse",
    "2B": "corse",
    "971": "guadeloupe",
    "972": "martinique",
    "973": "guyane",
    "974": "reunion",
    "975": "saint-pierre-et-miquelon",
    "976": "mayotte",
    "977": "saint-barthelemy",
    "978": "saint-martin",
}


def territory_group(departement_code: str | None) -> str:
    """The land mass a département lies on: mainland France, Corsica, or one overseas territory."""
    if not departement_code:
        return "inconnu"
    if departement_code in ISLAND_GROUPS:
        return ISLAND_GROUPS[departement_code]
    if departement_code.startswith("98"):
        return f"com-{departement_code}"
    return "metropole"


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; arguments broadcast (scalars or arrays of degrees)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def to_unit_xyz(lat, lon) -> np.ndarray:
    """Points on the unit sphere, for a k-d tree whose chord distance orders like the great-circle distance."""
    lat, lon = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


def km_to_chord(km) -> np.ndarray:
    """Chord length on the unit sphere of an arc of `km` kilometres."""
    return 2 * np.sin(np.minimum(np.asarray(km, dtype=float) / EARTH_RADIUS_KM, np.pi) / 2)
