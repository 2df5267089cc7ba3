"""Validation of identifiers and uploaded files, pure functions usable from models, forms, services and imports."""

from __future__ import annotations

import io
import re

from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

# La Poste (SIREN 356 000 000) numbers its establishments without the Luhn key: the sum of the 14 digits is a
# multiple of 5 instead. Its head office (356 000 000 00048) follows the ordinary rule.
SIREN_LA_POSTE = "356000000"
SIRET_SIEGE_LA_POSTE = "35600000000048"

_SPACES = re.compile(r"[\s\u00a0\u202f.-]+")


def luhn_valid(digits: str) -> bool:
    """Luhn check over a string of decimal digits (the key of SIREN and SIRET numbers)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    """The SIRET without the spaces, dots or hyphens people type between digit groups."""
    return _SPACES.sub("", value or "")


def siret_error(value: str) -> str | None:
    """The French reason why `value` is not a valid SIRET, or None when it is."""
    siret = normalize_siret(value)
    if not siret:
        return "Le numéro SIRET est obligatoire."
    if not siret.isascii() or not siret.isdigit():
        return "Le numéro SIRET ne doit contenir que des chiffres."
    if len(siret) != 14:
        return f"Le numéro SIRET doit comporter 14 chiffres (vous en avez saisi {len(siret)})."
    if siret.startswith(SIREN_LA_POSTE) and siret != SIRET_SIEGE_LA_POSTE:
        if sum(int(c) for c in siret) % 5:
            return (
                "Ce numéro SIRET de La Poste n’est pas valide (la somme de ses chiffres doit être un multiple de 5)."
            )
        return None
    if not luhn_valid(siret[:9]):
        return "Le numéro SIREN (9 premiers chiffres du SIRET) n’est pas valide : vérifiez la saisie."
    if not luhn_valid(siret):
        return "Le numéro SIRET n’est pas valide (clé de contrôle incorrecte) : vérifiez la saisie."
    return None


def validate_siret(value: str) -> None:
    error = siret_error(value)
    if error:
        raise ValidationError(error, code="siret_invalide")


CV_MAX_BYTES = 5 * 1024 * 1024


def cv_error(uploaded) -> str | None:
    """The French reason why an uploaded CV is refused, or None. Checked by content, never by name or type.

    A PDF starts with `%PDF-` and parses (pypdf, strict, at least one page); anything else is refused.
    """
    size = getattr(uploaded, "size", None)
    if size is None:
        return "Le fichier envoyé est illisible."
    if size == 0:
        return "Le fichier envoyé est vide."
    if size > CV_MAX_BYTES:
        return f"Le CV ne doit pas dépasser 5 Mo (le fichier envoyé fait {size / 1024 / 1024:.1f} Mo)."
    uploaded.seek(0)
    content = uploaded.read()
    uploaded.seek(0)
    if not content.startswith(b"%PDF-"):
        return "Le CV doit être un fichier PDF (le contenu du fichier envoyé n’en est pas un)."
    try:
        reader = PdfReader(io.BytesIO(content), strict=True)
        if reader.is_encrypted:
            return "Le CV ne doit pas être protégé par un mot de passe."
        if len(reader.pages) < 1:
            return "Le PDF envoyé ne contient aucune page."
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return "Le fichier PDF envoyé est endommagé ou illisible."
    return None
