"""Public JSON API of places, in the national schema v1.0.1 (lists as JSON arrays), paginated and filterable."""

from __future__ import annotations

import math

from django.http import JsonResponse
from ninja import Router

from cnfs.lieux.exports import SCHEMA_COLUMNS, as_schema, shared_ids
from cnfs.lieux.selectors import lieux_public, parse_filters

router = Router(tags=["Lieux de médiation numérique"])

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

FILTER_DOC = (
    "Filtres (plusieurs valeurs séparées par des virgules ou répétées : l’une ou l’autre ; filtres différents : "
    "tous à la fois) : `commune` (code INSEE), `departement` (code), `service`, `public`, `prise_en_charge`, "
    "`dispositif`, `label` (france-services, conseillers-numeriques, aidants-connect, fabriques-de-territoire, "
    "pass-numerique), `modalite` (d’accès ou d’accompagnement), `frais`. Les valeurs s’écrivent en identifiant "
    "(`aide-demarches-administratives`) ou dans le libellé du schéma (`Aide aux démarches administratives`). "
    "Pagination : `page` (à partir de 1) et `taille` (50 par défaut, 500 au plus)."
)


def _error(message: str, errors: list[str] | None = None, status: int = 422) -> JsonResponse:
    body = {"detail": message}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def _positive_int(value: str | None, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    if not str(value).isdigit() or int(value) < 1:
        raise ValueError(f"Le paramètre « {name} » doit être un entier positif.")
    return int(value)


@router.get("", auth=None, summary="Lieux de médiation numérique", description=FILTER_DOC)
def lieux_list(request):
    try:
        page = _positive_int(request.GET.get("page"), 1, "page")
        size = min(_positive_int(request.GET.get("taille"), DEFAULT_PAGE_SIZE, "taille"), MAX_PAGE_SIZE)
    except ValueError as exc:
        return _error(str(exc))
    filters = parse_filters(request.GET)
    queryset = lieux_public(filters)
    if filters.errors:
        return _error("Filtre invalide.", filters.errors)
    count = queryset.count()
    pages = max(1, math.ceil(count / size))
    if page > pages:
        return _error(f"La page {page} n’existe pas : {pages} page(s).", status=404)
    shared = shared_ids(queryset)
    items = [as_schema(lieu, shared) for lieu in queryset[(page - 1) * size : page * size]]

    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        params["taille"] = str(size)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "schema": "https://schema.data.gouv.fr/LaMednum/standard-mediation-num/1.0.1/",
        "colonnes": list(SCHEMA_COLUMNS),
        "total": count,
        "page": page,
        "pages": pages,
        "taille": size,
        "suivante": link(page + 1) if page < pages else None,
        "precedente": link(page - 1) if page > 1 else None,
        "resultats": items,
    }
