"""Permanences: a conseiller's recurring hours at one of their places of activity."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from cnfs.activite.ateliers.enums import StatutRendezVous, TypeAcces
from cnfs.activite.ateliers.services._common import _check_lieu, _now, _owned
from cnfs.activite.models import Permanence, RendezVous
from cnfs.core.errors import DomainError
from cnfs.lieux import horaires


@transaction.atomic
def permanence_create(
    *, actor, lieu, horaires_osm: str, acces: str, itinerante: bool = False, description: str = ""
) -> Permanence:
    """A conseiller declares recurring hours at one of their own places of activity."""
    _check_lieu(actor, lieu)
    if acces not in TypeAcces.values:
        raise DomainError(f"Type d’accès inconnu : « {acces} ».", field="acces")
    cleaned = horaires.validate(horaires_osm)
    if not cleaned:
        raise DomainError("Indiquez les horaires de la permanence.", field="horaires")
    return Permanence.objects.create(
        conseiller=actor,
        lieu=lieu,
        horaires=cleaned,
        acces=acces,
        itinerante=itinerante,
        description=description.strip(),
    )


@transaction.atomic
def permanence_delete(*, actor, permanence: Permanence, now: datetime | None = None) -> None:
    """Remove a permanence that has no upcoming confirmed appointment (people who booked would be left waiting)."""
    _owned(actor, permanence, "permanences")
    upcoming = RendezVous.objects.filter(
        creneau__permanence=permanence, creneau__debut__gt=_now(now), statut=StatutRendezVous.CONFIRME
    )
    if upcoming.exists():
        raise DomainError("Des rendez-vous à venir sont pris sur cette permanence : annulez-les d’abord.")
    permanence.delete()
