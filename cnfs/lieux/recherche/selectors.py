"""Reads of the public search: where to search from, which places match, and what to show about each."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cnfs.lieux import horaires
from cnfs.lieux.enums import LABEL_FLAGS, Label
from cnfs.lieux.models import Lieu
from cnfs.lieux.recherche.index import Filters, get_index, normalise_text
from cnfs.territoires.models import Commune
from cnfs.territoires.selectors import commune_search

SATURDAY = 5
COMMUNES_CACHE_SECONDS = 3600
LABEL_NAMES = {flag: Label(label).label for label, flag in LABEL_FLAGS.items()}


@dataclass(frozen=True)
class CommuneChoix:
    """A commune the search can start from (plain values: cached between requests)."""

    code: str
    nom: str
    departement: str
    latitude: float
    longitude: float
    codes_postaux: tuple[str, ...]

    @classmethod
    def of(cls, commune: Commune) -> CommuneChoix:
        return cls(
            commune.code,
            commune.nom,
            commune.departement.code,
            commune.latitude,
            commune.longitude,
            tuple(commune.codes_postaux or ()),
        )


@dataclass(frozen=True)
class Origine:
    """Where distances are measured from."""

    latitude: float
    longitude: float
    libelle: str  # "Saint-Étienne (42000)", "votre position"
    commune: CommuneChoix | None = None


@dataclass(frozen=True)
class LieuResume:
    """A place as a list shows it."""

    pk: int
    nom: str
    adresse: str
    complement_adresse: str
    code_postal: str
    latitude: float
    longitude: float
    horaires: str
    commune_nom: str
    commune_code: str
    labels: tuple[str, ...]

    @classmethod
    def from_values(cls, row: dict) -> LieuResume:
        return cls(
            pk=row["id"],
            nom=row["nom"],
            adresse=row["adresse"],
            complement_adresse=row["complement_adresse"],
            code_postal=row["code_postal"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            horaires=row["horaires"],
            commune_nom=row["commune__nom"],
            commune_code=row["commune__code"],
            labels=tuple(name for flag, name in LABEL_NAMES.items() if row[flag]),
        )


@dataclass
class Resultat:
    lieu: LieuResume
    distance_km: float | None
    ouvert_maintenant: bool

    @property
    def labels(self) -> list[str]:
        return list(self.lieu.labels)


@dataclass
class Recherche:
    origine: Origine | None = None
    autres_communes: list[CommuneChoix] = field(default_factory=list)
    resultats: list[Resultat] = field(default_factory=list)
    par_nom: bool = False  # the text was taken as a place name, not a commune
    lancee: bool = False  # False: nothing to search for yet


def resolve_origin(
    *, q: str = "", commune_code: str = "", latitude: float | None = None, longitude: float | None = None
) -> tuple[Origine | None, list[CommuneChoix], bool]:
    """(origin, other matching communes, whether `q` is a place name) for what the person gave.

    Coordinates ("autour de moi") win; then a chosen commune; then the text if it names a commune or a postcode;
    otherwise the text is a place name and there is no origin.
    """
    if latitude is not None and longitude is not None:
        return Origine(latitude, longitude, "votre position"), [], False
    if commune_code:
        commune = Commune.objects.select_related("departement").filter(code=commune_code).first()
        if commune is not None and commune.latitude is not None and commune.longitude is not None:
            return _commune_origin(CommuneChoix.of(commune), q), [], False
    if q:
        communes = communes_for(q)
        if communes:
            return _commune_origin(communes[0], q), communes[1:], False
        return None, [], True
    return None, [], False


def communes_for(q: str) -> list[CommuneChoix]:
    """Communes (with a point) matching the text, best first; cached, since people search the same towns."""
    key = "lieux:recherche:communes:" + hashlib.sha256(normalise_text(q).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = [
            CommuneChoix.of(c)
            for c in commune_search(q, limit=6)
            if c.latitude is not None and c.longitude is not None
        ]
        # Communes change only when the reference data is reloaded: an hour of staleness at most.
        cache.set(key, found, timeout=COMMUNES_CACHE_SECONDS)
    return found


def _commune_origin(commune: CommuneChoix, q: str) -> Origine:
    typed = "".join(ch for ch in q if ch.isdigit())
    postcode = typed if len(typed) == 5 and typed in commune.codes_postaux else ""
    postcode = postcode or (commune.codes_postaux[0] if commune.codes_postaux else commune.code)
    return Origine(commune.latitude, commune.longitude, f"{commune.nom} ({postcode})", commune)


def hours_filters(*, ouvert_maintenant: bool, ouvert_samedi: bool, now: datetime, today: date) -> dict:
    """The opening-hours part of `Filters`: open at `now`, and open on the coming Saturday (today if Saturday)."""
    return {
        "open_at": now if ouvert_maintenant else None,
        "open_day": today + timedelta(days=(SATURDAY - today.weekday()) % 7) if ouvert_samedi else None,
    }


def lieux_recherche(
    *,
    q: str = "",
    commune_code: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    valeurs: dict[str, list[str]] | None = None,
    ouvert_maintenant: bool = False,
    ouvert_samedi: bool = False,
    rayon_km: float | None = None,
    limit: int = 20,
    now: datetime | None = None,
) -> Recherche:
    """Places matching the filters, nearest first from the origin the person gave (or by name without one).

    Answers from the in-memory index (`index.py`), which also holds what the results show: no query for places.
    """
    now = now or timezone.now()
    origine, autres, par_nom = resolve_origin(q=q, commune_code=commune_code, latitude=latitude, longitude=longitude)
    recherche = Recherche(origine=origine, autres_communes=autres, par_nom=par_nom)
    if origine is None and not par_nom:
        return recherche
    recherche.lancee = True
    if par_nom and not normalise_text(q):
        return recherche  # punctuation only: nothing can match
    filters = Filters(
        values=valeurs or {},
        name=q if par_nom else "",
        **hours_filters(
            ouvert_maintenant=ouvert_maintenant,
            ouvert_samedi=ouvert_samedi,
            now=now,
            today=timezone.localtime(now).date(),
        ),
    )
    origin = (origine.latitude, origine.longitude) if origine else None
    index = get_index()
    hits = index.search_positions(filters, origin=origin, limit=limit, radius_km=rayon_km)
    for position, distance in hits:
        lieu = LieuResume.from_values(index.record(position))
        recherche.resultats.append(Resultat(lieu, distance, horaires.is_open(lieu.horaires, now)))
    return recherche


def lieu_public(pk: int) -> Lieu:
    """A place as the public page shows it (404 when unknown)."""
    return get_object_or_404(Lieu.objects.select_related("commune__departement"), pk=pk)
