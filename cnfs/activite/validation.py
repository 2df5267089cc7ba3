"""Validation of activity records (CRA), shared by the entry form, the services and the bulk import.

Pure Python over a `Referentiel` loaded once (a few queries, never one per row), so that the import validates
thousands of rows per second and the form and the import refuse exactly the same things with the same French words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cnfs.activite.enums import (
    AGE_FIELDS,
    DUREE_MAX_MINUTES,
    PARTICIPANTS_MAX,
    STATUT_FIELDS,
    Autonomie,
    Canal,
    DemarcheType,
    Materiel,
    Orientation,
    Theme,
    TypeAccompagnement,
)
from cnfs.activite.models.accompagnement import DATE_MIN
from cnfs.core.errors import DomainError

AGE_NAMES = tuple(name for name, _ in AGE_FIELDS)
STATUT_NAMES = tuple(name for name, _ in STATUT_FIELDS)
COUNT_NAMES = ("participants", "participants_recurrents", *AGE_NAMES, *STATUT_NAMES)
NOTES_MAX = 5000

_TYPES = frozenset(TypeAccompagnement.values)
_CANAUX = frozenset(Canal.values)
_THEMES = frozenset(Theme.values)
_DEMARCHE = Theme.DEMARCHE_EN_LIGNE.value
_OPTIONAL_CHOICES = {
    "orientation": (frozenset(Orientation.values), "L’orientation"),
    "materiel": (frozenset(Materiel.values), "Le matériel utilisé"),
    "autonomie": (frozenset(Autonomie.values), "L’autonomie atteinte"),
    "demarche_type": (frozenset(DemarcheType.values), "Le type de démarche"),
}


class AccompagnementInvalide(DomainError):
    """A record refused by validation. `errors` lists every (field, French message) found, first one in `message`."""

    def __init__(self, errors: list[tuple[str | None, str]]):
        super().__init__(errors[0][1], field=errors[0][0], code="accompagnement_invalide")
        self.errors = errors


@dataclass
class Referentiel:
    """What validation needs to know about advisors, places and communes, loaded once for a form or an import."""

    today: dt.date
    # lieu id → (commune INSEE code, département code)
    lieux: dict[int, tuple[str, str]] = field(default_factory=dict)
    # conseiller id → ids of their places of activity (`LieuActivite`)
    lieux_of: dict[int, frozenset[int]] = field(default_factory=dict)
    # commune INSEE code → département code (only the codes asked for)
    communes: dict[str, str] = field(default_factory=dict)
    # conseiller id → host structure id (or None)
    structures: dict[int, int | None] = field(default_factory=dict)
    # beneficiaire id → (conseiller id, anonymised)
    beneficiaires: dict[int, tuple[int, bool]] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        *,
        conseiller_ids: Iterable[int],
        commune_codes: Iterable[str] = (),
        beneficiaire_ids: Iterable[int] = (),
        today: dt.date,
    ) -> Referentiel:
        from cnfs.activite import selectors

        conseiller_ids = list(set(conseiller_ids))
        ref = cls(today=today)
        ref.lieux_of, ref.lieux = selectors.lieux_map(conseiller_ids)
        ref.structures = selectors.structures_of_conseillers(conseiller_ids)
        ref.communes = selectors.communes_map(commune_codes)
        ref.beneficiaires = selectors.beneficiaires_map(beneficiaire_ids)
        return ref


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def parse_date(value: Any) -> dt.date | None:
    """A date, or the text of one as AAAA-MM-JJ or JJ/MM/AAAA; None when it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if "/" in text:
            day, month, year = text.split("/")
            return dt.date(int(year), int(month), int(day))
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_themes(value: Any) -> list[str]:
    """Topic codes from a list or from a text separated by | , or ; (CSV)."""
    if type(value) is str and "," not in value and ";" not in value and " " not in value:
        items = value.split("|")  # the import's usual form, "courriel|sante"
        return list(dict.fromkeys(item for item in items if item))
    if _blank(value):
        return []
    if isinstance(value, str):
        for sep in ",;":
            value = value.replace(sep, "|")
        items = value.split("|")
    else:
        items = list(value)
    seen: list[str] = []
    for item in items:
        item = str(item).strip()
        if item and item not in seen:
            seen.append(item)
    return seen


def _personnes(n: int) -> str:
    return f"{n} personne{'s' if n > 1 else ''}"


def count_gap_message(group: str, total: int, participants: int) -> str | None:
    """French message naming the gap between a breakdown and the participants, or None when they agree."""
    if total == participants:
        return None
    gap = participants - total
    tail = f"il en manque {gap}" if gap > 0 else f"il y en a {-gap} de trop"
    return f"La répartition par {group} compte {_personnes(total)} pour {_personnes(participants)} : {tail}."


