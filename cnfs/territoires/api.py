"""Public API of the territories: commune search and detail (`/api/v1/communes`)."""

from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from cnfs.territoires.selectors import commune_get, commune_search

router = Router(tags=["Territoires"])


class CommuneOut(Schema):
    code: str = Field(description="Code INSEE (COG)", examples=["42218"])
    nom: str = Field(examples=["Saint-Étienne"])
    departement: str = Field(description="Code du département", examples=["42"])
    codes_postaux: list[str] = Field(examples=[["42000", "42100", "42230"]])
    population: int = Field(description="Population municipale")
    latitude: float | None = Field(description="Point situé dans la commune (WGS 84)")
    longitude: float | None = None


class CommuneFilters(Schema):
    q: str = Field(description="Nom (sans accents ni majuscules nécessaires), code postal ou code INSEE")
    limit: int = Field(20, ge=1, le=100, description="Nombre maximal de résultats")


def _out(commune) -> dict:
    return {
        "code": commune.code,
        "nom": commune.nom,
        "departement": commune.departement.code,
        "codes_postaux": list(commune.codes_postaux),
        "population": commune.population,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
    }


@router.get("", auth=None, response=list[CommuneOut], summary="Rechercher une commune")
def communes_search(request, filters: Query[CommuneFilters]):
    """Communes dont le nom, un code postal ou le code INSEE commence par `q`, les plus pertinentes d'abord.

    Une recherche sans résultat, ou illisible, renvoie une liste vide.
    """
    return [_out(commune) for commune in commune_search(filters.q, limit=filters.limit)]


@router.get("/{code}", auth=None, response=CommuneOut, summary="Détail d'une commune")
def commune_detail(
    request, code: str = Path(..., pattern=r"^[0-9][0-9ABab][0-9]{3}$", description="Code INSEE", examples=["42218"])
):
    commune = commune_get(code)
    if commune is None:
        raise HttpError(404, f"Commune inconnue : {code[:20]}")
    return _out(commune)
