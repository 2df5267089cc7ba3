"""Money side: monthly statements, payment batches, paid status, expiry and credit notes, State co-funding."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cnfs.core.errors import DomainError
from cnfs.passnum import selectors_paiements as selectors
from cnfs.passnum import services
from cnfs.passnum.enums import StatutCheque, StatutLot, StatutReleve
from cnfs.passnum.models import Avoir, Cheque, LotPaiement, ReleveMensuel
from cnfs.passnum.services.paiements import cofinancement_etat


def redeem(world, n, who="lieu", place="place"):
    for code in world["codes"][:n]:
        services.cheque_encaisser(code=code, lieu=world[place].lieu, user=world["users"][who])


def next_month() -> datetime.date:
    today = timezone.localdate()
    return (today.replace(day=28) + datetime.timedelta(days=5)).replace(day=3)


@pytest.fixture
def releves(world):
    redeem(world, 3)
    assert services.releves_generer(mois=timezone.localdate(), today=next_month()) == 1
    return world


def test_statement_counts_and_sums_the_month_and_is_idempotent(releves):
    releve = ReleveMensuel.objects.get()
    assert (releve.lieu, releve.nb_cheques, releve.montant) == (releves["place"], 3, 3000)
    assert releve.mois == timezone.localdate().replace(day=1)
    assert services.releves_generer(mois=timezone.localdate(), today=next_month()) == 0
    assert ReleveMensuel.objects.count() == 1


@pytest.mark.parametrize("offset", [0, 40])
def test_statement_for_a_month_not_closed_is_refused(world, offset):
    redeem(world, 1)
    mois = timezone.localdate() + datetime.timedelta(days=offset)
    with pytest.raises(DomainError, match="Le mois n’est pas clos"):
        services.releves_generer(mois=mois)
    assert not ReleveMensuel.objects.exists()


def test_command_refuses_open_month_and_bad_format(world, capsys):
    with pytest.raises(SystemExit):
        call_command("passnum", "releves", "--mois", f"{timezone.localdate():%Y-%m}")
    assert "Le mois n’est pas clos" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command("passnum", "releves", "--mois", "novembre")
    assert "AAAA-MM" in capsys.readouterr().err
    assert not ReleveMensuel.objects.exists()


def test_command_builds_statements_of_a_closed_month(world, capsys):
    call_command("passnum", "releves", "--mois", "2020-01")
    assert "0 relevé(s) établi(s)" in capsys.readouterr().out


def test_batch_with_no_statement_is_refused(world):
    with pytest.raises(DomainError, match="Aucun relevé à payer"):
        services.lot_preparer(user=world["users"]["anct"])
    assert not LotPaiement.objects.exists()


def test_batch_lifecycle_and_paying_twice_refused(releves):
    anct = releves["users"]["anct"]
    lot = services.lot_preparer(user=anct)
    assert (lot.nb_releves, lot.montant_total, lot.statut) == (1, 3000, StatutLot.PREPARE)
    assert "<CtrlSum>30.00</CtrlSum>" in lot.fichier_xml
    assert releves["place"].iban in lot.fichier_xml
    assert "30,00" in lot.fichier_csv
    assert ReleveMensuel.objects.get().statut == StatutReleve.EN_LOT
    with pytest.raises(DomainError, match="Aucun relevé à payer"):
        services.lot_preparer(user=anct)
    services.lot_transmettre(lot=lot, user=anct)
    with pytest.raises(DomainError, match="déjà été transmis"):
        services.lot_transmettre(lot=lot, user=anct)
    lot = services.lot_marquer_paye(lot=lot, user=anct)
    releve = ReleveMensuel.objects.get()
    assert lot.statut == StatutLot.PAYE and releve.statut == StatutReleve.PAYE and releve.paid_at == lot.paid_at
    paid_at = lot.paid_at
    with pytest.raises(DomainError, match="déjà marqué payé"):
        services.lot_marquer_paye(lot=lot, user=anct)
    lot.refresh_from_db()
    assert lot.paid_at == paid_at


def test_batch_without_the_agency_debtor_account_is_refused(releves, settings):
    settings.PASSNUM_DEBITEUR_IBAN = ""
    with pytest.raises(DomainError, match="Compte débiteur de l’Agence non configuré"):
        services.lot_preparer(user=releves["users"]["anct"])
    assert not LotPaiement.objects.exists()
    assert ReleveMensuel.objects.get().statut == StatutReleve.A_PAYER


def test_expiry_expires_unused_vouchers_and_credits_the_buyer(world):
    redeem(world, 2)
    commande = world["commande"]
    later = commande.date_limite_encaissement + datetime.timedelta(days=1)
    expired, avoirs = services.expirer(today=later)
    assert expired == commande.nb_cheques - 2 and avoirs == 1
    assert Cheque.objects.filter(commande=commande, statut=StatutCheque.EXPIRE).count() == expired
    avoir = Avoir.objects.get()
    assert (avoir.nb_expires, avoir.montant) == (expired, expired * commande.valeur_faciale)
    assert services.expirer(today=later) == (0, 0)


def test_expiry_before_deadline_changes_nothing(world):
    assert services.expirer(today=world["commande"].date_limite_encaissement) == (0, 0)
    assert not Avoir.objects.exists()


def test_state_claim_is_on_used_vouchers_only_and_capped(world):
    commande = world["commande"]
    assert selectors.cofinancement_par_commande()[0]["demande_etat"] == 0
    redeem(world, 3)
    row = selectors.cofinancement_par_commande()[0]
    assert row["utilises_valeur"] == 3000 and row["demande_etat"] == 1500
    commande.montant_etat_engage = 1000
    assert cofinancement_etat(commande, 3000) == 1000


def test_dashboard_counts_per_order(world):
    redeem(world, 2)
    row = selectors.tableau_commandes(selectors.commandes_visibles(world["users"]["commanditaire"]))[0]
    assert (row["emis"], row["utilises"], row["taux_utilisation"]) == (10, 2, 20.0)
    assert selectors.tableau_commandes(selectors.commandes_visibles(world["users"]["commanditaire_autre"])) == []
