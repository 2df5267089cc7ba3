"""Writes of the API app: creating and revoking partners' API keys, each audited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cnfs.api.keys import generate_key, hash_key
from cnfs.api.models import ApiKey
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.services import audit_log
from cnfs.territoires.models import Departement


def _snapshot(key: ApiKey) -> dict:
    return {
        "organisation": key.organisation,
        "siret": key.siret,
        "prefix": key.prefix,
        "scopes": list(key.scopes),
        "departements": sorted(d.code for d in key.departements.all()),
        "read_only": key.read_only,
        "requests_per_minute": key.requests_per_minute,
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


@transaction.atomic
def api_key_create(
    *,
    actor,
    organisation: str,
    scopes: Iterable[str],
    siret: str = "",
    departement_codes: Iterable[str] = (),
    expires_at: datetime | None = None,
    read_only: bool = True,
    requests_per_minute: int = 120,
    request=None,
) -> tuple[ApiKey, str]:
    """Create a key for a partner organisation. Returns the key and its raw value, which is never stored."""
    organisation = (organisation or "").strip()
    if not organisation:
        raise DomainError("Indiquez le nom de l'organisation.", field="organisation")
    if len(organisation) > ApiKey._meta.get_field("organisation").max_length:
        raise DomainError("Le nom de l'organisation est trop long (200 caractères au plus).", field="organisation")
    siret = re.sub(r"\s", "", siret or "")
    if siret and not re.fullmatch(r"\d{14}", siret):
        raise DomainError("Le SIRET compte exactement 14 chiffres.", field="siret")
    scopes = list(dict.fromkeys(s.strip() for s in scopes if s and s.strip()))
    if not scopes:
        raise DomainError("Choisissez au moins un rôle accordé à la clé.", field="scopes")
    unknown = [s for s in scopes if s not in Role.values]
    if unknown:
        raise DomainError(
            f"Rôle inconnu : {', '.join(unknown)}. Rôles possibles : {', '.join(Role.values)}.", field="scopes"
        )
    codes = sorted({c.strip().upper() for c in departement_codes if c and c.strip()})
    departements = list(Departement.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {d.code for d in departements})
    if missing:
        raise DomainError(f"Département inconnu : {', '.join(missing)}.", field="departements")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("La date d'expiration doit être dans le futur.", field="expires_at")
    if requests_per_minute < 1:
        raise DomainError("Le nombre de requêtes par minute doit être au moins 1.", field="requests_per_minute")

    raw_key, prefix = generate_key()
    key = ApiKey.objects.create(
        organisation=organisation,
        siret=siret,
        scopes=scopes,
        read_only=read_only,
        requests_per_minute=requests_per_minute,
        prefix=prefix,
        key_hash=hash_key(raw_key),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=expires_at,
    )
    key.departements.set(departements)
    audit_log(actor=actor, action="api.cle_creer", target=key, after=_snapshot(key), request=request)
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, actor, api_key: ApiKey, request=None) -> ApiKey:
    """Revoke a key for good: every later call with it is refused (401)."""
    key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if key.revoked_at is not None:
        raise DomainError(f"La clé {key.prefix} est déjà révoquée.", code="conflit")
    before = _snapshot(key)
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit_log(actor=actor, action="api.cle_revoquer", target=key, before=before, after=_snapshot(key), request=request)
    api_key.revoked_at = key.revoked_at
    return key
