"""Money services: monthly statements, payment batches (SEPA pain.001 + CSV), paid status, credit notes after
expiry. Statements and credit notes are built by one set-based INSERT … SELECT … GROUP BY each, idempotent
(`ON CONFLICT DO NOTHING` on their unique keys), so 20,000 places cost one statement, not 20,000."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cnfs.core.services import audit_log
from cnfs.passnum import sepa
from cnfs.passnum.enums import StatutCheque, StatutCommande, StatutLot, StatutReleve
from cnfs.passnum.models import Avoir, Cheque, Commande, LotPaiement, ReleveMensuel
from cnfs.passnum.services._common import refuse
from cnfs.passnum.services.commandes import commandes_expirer


def mois_parse(value: str) -> datetime.date:
    """`AAAA-MM` → first day of the month, or a French refusal."""
    try:
        return datetime.datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        refuse("Mois invalide : indiquez-le au format AAAA-MM (par exemple 2026-11).", field="mois")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@transaction.atomic
def releves_generer(*, mois: datetime.date, today: datetime.date | None = None) -> int:
    """Statements of month `mois` for every place that redeemed vouchers in it; returns how many were created.

    Refused for the current or a future month (« le mois n’est pas clos »): vouchers may still be redeemed in it.
    Running it again creates nothing (idempotent), and never touches a statement already in a batch.
    """
    today = today or timezone.localdate()
    mois = mois.replace(day=1)
    if mois >= today.replace(day=1):
        refuse(f"Le mois n’est pas clos : le relevé de {mois:%m/%Y} sera établi à partir du 1er du mois suivant.")
    cheque, releve = _table(Cheque), _table(ReleveMensuel)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {releve} (lieu_id, mois, nb_cheques, montant, statut, created_at) "
            f"SELECT redeemed_by_place_id, redeemed_month, COUNT(*), SUM(valeur), %s, %s FROM {cheque} "
            f"WHERE redeemed_month = %s AND statut = %s AND redeemed_by_place_id IS NOT NULL "
            f"GROUP BY redeemed_by_place_id, redeemed_month "
            f"ON CONFLICT (lieu_id, mois) DO NOTHING",
            [StatutReleve.A_PAYER, timezone.now(), mois, StatutCheque.UTILISE],
        )
        created = cursor.rowcount
    audit_log(
        actor=None, action="passnum.releves.generer", target=None, after={"mois": f"{mois:%Y-%m}", "crees": created}
    )
    return created


def _debtor() -> sepa.Compte:
    nom, iban, bic = settings.PASSNUM_DEBITEUR_NOM, settings.PASSNUM_DEBITEUR_IBAN, settings.PASSNUM_DEBITEUR_BIC
    if not (nom and iban and bic):
        refuse(
            "Compte débiteur de l’Agence non configuré : renseignez PASSNUM_DEBITEUR_NOM, PASSNUM_DEBITEUR_IBAN "
            "et PASSNUM_DEBITEUR_BIC avant de préparer un lot."
        )
    return sepa.Compte(nom=nom, iban=iban, bic=bic)


@transaction.atomic
def lot_preparer(*, user, date_execution: datetime.date | None = None, request=None) -> LotPaiement:
    """A batch of every statement still to pay, with its pain.001 and CSV files; all or nothing."""
    releves = list(
        ReleveMensuel.objects.select_for_update(of=("self",))
        .select_related("lieu__lieu")
        .filter(statut=StatutReleve.A_PAYER, lot__isnull=True)
        .order_by("mois", "lieu_id")
    )
    if not releves:
        refuse("Aucun relevé à payer : établissez d’abord les relevés d’un mois clos.")
    now = timezone.now()
    date_execution = date_execution or timezone.localdate(now) + datetime.timedelta(days=1)
    lot = LotPaiement.objects.create(
        nb_releves=len(releves),
        montant_total=sum(r.montant for r in releves),
        date_execution=date_execution,
        fichier_xml="",
        fichier_csv="",
        created_by=user if user is not None and user.is_authenticated else None,
    )
    virements = [
        sepa.Virement(
            end_to_end_id=f"PN{r.mois:%Y%m}-{r.lieu_id}-{r.pk}",
            nom=r.lieu.titulaire_compte,
            iban=r.lieu.iban,
            bic=r.lieu.bic,
            montant=r.montant,
            libelle=sepa.remittance(r.mois),
        )
        for r in releves
    ]
    lot.fichier_xml = sepa.pain001(
        message_id=lot.reference, created_at=now, debtor=_debtor(), execution_date=date_execution, virements=virements
    ).decode()
    lot.fichier_csv = sepa.virements_csv(virements)
    lot.save(update_fields=["fichier_xml", "fichier_csv"])
    ReleveMensuel.objects.filter(pk__in=[r.pk for r in releves]).update(statut=StatutReleve.EN_LOT, lot=lot)
    audit_log(actor=user, action="passnum.lot.preparer", target=lot, after={"releves": len(releves)}, request=request)
    return lot


@transaction.atomic
def lot_transmettre(*, lot: LotPaiement, user, request=None) -> LotPaiement:
    """The file was sent to the bank."""
    done = LotPaiement.objects.filter(pk=lot.pk, statut=StatutLot.PREPARE).update(
        statut=StatutLot.TRANSMIS, transmis_at=timezone.now()
    )
    if not done:
        refuse("Ce lot a déjà été transmis à la banque.")
    audit_log(actor=user, action="passnum.lot.transmettre", target=lot, request=request)
    lot.refresh_from_db()
    return lot


@transaction.atomic
def lot_marquer_paye(*, lot: LotPaiement, user, request=None) -> LotPaiement:
    """The bank paid the batch: the batch and each of its statements become paid, once."""
    now = timezone.now()
    done = LotPaiement.objects.filter(pk=lot.pk, statut__in=[StatutLot.PREPARE, StatutLot.TRANSMIS]).update(
        statut=StatutLot.PAYE, paid_at=now
    )
    if not done:
        refuse("Ce lot est déjà marqué payé.")
    ReleveMensuel.objects.filter(lot_id=lot.pk, statut=StatutReleve.EN_LOT).update(
        statut=StatutReleve.PAYE, paid_at=now
    )
    audit_log(actor=user, action="passnum.lot.payer", target=lot, request=request)
    lot.refresh_from_db()
    return lot


@transaction.atomic
def avoirs_generer(*, now: datetime.datetime | None = None) -> int:
    """Credit notes for the closed orders that have none: face value of their expired and cancelled vouchers."""
    now = now or timezone.now()
    avoir, cheque, commande = _table(Avoir), _table(Cheque), _table(Commande)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {avoir} (commande_id, nb_expires, nb_annules, montant, created_at) "
            f"SELECT c.commande_id, "
            f"SUM(CASE WHEN c.statut = %s THEN 1 ELSE 0 END), SUM(CASE WHEN c.statut = %s THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN c.statut IN (%s, %s) THEN c.valeur ELSE 0 END), %s "
            f"FROM {cheque} c JOIN {commande} o ON o.id = c.commande_id WHERE o.statut = %s "
            f"GROUP BY c.commande_id ON CONFLICT (commande_id) DO NOTHING",
            [
                StatutCheque.EXPIRE,
                StatutCheque.ANNULE,
                StatutCheque.EXPIRE,
                StatutCheque.ANNULE,
                now,
                StatutCommande.CLOTUREE,
            ],
        )
        return cursor.rowcount


@transaction.atomic
def expirer(*, today: datetime.date | None = None) -> tuple[int, int]:
    """The expiry job: unused vouchers past their order's deadline expire, then their buyers get credit notes."""
    expired = commandes_expirer(today=today)
    return expired, avoirs_generer()


def cofinancement_etat(commande: Commande, used_value: int) -> int:
    """The State's share of an order: its rate × face value of the USED vouchers, capped by what was committed."""
    return min(used_value * commande.taux_etat // 100, commande.montant_etat_engage)
