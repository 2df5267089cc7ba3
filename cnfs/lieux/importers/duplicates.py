"""Likely duplicates among imported rows and existing places: reported to the operator, never merged.

Two places are likely the same when they share a real pivot (not the placeholder) and the same address, or when
they stand within 50 m of each other with similar names. A grid of ~100 m cells keeps the search linear.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from cnfs.lieux.enums import PIVOT_PLACEHOLDER
from cnfs.lieux.importers.communes import distance_km
from cnfs.lieux.importers.vocabulary import fold

NEAR_METRES = 50.0
NAME_SIMILARITY = 0.8
CELL_DEGREES = 0.001  # ~111 m of latitude: a 50 m radius only needs the 3×3 neighbouring cells


@dataclass(frozen=True)
class Candidate:
    label: str  # how the report names it: "ligne 12" or "lieu existant n° 40 (source/id)"
    key: tuple[str, str]  # (source, source_id)
    nom: str
    pivot: str
    adresse: str
    commune: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class LikelyDuplicate:
    line: int
    nom: str
    other: str
    other_nom: str
    reason: str


def name_key(nom: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(nom)).strip()


def similar_names(a: str, b: str) -> bool:
    a, b = name_key(a), name_key(b)
    if not a or not b:
        return False
    if a == b or (len(a) >= 8 and a in b) or (len(b) >= 8 and b in a):
        return True
    return SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / CELL_DEGREES), math.floor(longitude / CELL_DEGREES)


def find(rows: list[tuple[int, Candidate]], existing: list[Candidate]) -> list[LikelyDuplicate]:
    """Pairs (imported row, earlier row or existing place) that are likely the same place."""
    found: list[LikelyDuplicate] = []
    by_pivot_address: dict[tuple[str, str, str], Candidate] = {}
    grid: dict[tuple[int, int], list[Candidate]] = {}

    def index(c: Candidate) -> None:
        if c.pivot and c.pivot != PIVOT_PLACEHOLDER:
            by_pivot_address.setdefault((c.pivot, c.commune, name_key(c.adresse)), c)
        if c.latitude is not None and c.longitude is not None:
            grid.setdefault(_cell(c.latitude, c.longitude), []).append(c)

    imported_keys = {c.key for _, c in rows}
    for c in existing:
        if c.key not in imported_keys:  # the row that updates a place is not its duplicate
            index(c)
    for line, c in rows:
        reasons: dict[str, tuple[Candidate, str]] = {}
        if c.pivot and c.pivot != PIVOT_PLACEHOLDER:
            other = by_pivot_address.get((c.pivot, c.commune, name_key(c.adresse)))
            if other is not None and other.key != c.key:
                reasons[other.label] = (other, f"même pivot ({c.pivot}) et même adresse")
        if c.latitude is not None and c.longitude is not None:
            i, j = _cell(c.latitude, c.longitude)
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    for other in grid.get((i + di, j + dj), ()):
                        if other.key == c.key or other.label in reasons:
                            continue
                        metres = distance_km(c.latitude, c.longitude, other.latitude, other.longitude) * 1000
                        if metres <= NEAR_METRES and similar_names(c.nom, other.nom):
                            reasons[other.label] = (other, f"à {metres:.0f} m avec un nom proche")
        for label, (other, reason) in reasons.items():
            found.append(LikelyDuplicate(line, c.nom, label, other.nom, reason))
        index(c)
    return found
