"""Public JSON list of upcoming ateliers: /api/v1/ateliers (the data of "Ateliers près de chez vous", no one's
personal data)."""

from datetime import datetime

from django.http import JsonResponse
from django.urls import reverse
from ninja import Router, Schema

from cnfs.activite.ateliers import selectors
from cnfs.activite.ateliers.forms import RechercheAteliersForm

router = Router(tags=["Ateliers"])


class Erreur(Schema):
    detail: str
    errors: list[dict] = []


class LieuOut(Schema):
    id: int
    nom: str
    adresse: str
    code_postal: str
    commune: str
    code_insee: str
    latitude: float | None
    longitude: float | None


class AtelierOut(Schema):
    id: int
    titre: str
    themes: list[str]
    niveau: str
    debut: datetime
    fin: datetime
    duree_minutes: int
    a_distance: bool
    lieu: LieuOut | None
    distance_km: float | None
    capacite: int
    places_restantes: int
    liste_attente: bool
    url: str


class ReponseAteliers(Schema):
    commune: str | None
    resultats: list[AtelierOut]


def _atelier(atelier, distance_km) -> dict:
    lieu = atelier.lieu
    return {
        "id": atelier.pk,
        "titre": atelier.titre,
        "themes": list(atelier.themes),
        "niveau": atelier.niveau,
        "debut": atelier.debut.isoformat(),
        "fin": atelier.fin.isoformat(),
        "duree_minutes": atelier.duree_minutes,
        "a_distance": lieu is None,
        "lieu": None
        if lieu is None
        else {
            "id": lieu.pk,
            "nom": lieu.nom,
            "adresse": lieu.adresse,
            "code_postal": lieu.code_postal,
            "commune": lieu.commune.nom,
            "code_insee": lieu.commune_id,
            "latitude": lieu.latitude,
            "longitude": lieu.longitude,
        },
        "distance_km": None if distance_km is None else round(distance_km, 3),
        "capacite": atelier.capacite,
        "places_restantes": max(atelier.capacite - atelier.inscrits, 0),
        "liste_attente": atelier.liste_attente,
        "url": reverse("activite:atelier_public", args=[atelier.pk]),
    }


@router.get(
    "",
    auth=None,
    response={200: ReponseAteliers, 400: Erreur},
    summary="Ateliers à venir",
    description=(
        "Ateliers collectifs à venir, ouverts à l'inscription sans compte. Paramètres facultatifs : `q` (commune "
        "ou code postal : ateliers de son département, du plus proche au plus lointain), `theme` (code d'un thème "
        "du programme). Les ateliers à distance suivent ceux qui ont lieu dans un lieu."
    ),
)
def ateliers(request):
    form = RechercheAteliersForm(request.GET)
    if not form.is_valid():
        errors = [{"champ": field, "message": message} for field, items in form.errors.items() for message in items]
        return JsonResponse({"detail": "Paramètres invalides.", "errors": errors}, status=400)
    resultat = selectors.ateliers_publics(q=form.cleaned_data["q"].strip(), theme=form.cleaned_data["theme"])
    rows = [_atelier(row.atelier, row.distance_km) for row in resultat.sur_place]
    rows += [_atelier(atelier, None) for atelier in resultat.a_distance]
    body = {"commune": resultat.commune.nom if resultat.commune else None, "resultats": rows}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
