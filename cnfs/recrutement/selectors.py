"""Reads of the recruitment chain used by pages, API and exports (one place to optimise)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from cnfs.core.permissions import Scope, is_national
from cnfs.recrutement import geo
from cnfs.recrutement.enums import (
    DEMANDE_EN_COURS,
    ETAPES_DISPONIBLES,
    STATUTS_POSTE_OCCUPE,
    StatutAvenant,
    StatutContrat,
    StatutMiseEnRelation,
    StatutRupture,
)
from cnfs.recrutement.models import (
    AvenantPostes,
    AvisPrefet,
    Candidature,
    Contrat,
    DemandePostes,
    Message,
    MiseEnRelation,
    Rupture,
    SessionComite,
    Structure,
)
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


# --- Candidate space ------------------------------------------------------------------------------------------
@dataclass
class NearbyStructure:
    structure: Structure
    distance_km: float


def structures_near(candidature: Candidature, *, limit: int = 50) -> tuple[int, list[NearbyStructure]]:
    """Structures still recruiting (granted posts not all filled) within the candidate's own travel radius,
    nearest first; never across the sea. Returns (how many in all, the nearest `limit`)."""
    commune = candidature.commune
    if commune.latitude is None or commune.longitude is None:
        return 0, []
    lat, lon = commune.latitude, commune.longitude
    radius = float(candidature.distance_max)
    queryset = Structure.objects.filter(postes_accordes__gt=F("postes_occupes")).filter(
        _group_filter(geo.territory_group(commune.departement.code))
    )
    if radius <= _BBOX_MAX_KM:
        dlat = radius / 111.0
        dlon = radius / (111.0 * max(np.cos(np.radians(lat)), 0.01))
        box = Q(latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon))
        commune_box = Q(
            latitude__isnull=True,
            commune__latitude__range=(lat - dlat, lat + dlat),
            commune__longitude__range=(lon - dlon, lon + dlon),
        )
        queryset = queryset.filter(box | commune_box)
    rows = list(
        queryset.values_list("id", "latitude", "longitude", "commune__latitude", "commune__longitude").order_by("id")
    )
    rows = [(r[0], r[1], r[2]) if r[1] is not None else (r[0], r[3], r[4]) for r in rows]
    rows = [r for r in rows if r[1] is not None and r[2] is not None]
    if not rows:
        return 0, []
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    distances = geo.haversine_km(lat, lon, [r[1] for r in rows], [r[2] for r in rows])
    inside = distances <= radius
    ids, distances = ids[inside], distances[inside]
    order = np.lexsort((ids, np.round(distances, 3)))[:limit]
    objects = Structure.objects.select_related("commune__departement").in_bulk([int(i) for i in ids[order]])
    nearby = [NearbyStructure(objects[int(ids[i])], round(float(distances[i]), 1)) for i in order]
    return int(inside.sum()), nearby


def messages_of_candidature(candidature: Candidature) -> QuerySet[Message]:
    return Message.objects.filter(mise_en_relation__candidature=candidature).select_related(
        "mise_en_relation__structure__commune"
    )


def unread_messages_count(candidature: Candidature) -> int:
    return Message.objects.filter(mise_en_relation__candidature=candidature, lu_le__isnull=True).count()


# --- Prefecture page: coverage gain and map -------------------------------------------------------------------
COVERAGE_THRESHOLD = 30


@dataclass
class CoverageContext:
    """What each request of a page would add to coverage, and the territory's map, from one coverage state."""

    gains: dict[int, int | None]
    svg: object | None
    detour_factor: float
    speed_kmh: float
    threshold: int = COVERAGE_THRESHOLD


def coverage_for_demandes(
    demandes: list[DemandePostes], departements: list[str] | None, *, first_rank: int = 1
) -> CoverageContext:
    """Population newly within 30 minutes of a place if each request's structure hosted one (an estimate), and an
    SVG map of the territory (`departements`, or the nation when None) with the requests numbered in page order.

    The coverage state is read once for the whole page (`coverage_state` is memoised per process); each gain is
    then a k-d tree query, so the page costs the same whatever its number of rows.
    """
    from cnfs.lieux.maillage import selectors as maillage
    from cnfs.lieux.maillage import svgmap

    state = maillage.coverage_state(None)
    demand = maillage.uncovered_demand(state, COVERAGE_THRESHOLD)
    gains: dict[int, int | None] = {}
    sites = []
    for rank, demande in enumerate(demandes, start=first_rank):
        point = demande.structure.point
        gain = demand.gain_at(*point) if point is not None else None
        gains[demande.pk] = gain
        if point is not None:
            sites.append(
                {"rank": rank, "nom": demande.structure.nom, "gain": gain, "latitude": point[0], "longitude": point[1]}
            )
    communes = state.communes
    if departements is None:
        indices = np.arange(len(communes.codes))
    else:
        indices = np.flatnonzero(np.isin(communes.departements, list(departements)))
    svg = None
    if len(indices):
        lat, lon = communes.latitude[indices], communes.longitude[indices]
        if departements is None or len(indices) > 5000:
            svg = svgmap.grid_map(lat, lon, communes.population[indices], state.result.minutes[indices], sites=sites)
        else:
            svg = svgmap.commune_map(
                lat,
                lon,
                state.result.band[indices],
                communes.names[indices],
                communes.population[indices],
                sites=sites,
            )
    return CoverageContext(
        gains=gains, svg=svg, detour_factor=state.model.detour_factor, speed_kmh=state.model.speed_kmh
    )


# --- Hub view -------------------------------------------------------------------------------------------------
def territory_departements(user) -> list[str] | None:
    """The départements a territorial agent covers (None: the whole nation, for the national team)."""
    if is_national(user):
        return None
    return sorted(Scope.for_user(user).departements)


def structures_for_territory(user) -> QuerySet[Structure]:
    """Structures of the départements `user` covers (hub, prefecture; everything for the national team)."""
    queryset = Structure.objects.select_related("commune__departement").order_by(
        "commune__departement__code", "nom", "id"
    )
    departements = territory_departements(user)
    if departements is not None:
        queryset = queryset.filter(commune__departement__code__in=departements)
    return queryset


def recrutements_for_territory(user) -> QuerySet[MiseEnRelation]:
    """Recruitments (recorded, validated, ended) of the structures of the départements `user` covers."""
    queryset = (
        MiseEnRelation.objects.filter(statut__in=[*STATUTS_POSTE_OCCUPE, StatutMiseEnRelation.RUPTURE_VALIDEE])
        .select_related("structure__commune__departement", "candidature__commune")
        .order_by("structure__commune__departement__code", "-date_recrutement", "-id")
    )
    departements = territory_departements(user)
    if departements is not None:
        queryset = queryset.filter(structure__commune__departement__code__in=departements)
    return queryset


# --- Validations page (national team) -------------------------------------------------------------------------
def renouvellements_to_validate() -> QuerySet[Contrat]:
    return (
        Contrat.objects.filter(statut=StatutContrat.INITIE)
        .select_related("mise_en_relation__structure", "mise_en_relation__candidature", "renouvellement_de")
        .order_by("created_at", "id")
    )


def avenants_to_decide() -> QuerySet[AvenantPostes]:
    return (
        AvenantPostes.objects.filter(statut=StatutAvenant.EN_ATTENTE)
        .select_related("structure__commune__departement")
        .order_by("created_at", "id")
    )


def ruptures_to_validate() -> QuerySet[Rupture]:
    return Rupture.objects.filter(statut=StatutRupture.SIGNALEE).select_related(
        "mise_en_relation__structure", "mise_en_relation__candidature"
    )
