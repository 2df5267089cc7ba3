"""Pure rules of the training record, shared by the services (which raise the first refusal) and the CSV import
(which reports every refusal of a row). No database access here."""

from __future__ import annotations

import datetime
from decimal import Decimal

from cnfs.formation.enums import RESULTATS_TERMINES, ResultatFormation
from cnfs.formation.models import HEURES_MAX

# (field, French message) pairs.
Problem = tuple[str, str]


def _hours(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f} h"


def record_problems(
    *,
    heures_prevues: Decimal | None,
    heures_realisees: Decimal | None,
    date_debut: datetime.date | None,
    date_fin: datetime.date | None,
    resultat: str,
    today: datetime.date,
) -> list[Problem]:
    """Everything wrong with a training record (planned and completed hours, dates, result)."""
    problems: list[Problem] = []
    if resultat not in ResultatFormation.values:
        problems.append(
            ("resultat", f"résultat « {resultat} » inconnu (attendu : {', '.join(ResultatFormation.values)})")
        )
    if heures_prevues is None or not Decimal(0) < heures_prevues <= HEURES_MAX:
        problems.append(("heures_prevues", f"les heures prévues sont comprises entre 0 et {HEURES_MAX}"))
    if heures_realisees is None or heures_realisees < 0:
        problems.append(("heures_realisees", "les heures réalisées sont un nombre positif ou nul"))
    elif heures_prevues is not None and heures_realisees > heures_prevues:
        problems.append(
            (
                "heures_realisees",
                f"heures réalisées ({_hours(heures_realisees)}) supérieures aux heures prévues "
                f"({_hours(heures_prevues)})",
            )
        )
    if date_debut is None:
        problems.append(("date_debut", "la date de début est obligatoire"))
    else:
        if date_fin is not None and date_fin < date_debut:
            problems.append(
                ("date_fin", f"la date de fin ({date_fin:%d/%m/%Y}) précède la date de début ({date_debut:%d/%m/%Y})")
            )
        if date_debut > today and heures_realisees:
            problems.append(("heures_realisees", "des heures sont réalisées alors que la formation n’a pas commencé"))
    if resultat in RESULTATS_TERMINES:
        if date_fin is None:
            problems.append(
                ("date_fin", "une formation terminée (validée, non validée ou abandonnée) a une date de fin")
            )
        elif date_fin > today:
            problems.append(("date_fin", f"formation terminée avec une date de fin à venir ({date_fin:%d/%m/%Y})"))
    return problems
