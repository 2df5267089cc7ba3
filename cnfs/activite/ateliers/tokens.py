"""Signed, expiring tokens of the cancel links sent to people who booked without an account."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from cnfs.core.errors import DomainError

SALT = "cnfs.activite.ateliers.annulation"
RESERVATION = "reservation"
RENDEZ_VOUS = "rendezvous"
DEFAULT_MAX_AGE_DAYS = 180


def max_age_seconds() -> int:
    return int(getattr(settings, "ATELIERS_JETON_DUREE_JOURS", DEFAULT_MAX_AGE_DAYS)) * 24 * 3600


def make(kind: str, pk: int) -> str:
    """A URL-safe token naming one booking; only this server can produce it (SECRET_KEY)."""
    return signing.dumps({"k": kind, "id": pk}, salt=SALT)


def read(token: str, kind: str) -> int:
    """The booking's primary key, or a `DomainError` in French for a forged, altered or expired link."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age_seconds())
    except signing.SignatureExpired:
        raise DomainError(
            "Ce lien a expiré. Contactez le lieu de l’atelier pour modifier votre inscription.", code="jeton_expire"
        ) from None
    except signing.BadSignature:
        raise DomainError(
            "Ce lien n’est pas valide : il a peut-être été mal copié. Vérifiez l’adresse reçue par courriel.",
            code="jeton_invalide",
        ) from None
    if not isinstance(payload, dict) or payload.get("k") != kind or not isinstance(payload.get("id"), int):
        raise DomainError("Ce lien n’est pas valide pour cette page.", code="jeton_invalide")
    return payload["id"]
