"""In-memory search index of places: a KD-tree on unit-sphere coordinates plus bit masks of their value lists.

Each web worker holds one index, built by a single query of ~20,000 short rows, and answers "the nearest places
that match these filters" without touching the database. Workers agree on freshness through a version token in
the shared cache, changed whenever a place is saved or deleted; writes that bypass model signals (bulk imports)
are caught by a cheap fingerprint (count, last id, last update) compared at most every `FRESHNESS_SECONDS`.
"""

from __future__ import annotations

import math
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from scipy.spatial import cKDTree

from cnfs.lieux.enums import (
    Dispositif,
    FormationLabel,
    Frais,
    Label,
    ModaliteAcces,
    ModaliteAccompagnement,
    PriseEnCharge,
    PublicAdresse,
    Service,
)
from cnfs.lieux.models import Lieu

EARTH_RADIUS_KM = 6371.0088
VERSION_KEY = "lieux:recherche:version"
FRESHNESS_SECONDS = 30.0

# Filter dimension → (tag key in `Lieu.search_tags`, enumeration of its values).
DIMENSIONS: dict[str, tuple[str, type]] = {
    "services": ("service", Service),
    "publics": ("public", PublicAdresse),
    "prise_en_charge": ("prise_en_charge", PriseEnCharge),
    "frais": ("frais", Frais),
    "dispositifs": ("dispositif", Dispositif),
    "formations": ("formation_label", FormationLabel),
    "modalites_acces": ("modalite_acces", ModaliteAcces),
    "modalites": ("modalite_accompagnement", ModaliteAccompagnement),
    "labels": ("label", Label),
}
DIMENSION_INDEX = {name: i for i, name in enumerate(DIMENSIONS)}
# "service:aide-demarches-administratives" → (dimension index, bit)
TAG_BITS: dict[str, tuple[int, int]] = {
    f"{key}:{value}": (DIMENSION_INDEX[name], bit)
    for name, (key, enum) in DIMENSIONS.items()
    for bit, value in enumerate(enum.values)
}


def normalise_text(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Médiathèque l'Île" → "mediatheque l ile"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def unit_vectors(latitudes, longitudes) -> np.ndarray:
    lat = np.radians(np.asarray(latitudes, dtype=np.float64))
    lon = np.radians(np.asarray(longitudes, dtype=np.float64))
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


def _chord_km(chord: float) -> float:
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(chord / 2.0, 1.0))


def km_to_chord(km: float) -> float:
    return 2.0 * math.sin(min(km / (2.0 * EARTH_RADIUS_KM), math.pi / 2))


@dataclass
class Filters:
    """What a search asks for. Within a dimension any selected value matches; dimensions combine with AND."""

    values: dict[str, list[str]] = field(default_factory=dict)
    name: str = ""
    # Callables on an opening-hours string, evaluated lazily, once per distinct string (e.g. "open now").
    hours: list[Callable[[str], bool]] = field(default_factory=list)


