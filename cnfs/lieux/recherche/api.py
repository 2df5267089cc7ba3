"""Public JSON search of places: /api/v1/lieux/recherche (the same parameters as the "Trouver un lieu" page)."""

from django.http import JsonResponse
from ninja import Router, Schema

from cnfs.lieux.recherche.formatting import format_km, lieu_url
from cnfs.lieux.recherche.forms import RechercheApiParams
from cnfs.lieux.recherche.selectors import lieux_recherche

router = Router(tags=["Lieux"])


class Erreur(Schema):
    detail: str
    errors: list[dict] = []


class OrigineOut(Schema):
    latitude: float
    longitude: float
    libelle: str
    code_insee: str | None = None


class LieuTrouve(Schema):
    id: int
    nom: str
    adresse: str
    code_postal: str
    commune: str
    code_insee: str
    latitude: float
    longitude: float
    distance_km: float | None
    distance: str
    ouvert_maintenant: bool
    labels: list[str]
    url: str


class ReponseRecherche(Schema):
    origine: OrigineOut | None
    par_nom: bool
    resultats: list[LieuTrouve]


DESCRIPTION = """Lieux les plus proches d'une commune, d'un code postal ou d'une position, ou dont le nom contient
le texte donné (sans origine). Paramètres (tous facultatifs, répétables pour les listes) : `q` (commune, code postal
ou nom du lieu), `commune` (code INSEE), `lat` et `lon` (position), `services`, `publics`, `prise_en_charge`,
`labels`, `modalites`, `frais` (valeurs des listes du schéma), `ouvert_maintenant`, `ouvert_samedi` (`on`), `rayon`
(km : 5, 10, 20, 50 ou 100), `nombre` (1 à 200, 20 par défaut)."""


@router.get(
    "",
    auth=None,
    response={200: ReponseRecherche, 400: Erreur},
    summary="Rechercher des lieux de médiation numérique",
    description=DESCRIPTION,
)
def recherche(request):
    form = RechercheApiParams(request.GET)
    if not form.is_valid():
        errors = [{"champ": field, "message": message} for field, items in form.errors.items() for message in items]
        return JsonResponse({"detail": "Paramètres de recherche invalides.", "errors": errors}, status=400)
    resultat = lieux_recherche(**form.search_arguments())
    origine = resultat.origine
    body = {
        "origine": None
        if origine is None
        else {
            "latitude": origine.latitude,
            "longitude": origine.longitude,
            "libelle": origine.libelle,
            "code_insee": origine.commune.code if origine.commune else None,
        },
        "par_nom": resultat.par_nom,
        "resultats": [
            {
                "id": r.lieu.pk,
                "nom": r.lieu.nom,
                "adresse": r.lieu.adresse,
                "code_postal": r.lieu.code_postal,
                "commune": r.lieu.commune_nom,
                "code_insee": r.lieu.commune_code,
                "latitude": r.lieu.latitude,
                "longitude": r.lieu.longitude,
                "distance_km": None if r.distance_km is None else round(r.distance_km, 3),
                "distance": format_km(r.distance_km),
                "ouvert_maintenant": r.ouvert_maintenant,
                "labels": r.labels,
                "url": lieu_url(r.lieu.pk),
            }
            for r in resultat.resultats
        ],
    }
    # Built by hand and documented by the schemas above: validating our own output again would double the cost.
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
