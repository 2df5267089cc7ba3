"""Public API of the training funnel (`/api/v1/formation`): recruited → in training → in the field by territory.

Counts only, no person: the programme publishes these figures (open statistics).
"""

from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from cnfs.formation.selectors import Funnel, Territoire, funnel, funnel_by_departement
from cnfs.territoires.models import Departement, Region

router = Router(tags=["Formation des conseillers"])


class FunnelOut(Schema):
    recrutes: int = Field(description="Conseillers recrutés et pas partis (dont en formation et en poste)")
    en_formation: int = Field(description="Formation initiale commencée, contrat pas encore commencé")
    en_poste: int = Field(description="Formation initiale commencée et contrat commencé")


class DepartementFunnelOut(FunnelOut):
    code: str = Field(examples=["42"])
    nom: str = Field(examples=["Loire"])


class EntonnoirOut(FunnelOut):
    territoire: str = Field(examples=["France entière"])
    departements: list[DepartementFunnelOut]


class EntonnoirFilters(Schema):
    region: str | None = Field(None, pattern=r"^[0-9]{2}$", description="Code INSEE de la région", examples=["84"])
    departement: str | None = Field(
        None, pattern=r"^(2A|2B|[0-9]{2,3})$", description="Code INSEE du département", examples=["42"]
    )


def _counts(f: Funnel) -> dict:
    return {"recrutes": f.recrutes, "en_formation": f.en_formation, "en_poste": f.en_poste}


@router.get("/entonnoir", auth=None, response=EntonnoirOut, summary="Entonnoir recrutés → en formation → en poste")
def entonnoir(request, filters: Query[EntonnoirFilters]):
    """Nombre de conseillers recrutés, en formation et en poste, pour la France entière, une région ou un
    département (celui de la structure d’accueil), avec le détail par département."""
    if filters.departement and not Departement.objects.filter(code=filters.departement).exists():
        raise HttpError(404, f"Département inconnu : {filters.departement}")
    if filters.region and not Region.objects.filter(code=filters.region).exists():
        raise HttpError(404, f"Région inconnue : {filters.region}")
    territoire = Territoire(region=filters.region, departement=filters.departement)
    return {
        "territoire": territoire.label(),
        **_counts(funnel(territoire)),
        "departements": [
            {"code": r.code, "nom": r.nom, **_counts(r.funnel)} for r in funnel_by_departement(territoire)
        ],
    }