@dataclass
class LieuxIndex:
    token: str
    fingerprint: tuple
    ids: np.ndarray
    latitudes: np.ndarray
    longitudes: np.ndarray
    tree: cKDTree | None
    masks: np.ndarray  # (dimensions, places) uint32 bit sets
    names: list[str]  # normalised
    hours_keys: np.ndarray  # index into `hours`
    hours: list[str]
    built_in_ms: float
    checked_at: float = 0.0

    @property
    def size(self) -> int:
        return len(self.ids)

    def static_mask(self, filters: Filters) -> np.ndarray | None:
        """Places matching the value filters and the name (None: every place)."""
        mask = None
        for dimension, values in filters.values.items():
            if not values:
                continue
            _, enum = DIMENSIONS[dimension]
            wanted = 0
            for value in values:
                bit = TAG_BITS.get(f"{DIMENSIONS[dimension][0]}:{value}")
                if bit is not None:
                    wanted |= 1 << bit[1]
            matches = (self.masks[DIMENSION_INDEX[dimension]] & np.uint32(wanted)) != 0
            mask = matches if mask is None else mask & matches
        words = normalise_text(filters.name).split()
        if words:
            # Every word typed appears in the name, in any order ("tarentaize mediatheque").
            matches = np.fromiter(
                (all(word in name for word in words) for name in self.names), dtype=bool, count=self.size
            )
            mask = matches if mask is None else mask & matches
        return mask

    def search(
        self,
        filters: Filters,
        *,
        origin: tuple[float, float] | None,
        limit: int,
        radius_km: float | None = None,
    ) -> list[tuple[int, float | None]]:
        """Up to `limit` (place id, distance in km) pairs, nearest first; by name when there is no origin."""
        if self.size == 0 or limit <= 0:
            return []
        mask = self.static_mask(filters)
        hours_ok = _HoursCheck(self, filters.hours)
        if origin is None:
            positions = np.arange(self.size) if mask is None else np.flatnonzero(mask)
            ordered = sorted(positions.tolist(), key=lambda i: (self.names[i], int(self.ids[i])))
            found = [(int(self.ids[i]), None) for i in ordered if hours_ok(i)]
            return found[:limit]
        point = unit_vectors([origin[0]], [origin[1]])[0]
        bound = km_to_chord(radius_km) if radius_km else np.inf
        selected = None if mask is None else np.flatnonzero(mask)
        if selected is not None and len(selected) <= max(4 * limit, self.size // 20):
            # Few candidates (a rare label, a name): exact distances for them only.
            return self._nearest_among(selected, point, bound, limit, hours_ok)
        k = min(self.size, max(4 * limit, 64))
        while True:
            chords, positions = self.tree.query(point, k=k, distance_upper_bound=bound)
            chords, positions = np.atleast_1d(chords), np.atleast_1d(positions)
            inside = positions < self.size
            chords, positions = chords[inside], positions[inside]
            if mask is not None:
                keep = mask[positions]
                chords, positions = chords[keep], positions[keep]
            found = []
            for chord, position in zip(chords.tolist(), positions.tolist(), strict=True):
                if hours_ok(position):
                    found.append((int(self.ids[position]), _chord_km(chord)))
                    if len(found) == limit:
                        return found
            exhausted = k >= self.size or not inside.all()
            if exhausted:
                return found
            k = min(self.size, k * 4)

    def _nearest_among(self, positions, point, bound, limit, hours_ok) -> list[tuple[int, float | None]]:
        if len(positions) == 0:
            return []
        vectors = unit_vectors(self.latitudes[positions], self.longitudes[positions])
        chords = np.linalg.norm(vectors - point, axis=1)
        order = np.argsort(chords, kind="stable")
        found = []
        for j in order.tolist():
            if chords[j] > bound:
                break
            position = int(positions[j])
            if hours_ok(position):
                found.append((int(self.ids[position]), _chord_km(float(chords[j]))))
                if len(found) == limit:
                    break
        return found


class _HoursCheck:
    """Evaluates the opening-hours filters once per distinct opening-hours string, only for candidates reached."""

    def __init__(self, index: LieuxIndex, checks: list[Callable[[str], bool]]):
        self.index = index
        self.checks = checks
        self.memo: dict[int, bool] = {}

    def __call__(self, position: int) -> bool:
        if not self.checks:
            return True
        key = int(self.index.hours_keys[position])
        if key not in self.memo:
            value = self.index.hours[key]
            self.memo[key] = bool(value) and all(check(value) for check in self.checks)
        return self.memo[key]


def build_index(rows: Iterable[tuple], *, token: str = "", fingerprint: tuple = ()) -> LieuxIndex:
    """Index from (id, latitude, longitude, nom, horaires, search_tags) rows."""
    started = time.perf_counter()
    ids, latitudes, longitudes, names, hours_keys = [], [], [], [], []
    tag_sets: list[str] = []
    hours_index: dict[str, int] = {}
    for pk, latitude, longitude, nom, horaires, tags in rows:
        ids.append(pk)
        latitudes.append(latitude)
        longitudes.append(longitude)
        names.append(normalise_text(nom))
        hours_keys.append(hours_index.setdefault(horaires or "", len(hours_index)))
        tag_sets.append(tags or "")
    count = len(ids)
    masks = np.zeros((len(DIMENSIONS), count), dtype=np.uint32)
    bits_of: dict[str, list[tuple[int, int]]] = {}
    for position, tags in enumerate(tag_sets):
        if tags not in bits_of:
            bits_of[tags] = [TAG_BITS[tag] for tag in tags.strip("|").split("|") if tag in TAG_BITS]
        for dimension, bit in bits_of[tags]:
            masks[dimension, position] |= np.uint32(1 << bit)
    lat = np.asarray(latitudes, dtype=np.float64)
    lon = np.asarray(longitudes, dtype=np.float64)
    tree = cKDTree(unit_vectors(lat, lon)) if count else None
    return LieuxIndex(
        token=token,
        fingerprint=fingerprint,
        ids=np.asarray(ids, dtype=np.int64),
        latitudes=lat,
        longitudes=lon,
        tree=tree,
        masks=masks,
        names=names,
        hours_keys=np.asarray(hours_keys, dtype=np.int32),
        hours=list(hours_index),
        built_in_ms=(time.perf_counter() - started) * 1000,
    )


# --- One index per process, kept fresh ------------------------------------------------------------------------

_lock = threading.Lock()
_current: LieuxIndex | None = None


def _token() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(VERSION_KEY) or ""
    return token


def _fingerprint() -> tuple:
    summary = Lieu.objects.order_by().aggregate(count=Count("id"), last_id=Max("id"), last_update=Max("updated_at"))
    return (summary["count"], summary["last_id"], summary["last_update"])


def _rows():
    return (
        Lieu.objects.located()
        .order_by()
        .values_list("id", "latitude", "longitude", "nom", "horaires", "search_tags")
        .iterator(chunk_size=5000)
    )


def get_index() -> LieuxIndex:
    """The process's index, rebuilt when the shared version token or the table's fingerprint has changed."""
    global _current
    token = _token()
    index = _current
    now = time.monotonic()
    if index is not None and index.token == token:
        if now - index.checked_at < FRESHNESS_SECONDS:
            return index
        if _fingerprint() == index.fingerprint:
            index.checked_at = now
            return index
    with _lock:
        index = _current
        if index is not None and index.token == token and time.monotonic() - index.checked_at < FRESHNESS_SECONDS:
            return index
        fingerprint = _fingerprint()
        index = build_index(_rows(), token=token, fingerprint=fingerprint)
        index.checked_at = time.monotonic()
        _current = index
        return index


def invalidate() -> None:
    """Make every worker rebuild its index on its next search. Bulk writers call it after committing."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _on_change(sender, **kwargs) -> None:
    # Now (for this transaction's own reads) and after commit (so no worker keeps what it read before the commit).
    invalidate()
    transaction.on_commit(invalidate)


post_save.connect(_on_change, sender=Lieu, dispatch_uid="lieux_recherche_index_save")
post_delete.connect(_on_change, sender=Lieu, dispatch_uid="lieux_recherche_index_delete")
