"""Validation of single values of the schema of places (pivot, postcode, phone, coordinates). Pure functions."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from cnfs.lieux.enums import PIVOT_PLACEHOLDER

SIRET_RE = re.compile(r"^\d{14}$")
SIREN_RE = re.compile(r"^\d{9}$")
# RNA: W, the département (two characters, Corsica 2A/2B) and seven digits.
RNA_RE = re.compile(r"^W[0-9][0-9AB]\d{7}$")
CODE_POSTAL_RE = re.compile(r"^\d{5}$")
TELEPHONE_RE = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")
# La Poste's establishments share one SIREN and do not follow the Luhn key (INSEE's documented exception).
LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    """Luhn checksum, as used by INSEE for SIREN and SIRET."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def pivot_error(value: str) -> str | None:
    """French reason why `value` is not a valid pivot (SIRET, SIREN, RNA or the placeholder), or None."""
    if value == PIVOT_PLACEHOLDER:
        return None
    if SIRET_RE.match(value):
        if value.startswith(LA_POSTE_SIREN):
            return None if sum(int(c) for c in value) % 5 == 0 else f"SIRET « {value} » : clé de contrôle invalide."
        return None if luhn_ok(value) else f"SIRET « {value} » : clé de contrôle invalide."
    if SIREN_RE.match(value):
        return None if luhn_ok(value) else f"SIREN « {value} » : clé de contrôle invalide."
    if RNA_RE.match(value):
        return None
    return (
        f"Pivot « {value} » invalide : attendu un SIRET (14 chiffres), un SIREN (9 chiffres), "
        f"un numéro RNA (W suivi de 9 caractères) ou {PIVOT_PLACEHOLDER}."
    )


def validate_pivot(value: str) -> None:
    message = pivot_error(value)
    if message:
        raise ValidationError(message, code="pivot")


def validate_code_postal(value: str) -> None:
    if not CODE_POSTAL_RE.match(value or ""):
        raise ValidationError(f"Code postal « {value} » invalide : 5 chiffres attendus.", code="code_postal")


def validate_telephone(value: str) -> None:
    if value and not TELEPHONE_RE.match(value):
        raise ValidationError(
            f"Téléphone « {value} » invalide : format international attendu, sans espace (ex. +33180059880).",
            code="telephone",
        )


# Rough boxes around metropolitan France (with Corsica) and the overseas départements: (lat min, lat max,
# lon min, lon max). Enough to catch coordinates abroad or with latitude and longitude swapped.
FRANCE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "métropole": (41.2, 51.3, -5.5, 9.8),
    "Guadeloupe": (15.8, 16.6, -61.9, -60.9),
    "Martinique": (14.3, 15.0, -61.3, -60.7),
    "Guyane": (2.0, 6.0, -54.7, -51.5),
    "La Réunion": (-21.5, -20.8, 55.1, 56.0),
    "Mayotte": (-13.1, -12.5, 44.9, 45.4),
    "Saint-Pierre-et-Miquelon": (46.7, 47.2, -56.6, -56.0),
    "Saint-Barthélemy et Saint-Martin": (17.8, 18.2, -63.2, -62.7),
    "Polynésie française": (-28.0, -7.0, -155.0, -134.0),
    "Nouvelle-Calédonie": (-23.0, -19.0, 163.0, 169.0),
    "Wallis-et-Futuna": (-14.5, -13.0, -178.5, -175.9),
}


def in_france(latitude: float, longitude: float) -> bool:
    return any(a <= latitude <= b and c <= longitude <= d for a, b, c, d in FRANCE_BOXES.values())


def coordinates_error(latitude: float | None, longitude: float | None) -> str | None:
    """French reason why a point cannot be a place in France (missing half, swapped, abroad), or None."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return "Coordonnées incomplètes : renseignez la latitude et la longitude, ou aucune des deux."
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return f"Coordonnées impossibles (latitude {latitude}, longitude {longitude})."
    if in_france(latitude, longitude):
        return None
    if in_france(longitude, latitude):
        return (
            f"Latitude et longitude semblent inversées (latitude {latitude}, longitude {longitude}) : "
            "le point inversé tombe en France."
        )
    return f"Coordonnées hors de France (latitude {latitude}, longitude {longitude})."
