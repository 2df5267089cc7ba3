"""Open data: `/api/v1/statistiques`, the national figures of the public page as JSON (aggregates only)."""

from __future__ import annotations

from django.http import JsonResponse
from ninja import Router

from cnfs.pilotage.forms import resolve_filters
from cnfs.pilotage.permissions import NATIONAL
from cnfs.pilotage.selectors import SECRET_MIN_CONSEILLERS
from cnfs.pilotage.views import public_figures

router = Router(tags=["Statistiques"])

DESCRIPTION = (
    "Chiffres nationaux de l’activité des conseillers numériques (totaux uniquement, aucune donnée personnelle). "
    "Filtres facultatifs : `date_debut` et `date_fin` (AAAA-MM-JJ), `departement` (code INSEE), `theme` (code du "
    f"thème). Les chiffres d’un département comptant moins de {SECRET_MIN_CONSEILLERS} conseillers actifs sur la "
    "période ne sont pas publiés (`secret_statistique: true`)."
)


@router.get("", auth=None, summary="Statistiques nationales de l’activité", description=DESCRIPTION)
def statistiques(request):
    form, filters = resolve_filters(request.GET, NATIONAL, public=True)
    if filters is None:
        errors = [
            f"{form.fields[name].label if name in form.fields else name} : {error}"
            for name, errs in form.errors.items()
            for error in errs
        ]
        return JsonResponse({"detail": "Filtre invalide.", "errors": errors}, status=422)
    filtres = {
        "date_debut": filters.date_debut.isoformat() if filters.date_debut else None,
        "date_fin": filters.date_fin.isoformat() if filters.date_fin else None,
        "departement": filters.departement,
        "theme": filters.theme,
    }
    figures = public_figures(filters)
    if figures is None:
        return {"filtres": filtres, "secret_statistique": True, "rubriques": []}
    return {
        "filtres": filtres,
        "secret_statistique": False,
        "rubriques": [
            {
                "cle": section.key,
                "titre": section.titre,
                "colonnes": list(section.colonnes),
                "lignes": [{"libelle": line.libelle, "valeurs": list(line.valeurs)} for line in section.lignes],
                "note": section.note,
            }
            for section in figures.sections
        ],
    }
