"""In-memory search index of places: a KD-tree on unit-sphere coordinates plus bit masks of their value lists.

Each web worker holds one index, built by a single query of ~20,000 short rows, and answers "the nearest places
that match these filters" without touching the database: the rows it keeps also hold what a list of results
shows. Every filter becomes a boolean mask computed with NumPy, never a loop over places: value lists are bit sets,
a name is a substring search in one string of all names, and opening hours are evaluated once per distinct string
("ouvert maintenant" states are even kept until each string's next change). The nearest matching places then come
from the tree (most searches) or, when a filter keeps few places, from exact distances to those places only.

Workers agree on freshness through a version token in the shared cache, changed whenever a place is saved or
deleted; writes that bypass model signals (bulk imports) are caught by a cheap fingerprint (count, last id, last
update) compared at most every `FRESHNESS_SECONDS`."""

from __future__ import annotations

import math
import re
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from scipy.spatial import cKDTree

from cnfs.lieux import horaires
from cnfs.lieux.enums import (
    LABEL_FLAGS,
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
# What the index is built from: what it searches on, then what a list of results shows (so that a search reads
# nothing else from the database).
COLUMNS = (
    "id",
    "latitude",
    "longitude",
    "nom",
    "horaires",
    "search_tags",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune__nom",
    "commune__code",
    *LABEL_FLAGS.values(),
)
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
    open_at: datetime | None = None  # "ouvert maintenant": open at this instant
    open_day: date | None = None  # "ouvert samedi": opens at some time on this day


class _OpenStates:
    """Whether each distinct opening-hours string is open at an instant, cached until the string's next change.

    A search for "ouvert maintenant" then costs one comparison per distinct string: only the strings whose state
    may have changed since their last evaluation are asked again (a few around each opening or closing time).
    Instants are Paris wall-clock seconds, as the parser reads them.
    """

    def __init__(self, hours: list[str]):
        count = len(hours)
        self.hours = hours
        self.open = np.zeros(count, dtype=bool)
        # The state holds on [since, until); an empty window forces the first evaluation.
        self.since = np.full(count, np.inf)
        self.until = np.full(count, -np.inf)
        self.lock = threading.Lock()

    def at(self, at: datetime) -> np.ndarray:
        wall = horaires.paris_wall_time(at)
        t = _wall_seconds(wall)
        with self.lock:
            stale = np.flatnonzero((t < self.since) | (t >= self.until))
            for key in stale.tolist():
                is_open, since, change = horaires.open_window(self.hours[key], wall)
                self.open[key] = is_open
                self.since[key] = _wall_seconds(since)
                # A change not after `at` (never seen) would make the window empty: the next search asks again.
                self.until[key] = np.inf if change is None else _wall_seconds(change)
            return self.open.copy()


_EPOCH = datetime(1970, 1, 1)


def _wall_seconds(wall: datetime) -> float:
    return (wall - _EPOCH).total_seconds()


@dataclass
class LieuxIndex:
    token: str
    fingerprint: tuple
    ids: np.ndarray
    latitudes: np.ndarray
    longitudes: np.ndarray
    vectors: np.ndarray  # (places, 3) unit-sphere coordinates
    tree: cKDTree | None
    masks: np.ndarray  # (dimensions, places) uint32 bit sets
    names: list[str]  # normalised
    name_rank: np.ndarray  # rank of each place in (name, id) order
    hours_keys: np.ndarray  # index into `hours`
    hours: list[str]
    records: list[tuple]  # the rows the index was built from (`COLUMNS`), for what results show
    built_in_ms: float
    checked_at: float = 0.0
    _open: _OpenStates | None = field(default=None, repr=False)
    _days: dict = field(default_factory=dict, repr=False)
    _names_text: tuple | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.ids)

    def record(self, position: int) -> dict:
        """The row of the place at `position`, as a dict of `COLUMNS`."""
        return dict(zip(COLUMNS, self.records[position], strict=False))

    def static_mask(self, filters: Filters) -> np.ndarray | None:
        """Places matching the value filters, the name and the opening hours (None: every place)."""
        mask = None
        for dimension, values in filters.values.items():
            if not values:
                continue
            wanted = 0
            for value in values:
                bit = TAG_BITS.get(f"{DIMENSIONS[dimension][0]}:{value}")
                if bit is not None:
                    wanted |= 1 << bit[1]
            matches = (self.masks[DIMENSION_INDEX[dimension]] & np.uint32(wanted)) != 0
            mask = matches if mask is None else mask & matches
        for matches in (self._name_mask(filters.name), self._hours_mask(filters)):
            if matches is not None:
                mask = matches if mask is None else mask & matches
        return mask

    def _name_mask(self, name: str) -> np.ndarray | None:
        """Every word typed appears in the name, in any order ("tarentaize mediatheque")."""
        words = normalise_text(name).split()
        if not words:
            return None
        if self._names_text is None:
            # All names in one string: each word is then one C-level substring search, not one per place.
            lengths = np.fromiter((len(n) + 1 for n in self.names), dtype=np.int64, count=self.size)
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if self.size else np.zeros(0, dtype=np.int64)
            self._names_text = ("\n".join(self.names), starts)
        text, starts = self._names_text
        mask = np.ones(self.size, dtype=bool)
        for word in set(words):
            found = np.fromiter((m.start() for m in re.finditer(re.escape(word), text)), dtype=np.int64)
            matches = np.zeros(self.size, dtype=bool)
            matches[np.searchsorted(starts, found, side="right") - 1] = True
            mask &= matches
        return mask

    def _hours_mask(self, filters: Filters) -> np.ndarray | None:
        ok = None
        if filters.open_at is not None:
            if self._open is None:
                self._open = _OpenStates(self.hours)
            ok = self._open.at(filters.open_at)
        if filters.open_day is not None:
            day = self._days.get(filters.open_day)
            if day is None:
                day = np.fromiter((horaires.opens_on_day(h, filters.open_day) for h in self.hours), dtype=bool)
                if len(self._days) > 7:
                    self._days.clear()
                self._days[filters.open_day] = day
            ok = day if ok is None else ok & day
        return None if ok is None else ok[self.hours_keys]

    def search(
        self,
        filters: Filters,
        *,
        origin: tuple[float, float] | None,
        limit: int,
        radius_km: float | None = None,
    ) -> list[tuple[int, float | None]]:
        """Up to `limit` (place id, distance in km) pairs, nearest first; by name when there is no origin."""
        return [
            (int(self.ids[p]), d)
            for p, d in self.search_positions(filters, origin=origin, limit=limit, radius_km=radius_km)
        ]

    def search_positions(
        self,
        filters: Filters,
        *,
        origin: tuple[float, float] | None,
        limit: int,
        radius_km: float | None = None,
    ) -> list[tuple[int, float | None]]:
        """As `search`, with the places' positions in the index instead of their ids."""
        if self.size == 0 or limit <= 0:
            return []
        mask = self.static_mask(filters)
        selected = None if mask is None else np.flatnonzero(mask)
        if origin is None:
            positions = np.arange(self.size) if selected is None else selected
            return [(int(p), None) for p in _smallest(self.name_rank[positions], positions, limit)]
        point = unit_vectors([origin[0]], [origin[1]])[0]
        bound = km_to_chord(radius_km) if radius_km else np.inf
        if selected is None:
            return self._nearest_in_tree(point, bound, limit, None, limit)
        if len(selected) == 0:
            return []
        # The tree pays per neighbour returned, a scan per candidate: a rare filter is cheaper to scan.
        k = math.ceil(limit * self.size / len(selected) * 1.5) + limit
        if k * TREE_COST_RATIO >= len(selected):
            return self._nearest_among(selected, point, bound, limit)
        return self._nearest_in_tree(point, bound, limit, mask, k)

    def _nearest_in_tree(self, point, bound, limit, mask, k) -> list[tuple[int, float]]:
        k = min(self.size, k)
        while True:
            chords, positions = self.tree.query(point, k=k, distance_upper_bound=bound)
            chords, positions = np.atleast_1d(chords), np.atleast_1d(positions)
            inside = positions < self.size
            exhausted = k >= self.size or not inside.all()
            chords, positions = chords[inside], positions[inside]
            if mask is not None:
                keep = mask[positions]
                chords, positions = chords[keep], positions[keep]
            if len(positions) >= limit or exhausted:
                return [
                    (p, _chord_km(c)) for c, p in zip(chords[:limit].tolist(), positions[:limit].tolist(), strict=True)
                ]
            k = min(self.size, k * 4)

    def _nearest_among(self, positions, point, bound, limit) -> list[tuple[int, float]]:
        chords = np.sqrt(((self.vectors[positions] - point) ** 2).sum(axis=1))
        if bound != np.inf:
            inside = chords <= bound
            positions, chords = positions[inside], chords[inside]
        return [(int(p), _chord_km(float(c))) for p, c in zip(*_smallest_pairs(chords, positions, limit), strict=True)]


