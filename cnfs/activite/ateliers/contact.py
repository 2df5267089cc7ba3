"""Checks of what a person types to book without an account (pure functions, French messages)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cnfs.core.errors import DomainError

# Metropolitan and overseas French numbers, stored as +33… (E.164), as the places' schema does.
_SEPARATORS = re.compile(r"[\s.\-()/]")
_NATIONAL = re.compile(r"^0[1-9]\d{8}$")
_INTERNATIONAL = re.compile(r"^\+(33|590|594|262|596|269|687|689|508|681)\d{6,9}$")


def clean_telephone(value: str | None) -> str:
    """ "06 12 34 56 78", "+33 6 12 34 56 78" or "0033612345678" → "+33612345678"; "" when blank."""
    raw = (value or "").strip()
    if not raw:
        return ""
    compact = _SEPARATORS.sub("", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _NATIONAL.match(compact):
        compact = "+33" + compact[1:]
    if compact.startswith("+330"):
        compact = "+33" + compact[4:]
    if not _INTERNATIONAL.match(compact) or (compact.startswith("+33") and len(compact) != 12):
        raise DomainError(
            f"Numéro de téléphone « {raw} » invalide : 10 chiffres attendus, ex. 06 12 34 56 78.", field="telephone"
        )
    return compact


def clean_email(value: str | None) -> str:
    email = (value or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            f"Adresse électronique « {email} » invalide, ex. prenom.nom@exemple.fr.", field="email"
        ) from None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def clean_contact(*, nom: str, email: str, telephone: str, consentement: bool) -> tuple[str, str, str]:
    """(nom, email, telephone) cleaned, or the first problem as a `DomainError` naming its field."""
    nom = " ".join((nom or "").split())
    if not nom:
        raise DomainError("Indiquez votre nom.", field="nom")
    if len(nom) > 150:
        raise DomainError("Le nom ne doit pas dépasser 150 caractères.", field="nom")
    email = clean_email(email)
    telephone = clean_telephone(telephone)
    if not email and not telephone:
        raise DomainError(
            "Indiquez une adresse électronique ou un numéro de téléphone pour être prévenu·e.", field="email"
        )
    if consentement is not True:
        raise DomainError(
            "Vous devez accepter que vos coordonnées soient utilisées pour gérer votre inscription.",
            field="consentement",
        )
    return nom, email, telephone
