"""Helpers shared by the services of ateliers, permanences and appointments."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from cnfs.activite.selectors import lieux_of_conseiller
from cnfs.core.errors import DomainError

DEFAULT_PURGE_DAYS = 30
CRENEAU_DUREES = (15, 20, 30, 45, 60, 90, 120)


def purge_days() -> int:
    """Days after an atelier or appointment after which the names, e-mails and phones of bookings are erased."""
    return int(getattr(settings, "ATELIERS_PURGE_JOURS", DEFAULT_PURGE_DAYS))


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _owned(actor, obj, what: str) -> None:
    if obj.conseiller_id != actor.pk:
        raise DomainError(f"Vous ne pouvez modifier que vos propres {what}.", code="interdit")


def _check_lieu(actor, lieu) -> None:
    if not lieux_of_conseiller(actor).filter(pk=lieu.pk).exists():
        raise DomainError("Ce lieu ne fait pas partie de vos lieux d’activité.", field="lieu")