def clean_accompagnement(raw: Mapping[str, Any], *, conseiller_id: int, ref: Referentiel) -> dict[str, Any]:
    """The model values of one record (plus `themes`), or `AccompagnementInvalide` with every problem found.

    `raw` may hold Python values (form, services) or texts (CSV import). `lieu_id` (int) and `commune_id` (INSEE
    code) locate the record; the département, the commune of a place and the host structure are derived here.
    """
    errors: list[tuple[str | None, str]] = []
    get = raw.get

    date = get("date")
    if type(date) is not dt.date:
        date = None if _blank(date) else parse_date(date)
    if date is None:
        errors.append(("date", "Indiquez une date valide (JJ/MM/AAAA)."))
    elif date < DATE_MIN:
        errors.append(("date", "La date ne peut pas être antérieure au 1er janvier 2020."))
    elif date > ref.today:
        errors.append(("date", "La date ne peut pas être dans le futur."))

    type_ = get("type") or ""
    if type_ not in _TYPES:
        errors.append(("type", "Choisissez le type : individuel, collectif ou ponctuel."))
    canal = get("canal") or ""
    if canal not in _CANAUX:
        errors.append(
            ("canal", "Choisissez le lieu de l’accompagnement : lieu d’activité, autre lieu, domicile, distance.")
        )

    duree = get("duree_minutes")
    if type(duree) is not int:
        duree = int(duree) if type(duree) is str and duree.isdigit() else _int(duree)
    if duree is None or not 1 <= duree <= DUREE_MAX_MINUTES:
        errors.append(("duree_minutes", "La durée est un nombre de minutes entre 1 et 1440 (24 heures)."))

    counts: dict[str, int] = {}
    for name in COUNT_NAMES:
        value = get(name)
        # The import's hot loop: plain ints and digit strings first, the general parser for the rest.
        if type(value) is int:
            number = value
        elif type(value) is str and value.isdigit():
            number = int(value)
        elif _blank(value) and name != "participants":
            number = 0
        else:
            number = _int(value)
        if number is None or number < 0:
            errors.append((name, "Indiquez un nombre entier positif ou nul."))
            number = 0
        counts[name] = number
    participants = counts["participants"]
    if not 1 <= participants <= PARTICIPANTS_MAX:
        errors.append(("participants", "Le nombre de participants est compris entre 1 et 100."))
    else:
        if counts["participants_recurrents"] > participants:
            errors.append(
                (
                    "participants_recurrents",
                    "Les participants déjà accompagnés ne peuvent pas dépasser les participants.",
                )
            )
        c = counts
        ages = c["age_moins_12"] + c["age_12_18"] + c["age_18_35"] + c["age_35_60"] + c["age_plus_60"]
        if ages != participants:
            errors.append(("ages", count_gap_message("âge", ages, participants)))
        statuts = (
            c["statut_etudiant"]
            + c["statut_sans_emploi"]
            + c["statut_en_emploi"]
            + c["statut_retraite"]
            + c["statut_non_renseigne"]
        )
        if statuts != participants:
            errors.append(("statuts", count_gap_message("situation", statuts, participants)))

    themes = parse_themes(get("themes"))
    if not themes:
        errors.append(("themes", "Choisissez au moins un thème."))
    for theme in themes:
        if theme not in _THEMES:
            errors.append(("themes", f"Le thème « {theme} » ne fait pas partie de la liste du programme."))

    optional: dict[str, str] = {}
    for name, (allowed, label) in _OPTIONAL_CHOICES.items():
        value = get(name) or ""
        value = value.strip() if isinstance(value, str) else value
        if value and value not in allowed:
            errors.append((name, f"{label} « {value} » ne fait pas partie de la liste."))
        optional[name] = value
    if optional["demarche_type"] and _DEMARCHE not in themes:
        errors.append(
            (
                "demarche_type",
                "Le type de démarche ne se précise qu’avec le thème « Démarche administrative en ligne ».",
            )
        )

    notes = get("notes") or ""
    if len(notes) > NOTES_MAX:
        errors.append(("notes", f"Les notes ne dépassent pas {NOTES_MAX} caractères."))

    lieu_id = get("lieu_id")
    lieu_id = None if _blank(lieu_id) else _int(lieu_id)
    commune_code = get("commune_id")
    commune_code = None if _blank(commune_code) else str(commune_code).strip()
    departement_code = ""
    if lieu_id is not None:
        if lieu_id not in ref.lieux_of.get(conseiller_id, ()):
            errors.append(("lieu_id", "Ce lieu ne fait pas partie de vos lieux d’activité."))
        elif commune_code is None or canal == Canal.LIEU_ACTIVITE:
            # A record held at a place is located in the place's commune.
            commune_code, departement_code = ref.lieux[lieu_id]
    elif canal == Canal.LIEU_ACTIVITE:
        errors.append(("lieu_id", "Choisissez le lieu d’activité où s’est tenu l’accompagnement."))
    if commune_code is not None and not departement_code:
        departement_code = ref.communes.get(commune_code, "")
        if not departement_code:
            errors.append(("commune_id", f"Le code INSEE « {commune_code} » ne correspond à aucune commune."))
    elif commune_code is None and lieu_id is None and canal in _CANAUX and canal != Canal.LIEU_ACTIVITE:
        errors.append(("commune_id", "Indiquez la commune (code INSEE) où s’est tenu l’accompagnement."))

    beneficiaire_id = get("beneficiaire_id")
    beneficiaire_id = None if _blank(beneficiaire_id) else _int(beneficiaire_id)
    if beneficiaire_id is not None:
        owner = ref.beneficiaires.get(beneficiaire_id)
        if owner is None or owner[0] != conseiller_id:
            errors.append(("beneficiaire_id", "Ce bénéficiaire ne fait pas partie de vos suivis."))
        elif owner[1]:
            errors.append(("beneficiaire_id", "Ce bénéficiaire a été anonymisé : son suivi nominatif est terminé."))

    atelier_id = get("atelier_id")
    atelier_id = None if _blank(atelier_id) else _int(atelier_id)

    if errors:
        raise AccompagnementInvalide(errors)
    return {
        "conseiller_id": conseiller_id,
        "structure_id": ref.structures.get(conseiller_id),
        "lieu_id": lieu_id,
        "commune_id": commune_code,
        "departement_code": departement_code,
        "date": date,
        "type": type_,
        "canal": canal,
        "duree_minutes": duree,
        **counts,
        **optional,
        "notes": notes,
        "beneficiaire_id": beneficiaire_id,
        "atelier_id": atelier_id,
        "themes": themes,
    }
