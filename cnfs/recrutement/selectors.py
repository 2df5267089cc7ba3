"""Reads of the recruitment chain used by pages, API and exports (one place to optimise)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.db.models import OuterRef, Q, QuerySet, Subquery

from cnfs.core.permissions import Scope, is_national
from cnfs.recrutement import geo
from cnfs.recrutement.enums import DEMANDE_EN_COURS, ETAPES_DISPONIBLES, STATUTS_POSTE_OCCUPE, StatutMiseEnRelation
from cnfs.recrutement.models import AvisPrefet, Candidature, DemandePostes, MiseEnRelation, SessionComite, Structure
from cnfs.recrutement.permissions import managed_structure_ids, structures_visible_to

# Above this radius (km) a bounding box no longer prunes anything useful.
_BBOX_MAX_KM = 100


def structures_for(user) -> QuerySet[Structure]:
    """Structures `user` may see, with their commune and département."""
    return structures_visible_to(user, Structure.objects.select_related("commune__departement"))


def managed_structures(user) -> QuerySet[Structure]:
    """Structures `user` manages (role `structure`), for the structure space."""
    return Structure.objects.filter(pk__in=managed_structure_ids(user)).select_related("commune__departement")


def _with_latest_avis(queryset: QuerySet[DemandePostes]) -> QuerySet[DemandePostes]:
    latest = AvisPrefet.objects.filter(demande=OuterRef("pk")).order_by("-created_at", "-id")
    return queryset.annotate(
        dernier_avis=Subquery(latest.values("avis")[:1]),
        dernier_avis_prioritaire=Subquery(latest.values("prioritaire")[:1]),
        dernier_avis_le=Subquery(latest.values("created_at")[:1]),
    )


def demandes_of_structure(structure: Structure) -> QuerySet[DemandePostes]:
    return _with_latest_avis(structure.demandes.all()).prefetch_related("decisions__session")


def demandes_for_territory(user, *, en_cours_only: bool = False) -> QuerySet[DemandePostes]:
    """Requests of the structures in the départements `user` covers (prefecture, hub), with the latest opinion."""
    scope = Scope.for_user(user)
    queryset = DemandePostes.objects.select_related("structure__commune__departement").exclude(statut="brouillon")
    if not is_national(user):
        queryset = queryset.filter(structure__commune__departement__code__in=scope.departements)
    if en_cours_only:
        queryset = queryset.filter(statut__in=DEMANDE_EN_COURS)
    return _with_latest_avis(queryset).order_by("structure__commune__departement__code", "-deposee_le", "-id")


def demandes_for_comite() -> QuerySet[DemandePostes]:
    """Requests waiting for the committee, oldest first, with the prefecture's latest opinion."""
    return _with_latest_avis(
        DemandePostes.objects.filter(statut__in=DEMANDE_EN_COURS).select_related("structure__commune__departement")
    ).order_by("deposee_le", "id")


def sessions_comite() -> QuerySet[SessionComite]:
    return SessionComite.objects.prefetch_related("decisions__demande__structure")


def recrutements_of_structure(structure: Structure) -> QuerySet[MiseEnRelation]:
    """Matches of a structure that went past the interview stage (recruitments, current and past)."""
    return (
        structure.mises_en_relation.exclude(statut__in=["nouvelle", "non_retenue"])
        .select_related("candidature__commune")
        .prefetch_related("contrats", "ruptures")
        .order_by("-updated_at", "-id")
    )


def recrutements_to_validate() -> QuerySet[MiseEnRelation]:
    return (
        MiseEnRelation.objects.filter(statut="recrutee")
        .select_related("structure__commune__departement", "candidature__commune")
        .prefetch_related("contrats")
        .order_by("recrutee_le", "id")
    )


def occupied_posts(structure: Structure) -> int:
    return structure.mises_en_relation.filter(statut__in=STATUTS_POSTE_OCCUPE).count()


@dataclass
class Match:
    candidature: Candidature
    distance_km: float
    statut: str | None = None  # status of an existing match with this structure

    @property
    def statut_label(self) -> str:
        return StatutMiseEnRelation(self.statut).label if self.statut else ""


@dataclass
class MatchPage:
    total: int
    matches: list[Match] = field(default_factory=list)


def _group_filter(group: str) -> Q:
    codes = [code for code, g in geo.ISLAND_GROUPS.items() if g == group]
    if group == "metropole":
        return ~Q(commune__departement__code__in=list(geo.ISLAND_GROUPS)) & ~Q(
            commune__departement__code__startswith="98"
        )
    if codes:
        return Q(commune__departement__code__in=codes)
    return Q(commune__departement__code=group.removeprefix("com-"))


def candidates_near(
    structure: Structure,
    *,
    start: datetime.date | None = None,
    pix_min: int | None = None,
    diplome: bool | None = None,
    with_cv: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> MatchPage:
    """Available candidates whose own travel radius reaches the structure, nearest first, then earliest available.

    `start`: only candidates available by that date. Candidates never cross the sea (territory groups).
    The database prunes by territory, availability and a bounding box; distances are computed for all remaining
    candidates at once with numpy.
    """
    point = structure.point
    if point is None:
        return MatchPage(total=0)
    lat, lon = point
    queryset = Candidature.objects.filter(
        etape__in=ETAPES_DISPONIBLES, commune__latitude__isnull=False, commune__longitude__isnull=False
    ).filter(_group_filter(geo.territory_group(structure.commune.departement.code)))
    if start is not None:
        queryset = queryset.filter(date_disponibilite__lte=start)
    if pix_min:
        queryset = queryset.filter(pix_palier__gte=pix_min)
    if diplome:
        queryset = queryset.filter(diplome=True)
    if with_cv:
        queryset = queryset.exclude(cv="")
    dlat = _BBOX_MAX_KM / 111.0
    dlon = _BBOX_MAX_KM / (111.0 * max(np.cos(np.radians(lat)), 0.01))
    queryset = queryset.filter(
        Q(distance_max__gt=_BBOX_MAX_KM)
        | Q(
            commune__latitude__range=(lat - dlat, lat + dlat),
            commune__longitude__range=(lon - dlon, lon + dlon),
        )
    )
    rows = list(
        queryset.values_list("id", "commune__latitude", "commune__longitude", "distance_max", "date_disponibilite")
    )
    if not rows:
        return MatchPage(total=0)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    lats = np.fromiter((r[1] for r in rows), dtype=float, count=len(rows))
    lons = np.fromiter((r[2] for r in rows), dtype=float, count=len(rows))
    radius = np.fromiter((r[3] for r in rows), dtype=float, count=len(rows))
    available = np.fromiter((r[4].toordinal() for r in rows), dtype=np.int64, count=len(rows))
    distances = geo.haversine_km(lat, lon, lats, lons)
    inside = distances <= radius
    ids, distances, available = ids[inside], distances[inside], available[inside]
    order = np.lexsort((ids, available, np.round(distances, 3)))  # last key first: distance, availability, id
    page = order[offset : offset + limit]
    page_ids = [int(i) for i in ids[page]]
    objects = Candidature.objects.select_related("commune").in_bulk(page_ids)
    statuses = dict(
        MiseEnRelation.objects.filter(structure=structure, candidature_id__in=page_ids).values_list(
            "candidature_id", "statut"
        )
    )
    matches = [
        Match(candidature=objects[cid], distance_km=round(float(d), 1), statut=statuses.get(cid))
        for cid, d in zip(page_ids, distances[page], strict=True)
    ]
    return MatchPage(total=int(inside.sum()), matches=matches)
