"""Envelopes: the only place where their committed and paid totals move, always under a row lock.

Every service that commits, frees or pays money locks the envelope row first (`select_for_update`), checks the rule
on the locked values, then writes; the database's checks (`engage <= montant`, `verse <= engage`) are the last guard.
Lock order everywhere: structure, then convention (or grant), then envelope — so concurrent services never deadlock.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.financement import permissions
from cnfs.financement.models import Enveloppe
from cnfs.financement.money import euros
from cnfs.financement.services._common import forbid, refuse, snapshot

ENVELOPPE_FIELDS = ("libelle", "montant", "date_debut", "date_fin", "engage", "verse")


def lock_enveloppe(enveloppe: Enveloppe | int) -> Enveloppe:
    pk = enveloppe if isinstance(enveloppe, int) else enveloppe.pk
    return Enveloppe.objects.select_for_update().get(pk=pk)


def commit(enveloppe: Enveloppe, amount: int, *, what: str) -> None:
    """Commit `amount` cents on a locked envelope, or refuse in French when it would be over-committed."""
    if amount > enveloppe.disponible:
        refuse(
            f"Enveloppe « {enveloppe.libelle} » insuffisante : {what} demande {euros(amount)}, "
            f"il reste {euros(enveloppe.disponible)} non engagés sur {euros(enveloppe.montant)}.",
            code="enveloppe_insuffisante",
        )
    enveloppe.engage += amount
    _save_totals(enveloppe)


def release(enveloppe: Enveloppe, amount: int) -> None:
    """Give `amount` cents back to a locked envelope (a departure, a refused or cancelled commitment)."""
    enveloppe.engage -= amount
    _save_totals(enveloppe)


def pay(enveloppe: Enveloppe, amount: int) -> None:
    """Record `amount` cents paid out of a locked envelope."""
    enveloppe.verse += amount
    _save_totals(enveloppe)


def _save_totals(enveloppe: Enveloppe) -> None:
    try:
        with transaction.atomic():
            enveloppe.save(update_fields=["engage", "verse", "updated_at"])
    except IntegrityError:
        # Only reachable if a row was changed behind the lock (e.g. by hand): the database refused it.
        refuse(f"L’enveloppe « {enveloppe.libelle} » ne peut pas être engagée au-delà de son montant.")


@transaction.atomic
def enveloppe_update(
    *,
    actor: User,
    enveloppe: Enveloppe,
    libelle: str,
    montant: int,
    date_debut: datetime.date,
    date_fin: datetime.date,
    request=None,
) -> Enveloppe:
    """The national team corrects an envelope; its amount never goes below what is already committed."""
    if not permissions.can_manage_budget(actor):
        forbid("Seule l’équipe nationale modifie les enveloppes budgétaires.")
    enveloppe = lock_enveloppe(enveloppe)
    before = snapshot(enveloppe, *ENVELOPPE_FIELDS)
    libelle = (libelle or "").strip()
    if not libelle:
        refuse("Indiquez le libellé de l’enveloppe.", field="libelle")
    if montant is None or montant <= 0:
        refuse("Le montant de l’enveloppe doit être positif.", field="montant")
    if montant < enveloppe.engage:
        refuse(
            f"Le montant ne peut pas descendre sous ce qui est déjà engagé ({euros(enveloppe.engage)}).",
            field="montant",
        )
    if date_fin < date_debut:
        refuse("La fin de la période doit suivre son début.", field="date_fin")
    if Enveloppe.objects.filter(programme=enveloppe.programme, libelle=libelle).exclude(pk=enveloppe.pk).exists():
        refuse("Une enveloppe de ce programme porte déjà ce libellé.", field="libelle")
    enveloppe.libelle, enveloppe.montant = libelle, montant
    enveloppe.date_debut, enveloppe.date_fin = date_debut, date_fin
    enveloppe.save(update_fields=["libelle", "montant", "date_debut", "date_fin", "updated_at"])
    audit_log(
        actor=actor,
        action="financement.enveloppe_update",
        target=enveloppe,
        before=before,
        after=snapshot(enveloppe, *ENVELOPPE_FIELDS),
        request=request,
    )
    return enveloppe