# A KD-tree neighbour costs about this many scanned candidates (measured by bench/bench_recherche.py).
TREE_COST_RATIO = 16


def _smallest_pairs(keys: np.ndarray, positions: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The `limit` positions of smallest key, in (key, position) order, with their keys."""
    if len(keys) > limit:
        part = np.argpartition(keys, limit - 1)[:limit]
        keys, positions = keys[part], positions[part]
    order = np.lexsort((positions, keys))
    return positions[order], keys[order]


def _smallest(keys: np.ndarray, positions: np.ndarray, limit: int) -> list[int]:
    return _smallest_pairs(keys, positions, limit)[0].tolist()


def build_index(rows: Iterable[tuple], *, token: str = "", fingerprint: tuple = ()) -> LieuxIndex:
    """Index from rows of `COLUMNS` (id, latitude, longitude, nom, horaires, search_tags, then what lists show)."""
    started = time.perf_counter()
    records = list(rows)
    count = len(records)
    ids = np.fromiter((row[0] for row in records), dtype=np.int64, count=count)
    lat = np.fromiter((row[1] for row in records), dtype=np.float64, count=count)
    lon = np.fromiter((row[2] for row in records), dtype=np.float64, count=count)
    names = [normalise_text(row[3]) for row in records]
    hours_index: dict[str, int] = {}
    hours_keys = np.fromiter(
        (hours_index.setdefault(row[4] or "", len(hours_index)) for row in records), dtype=np.int32, count=count
    )
    masks = np.zeros((len(DIMENSIONS), count), dtype=np.uint32)
    bits_of: dict[str, list[tuple[int, int]]] = {}
    for position, row in enumerate(records):
        tags = row[5] or ""
        if tags not in bits_of:
            bits_of[tags] = [TAG_BITS[tag] for tag in tags.strip("|").split("|") if tag in TAG_BITS]
        for dimension, bit in bits_of[tags]:
            masks[dimension, position] |= np.uint32(1 << bit)
    name_rank = np.empty(count, dtype=np.int64)
    name_rank[sorted(range(count), key=lambda i: (names[i], int(ids[i])))] = np.arange(count)
    vectors = unit_vectors(lat, lon) if count else np.zeros((0, 3))
    return LieuxIndex(
        token=token,
        fingerprint=fingerprint,
        ids=ids,
        latitudes=lat,
        longitudes=lon,
        vectors=vectors,
        tree=cKDTree(vectors) if count else None,
        masks=masks,
        names=names,
        name_rank=name_rank,
        hours_keys=hours_keys,
        hours=list(hours_index),
        records=records,
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
    return Lieu.objects.located().order_by().values_list(*COLUMNS).iterator(chunk_size=5000)


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
