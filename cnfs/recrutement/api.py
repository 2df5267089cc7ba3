"""JSON API of the recruitment, mounted at /api/v1/recrutement.

- `GET /postes`: public open data, posts granted, held and open per département (aggregates only, no person);
- `GET /structures` and `GET /structures/{siret}`: host structures with their posts, for the national team and
  for prefecture and hub agents (sessions or partner API keys) on the départements they cover. Denied otherwise.
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field

from cnfs.api.auth import caller_of, role_auth
from cnfs.core.enums import Role
from cnfs.recrutement.models import Structure
from cnfs.recrutement.validators import normalize_siret
from cnfs.territoires.models import Departement

router = Router(tags=["Recrutement des conseillers numériques"])

MAX_PAGE_SIZE = 200
MSG_DEPARTEMENT = "Département « {code} » inconnu."
MSG_HORS_PERIMETRE = "Le département {code} n’entre pas dans votre périmètre."


class PostesFilters(Schema):
    departement: str | None = Field(None, description="Code du département (42, 2A, 974…).")


class StructuresFilters(Schema):
    departement: str | None = Field(None, description="Code du département, dans votre périmètre.")
    postes_ouverts: bool = Field(False, description="Seulement les structures qui ont encore un poste à pourvoir.")
    page: int = Field(1, ge=1, description="Page, à partir de 1.")
    taille: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Structures par page (200 au plus).")


def _check_departement(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip().upper()
    if not Departement.objects.filter(code=code).exists():
        raise Http404(MSG_DEPARTEMENT.format(code=code))
    return code


@router.get("/postes", auth=None, summary="Postes de conseillers numériques par département (données ouvertes)")
def postes(request, filters: Query[PostesFilters]):
    code = _check_departement(filters.departement)
    queryset = Structure.objects.all()
    if code:
        queryset = queryset.filter(commune__departement__code=code)
    rows = (
        queryset.values(
            departement_code=F("commune__departement__code"), departement_nom=F("commune__departement__nom")
        )
        .annotate(
            n_structures=Count("id"),
            n_ouvertes=Count("id", filter=Q(postes_accordes__gt=F("postes_occupes"))),
            accordes=Sum("postes_accordes"),
            occupes=Sum("postes_occupes"),
        )
        .order_by("departement_code")
    )
    items = [
        {
            "code": row["departement_code"],
            "nom": row["departement_nom"],
            "structures": row["n_structures"],
            "postes_accordes": row["accordes"],
            "postes_occupes": row["occupes"],
            "structures_avec_poste_ouvert": row["n_ouvertes"],
            "postes_ouverts": max(row["accordes"] - row["occupes"], 0),
        }
        for row in rows
        if row["accordes"]
    ]
    return {"total": len(items), "resultats": items}


def _as_json(structure: Structure) -> dict:
    return {
        "siret": structure.siret,
        "nom": structure.nom,
        "type": structure.type,
        "type_libelle": structure.get_type_display(),
        "commune": {"code_insee": structure.commune.code, "nom": structure.commune.nom},
        "departement": structure.commune.departement.code,
        "qpv": structure.qpv,
        "zrr": structure.zrr,
        "france_services": structure.france_services,
        "postes_accordes": structure.postes_accordes,
        "postes_occupes": structure.postes_occupes,
        "postes_ouverts": structure.postes_disponibles,
    }


def _visible(request):
    caller = caller_of(request)
    queryset = Structure.objects.select_related("commune__departement").order_by("nom", "id")
    if caller.is_national:
        return caller, queryset
    return caller, queryset.filter(commune__departement__code__in=caller.scope.departements)


@router.get(
    "/structures",
    auth=role_auth(Role.PREFECTURE, Role.HUB),
    summary="Structures d’accueil et leurs postes (équipe nationale, préfectures, hubs)",
)
def structures(request, filters: Query[StructuresFilters]):
    caller, queryset = _visible(request)
    code = _check_departement(filters.departement)
    if code:
        if not caller.covers_departement(code):
            raise PermissionDenied(MSG_HORS_PERIMETRE.format(code=code))
        queryset = queryset.filter(commune__departement__code=code)
    if filters.postes_ouverts:
        queryset = queryset.filter(postes_accordes__gt=F("postes_occupes"))
    count = queryset.count()
    pages = max(1, math.ceil(count / filters.taille))
    if filters.page > pages:
        raise Http404(f"La page {filters.page} n’existe pas : {pages} page(s).")
    start = (filters.page - 1) * filters.taille
    return {
        "total": count,
        "page": filters.page,
        "pages": pages,
        "taille": filters.taille,
        "resultats": [_as_json(s) for s in queryset[start : start + filters.taille]],
    }


@router.get(
    "/structures/{siret}",
    auth=role_auth(Role.PREFECTURE, Role.HUB),
    summary="Une structure d’accueil, par son SIRET",
)
def structure(request, siret: str):
    _, queryset = _visible(request)
    found = queryset.filter(siret=normalize_siret(siret)).first()
    if found is None:
        # Outside the caller's scope or unknown: the same answer, so that nobody learns which SIRET exist.
        raise Http404(f"Aucune structure avec le SIRET {siret} dans votre périmètre.")
    return _as_json(found)
