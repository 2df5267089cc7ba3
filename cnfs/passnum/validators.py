"""Bank details of a qualified place: IBAN (ISO 13616, check key mod 97) and BIC (ISO 9362)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_SPACES = re.compile(r"[\s.\-]+")
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
# Length of the IBAN of each SEPA country that cnfs pays into (France and its overseas, neighbours).
IBAN_LENGTHS = {
    "FR": 27, "MC": 27, "GP": 27, "MQ": 27, "GF": 27, "RE": 27, "YT": 27, "PM": 27, "NC": 27, "PF": 27, "WF": 27,
    "BL": 27, "MF": 27, "TF": 27, "BE": 16, "LU": 20, "DE": 22, "ES": 24, "IT": 27, "CH": 21, "NL": 18, "PT": 25,
}  # fmt: skip


def normalize_iban(value: str) -> str:
    return _SPACES.sub("", value or "").upper()


def iban_mod97(iban: str) -> int:
    """ISO 7064 MOD 97-10 over the IBAN rearranged (country and key moved to the end, letters as 10…35)."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97


def iban_error(value: str) -> str | None:
    """The French reason why `value` is not a valid IBAN, or None."""
    iban = normalize_iban(value)
    if not iban:
        return "L’IBAN est obligatoire."
    if not iban.isascii() or not iban.isalnum():
        return "L’IBAN ne doit contenir que des lettres et des chiffres."
    country = iban[:2]
    if not country.isalpha() or not iban[2:4].isdigit():
        return "L’IBAN doit commencer par le code du pays (2 lettres) suivi de la clé (2 chiffres)."
    expected = IBAN_LENGTHS.get(country)
    if expected is None:
        return f"Les IBAN du pays « {country} » ne sont pas acceptés (zone SEPA : France et pays voisins)."
    if len(iban) != expected:
        return f"Un IBAN {country} compte {expected} caractères ; celui-ci en compte {len(iban)}."
    if iban_mod97(iban) != 1:
        return "La clé de contrôle de l’IBAN est fausse : vérifiez chaque caractère recopié."
    return None


def validate_iban(value: str) -> None:
    error = iban_error(value)
    if error:
        raise ValidationError(error, code="iban_invalide")


def normalize_bic(value: str) -> str:
    return _SPACES.sub("", value or "").upper()


def bic_error(value: str) -> str | None:
    bic = normalize_bic(value)
    if not bic:
        return "Le BIC est obligatoire."
    if not _BIC.match(bic):
        return "Le BIC compte 8 ou 11 caractères : 4 lettres (banque), 2 lettres (pays), puis 2 ou 5 caractères."
    return None


def validate_bic(value: str) -> None:
    error = bic_error(value)
    if error:
        raise ValidationError(error, code="bic_invalide")
