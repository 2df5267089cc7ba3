"""Periodic jobs: 24-hour reminders and the purge of bookings' personal data (run by `cnfs ateliers …`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from cnfs.activite.ateliers import emails
from cnfs.activite.ateliers.enums import StatutRendezVous, StatutReservation
from cnfs.activite.ateliers.services._common import _now, purge_days
from cnfs.activite.models import RendezVous, Reservation
from cnfs.core.errors import DomainError


def rappels_send(*, now: datetime | None = None, horizon_hours: int = 24) -> int:
    """E-mail a reminder to everyone with a confirmed booking or appointment starting within the next 24 h.

    Each reminder is claimed by a conditional update before it is queued, so two runs never send it twice.
    """
    now = _now(now)
    limit = now + timedelta(hours=horizon_hours)
    sent = 0
    reservations = Reservation.objects.filter(
        statut=StatutReservation.CONFIRMEE,
        rappel_envoye_le__isnull=True,
        purgee_le__isnull=True,
        atelier__annule_le__isnull=True,
        atelier__debut__gt=now,
        atelier__debut__lte=limit,
    ).exclude(email="")
    for reservation in reservations.select_related("atelier__lieu__commune"):
        with transaction.atomic():
            if Reservation.objects.filter(pk=reservation.pk, rappel_envoye_le__isnull=True).update(
                rappel_envoye_le=now
            ):
                emails.reservation_email(reservation, template="rappel_atelier", with_ics=False)
                sent += 1
    rendezvous = RendezVous.objects.filter(
        statut=StatutRendezVous.CONFIRME,
        rappel_envoye_le__isnull=True,
        purgee_le__isnull=True,
        creneau__debut__gt=now,
        creneau__debut__lte=limit,
    ).exclude(email="")
    for rdv in rendezvous.select_related("creneau__permanence__lieu__commune"):
        with transaction.atomic():
            if RendezVous.objects.filter(pk=rdv.pk, rappel_envoye_le__isnull=True).update(rappel_envoye_le=now):
                emails.rendezvous_email(rdv, template="rappel_rendezvous", with_ics=False)
                sent += 1
    return sent


@transaction.atomic
def reservations_purge(
    *, now: datetime | None = None, days: int | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Erase names, e-mails and phones of bookings and appointments whose event ended more than `days` ago.

    The rows stay (counts, attendance) without any personal data. Run by `cnfs activite retention` (and
    `cnfs ateliers purge`); `dry_run` counts them without changing anything.
    """
    now = _now(now)
    days = purge_days() if days is None else days
    if days < 0:
        raise DomainError("Le nombre de jours doit être positif ou nul.")
    # An atelier lasts at most 8 hours: compare its start, padded by that, with the cut-off (portable SQL).
    cutoff = now - timedelta(days=days)
    erased = {"nom": "", "email": "", "telephone": "", "purgee_le": now}
    reservations = Reservation.objects.filter(purgee_le__isnull=True, atelier__debut__lt=cutoff - timedelta(hours=8))
    rendezvous = RendezVous.objects.filter(purgee_le__isnull=True, creneau__debut__lt=cutoff - timedelta(hours=8))
    if dry_run:
        return {"reservations": reservations.count(), "rendezvous": rendezvous.count()}
    return {"reservations": reservations.update(**erased), "rendezvous": rendezvous.update(**erased, motif="")}
