"""Parallel redemptions of the same codes spend each voucher exactly once; parallel orders never over-commit the
State envelope. PostgreSQL only (real parallel connections and row locks)."""

import threading

import pytest
from django.db import connection

from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.lieux.tests.factories import LieuFactory
from cnfs.passnum import services
from cnfs.passnum.enums import ResultatTentative, StatutCheque
from cnfs.passnum.models import Cheque, Commande, EnveloppeEtat, TentativeEncaissement
from cnfs.passnum.tests import factories as f
from cnfs.territoires.tests.factories import CommuneFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _run_in_threads(target, count):
    barrier = threading.Barrier(count)
    errors: list[str] = []

    def run(index):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            target(index)
        except Exception as error:  # noqa: BLE001 — reported below, the test fails on it
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_parallel_redemptions_of_the_same_codes_spend_each_voucher_once(settings):
    settings.PASSNUM_MAX_FAILURES_PER_USER = 10_000
    settings.PASSNUM_MAX_FAILURES_PER_LIEU = 10_000
    commune = CommuneFactory()
    buyer = f.CommanditaireFactory()
    actor = f.member(Role.COMMANDITAIRE, buyer.pk)
    commande = f.commande(actor, buyer, nb_carnets=6, per=5, date_debut_validite=None)
    codes = list(commande.cheques.values_list("code", flat=True))  # 30 vouchers
    places = [f.LieuQualifieFactory(lieu=LieuFactory(commune=commune)) for _ in range(4)]
    users = [f.member(Role.LIEU_PASS, places[i % len(places)].lieu_id) for i in range(THREADS)]
    wins: list[tuple[int, str]] = []
    lock = threading.Lock()

    def redeem_all(index):
        order = codes if index % 2 == 0 else list(reversed(codes))
        for code in order:
            try:
                services.cheque_encaisser(code=code, lieu=places[index % len(places)].lieu, user=users[index])
            except services.EncaissementRefuse as refused:
                assert refused.resultat == ResultatTentative.DEJA_UTILISE, refused.message
            else:
                with lock:
                    wins.append((index, code))

    errors = _run_in_threads(redeem_all, THREADS)
    assert errors == []
    assert sorted(code for _, code in wins) == sorted(codes)  # every voucher won exactly once
    assert Cheque.objects.filter(statut=StatutCheque.UTILISE).count() == len(codes)
    logs = TentativeEncaissement.objects
    assert logs.count() == THREADS * len(codes)
    assert logs.filter(resultat=ResultatTentative.ACCEPTE).count() == len(codes)
    assert logs.filter(resultat=ResultatTentative.DEJA_UTILISE).count() == (THREADS - 1) * len(codes)


def test_parallel_orders_never_over_commit_the_envelope():
    CommuneFactory()
    enveloppe = f.EnveloppeFactory(montant=5 * 2500)  # room for exactly 5 orders of 25 € of State share
    buyer = f.CommanditaireFactory()
    actor = f.member(Role.COMMANDITAIRE, buyer.pk)
    refused: list[str] = []

    def order(index):
        try:
            # 1 booklet × 5 vouchers × 10 € = 50 €, half by the State: 25 €.
            f.commande(
                actor,
                buyer,
                nb_carnets=1,
                per=5,
                taux_etat=50,
                enveloppe=enveloppe,
                issue=False,
                date_debut_validite=None,
            )
        except DomainError as error:
            refused.append(error.message)

    errors = _run_in_threads(order, THREADS)
    assert errors == []
    assert Commande.objects.count() == 5 and len(refused) == THREADS - 5
    assert all("insuffisante" in message for message in refused)
    enveloppe.refresh_from_db()
    assert enveloppe.engage == enveloppe.montant == sum(Commande.objects.values_list("montant_etat_engage", flat=True))
    assert EnveloppeEtat.objects.get().disponible == 0
