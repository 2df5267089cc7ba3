"""Reads of the territories: commune search, points for coverage computations, hubs' départements."""

import re
from typing import NamedTuple

import numpy as np
from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When

from cnfs.territoires.models import Commune, CommuneSearchKey, Departement, Hub
from cnfs.territoires.normalize import normalize_name

# Longer than any commune name (45 characters) with its postcode: anything longer is not a search.
MAX_QUERY_LENGTH = 100
COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[ab]\d{3})$")
POSTCODE_PREFIX = re.compile(r"^\d{2,5}$")


def _prefix(field: str, value: str) -> Q:
    """`field` starts with `value`, written so that each backend answers from its index.

    PostgreSQL answers LIKE 'x%' from the `varchar_pattern_ops` index Django adds to indexed CharFields. SQLite
    uses an index for LIKE only with a NOCASE index, so there the same condition is bounded by an index range
    too: for our lower-case ASCII keys [value, value + 1) is exactly "starts with value" in binary collation.
    """
    condition = Q(**{f"{field}__startswith": value})
    if connection.vendor == "sqlite":
        upper = value[:-1] + chr(ord(value[-1]) + 1)
        condition &= Q(**{f"{field}__gte": value, f"{field}__lt": upper})
    return condition


def _normalize_query(q: object) -> str:
    if not isinstance(q, str) or len(q) > MAX_QUERY_LENGTH:
        return ""
    return normalize_name(q.replace("\x00", ""))


def commune_search(q: str, limit: int = 20) -> list[Commune]:
    """Communes matching what a person typed, best first; an empty list for anything that is not a search.

    Matches, accent- and case-insensitively ("st etienne", "Saint-Étienne", "SAINT ETIENNE"): the INSEE code
    (exactly), the start of the name, the start of a later word of the name ("etienne"), the start of a postcode
    ("42000", "690"). A single letter matches only a commune of that name (Y, in the Somme). A query mixing words
    and a postcode ("lyon 69005") must match both. Order: exact code, exact name or full postcode first, then
    names starting with the query, then other matches, each by decreasing population. Every lookup is an index
    range (Commune.code, Commune.search_name, CommuneSearchKey.key), never a scan.
    """
    text = _normalize_query(q)
    if not text:
        return []
    limit = max(1, min(int(limit), 100))
    words = text.split()
    digits = [word for word in words if word.isdigit()]
    name = " ".join(word for word in words if not word.isdigit())
    if len(digits) > 1 or (digits and not POSTCODE_PREFIX.match(digits[0]) and not COMMUNE_CODE.match(text)):
        return []
    postcode = digits[0] if digits else None

    def communes_where(condition: Q) -> QuerySet:
        return Commune.objects.filter(condition).order_by().values("pk")

    def keys_from(prefix: str) -> QuerySet:
        return CommuneSearchKey.objects.filter(_prefix("key", prefix)).order_by().values("commune_id")

    # Candidates: a UNION of index range lookups (an OR of them would make PostgreSQL scan every commune).
    candidates = []
    ranks = []
    # A postcode typed in full ranks with an exact name: "69005" is Lyon as much as the commune coded 69005.
    default_rank = 0 if postcode is not None and len(postcode) == 5 and not name else 2
    if COMMUNE_CODE.match(text):
        candidates.append(communes_where(Q(code=text.upper())))
        ranks.append(When(code=text.upper(), then=Value(0)))
    if len(name) == 1:
        # One letter is the first keystroke, not a search (thousands of prefixes): only the commune "Y" matches.
        candidates.append(communes_where(Q(search_name=name)))
    elif name:
        candidates.append(communes_where(_prefix("search_name", name)))
        candidates.append(keys_from(name))
        ranks += [When(search_name=name, then=Value(0)), When(_prefix("search_name", name), then=Value(1))]
    elif postcode is not None:
        candidates.append(keys_from(postcode))
    if not candidates:
        return []
    union = candidates[0].union(*candidates[1:]) if len(candidates) > 1 else candidates[0]
    queryset = Commune.objects.filter(pk__in=union)
    if name and postcode is not None:
        queryset = queryset.filter(pk__in=keys_from(postcode))
    return list(
        queryset.annotate(rank=Case(*ranks, default=Value(default_rank)))
        .select_related("departement")
        .order_by("rank", "-population", "nom", "code")[:limit]
    )


def commune_get(code: str) -> Commune | None:
    """The commune with this INSEE code ("42218", "2a004" or "2A004"), or None."""
    if not isinstance(code, str) or not COMMUNE_CODE.match(code.strip().lower()):
        return None
    return Commune.objects.select_related("departement", "region", "epci").filter(code=code.strip().upper()).first()


class CommunePoints(NamedTuple):
    """Parallel arrays, one item per commune that has coordinates, ordered by INSEE code."""

    codes: np.ndarray  # str
    latitude: np.ndarray  # float64, degrees
    longitude: np.ndarray  # float64, degrees
    population: np.ndarray  # int64
    names: np.ndarray  # str
    departements: np.ndarray  # str, code of the département
    regions: np.ndarray  # str, code of the région


def communes_points(departements: list[str] | None = None) -> CommunePoints:
    """Every commune's point, population, name and territory codes as numpy arrays, for coverage computations.

    One query. `departements` restricts to those départements (codes).
    """
    queryset = Commune.objects.filter(latitude__isnull=False, longitude__isnull=False)
    if departements:
        queryset = queryset.filter(departement__code__in=departements)
    rows = list(
        queryset.order_by("code").values_list(
            "code", "latitude", "longitude", "population", "nom", "departement__code", "region__code"
        )
    )
    codes, latitude, longitude, population, names, deps, regions = zip(*rows, strict=True) if rows else [()] * 7
    return CommunePoints(
        np.array(codes, dtype=str),
        np.array(latitude, dtype=np.float64),
        np.array(longitude, dtype=np.float64),
        np.array(population, dtype=np.int64),
        np.array(names, dtype=str),
        np.array(deps, dtype=str),
        np.array(regions, dtype=str),
    )


def departements_of_hub(hub: Hub | int | str) -> QuerySet[Departement]:
    """Départements covered by a hub, given as a Hub, its id or its slug; ordered by code."""
    if isinstance(hub, Hub):
        condition = Q(hubs=hub)
    elif isinstance(hub, int):
        condition = Q(hubs__pk=hub)
    else:
        condition = Q(hubs__slug=hub)
    return Departement.objects.filter(condition).select_related("region").order_by("code").distinct()
