"""The pass numérique demo step: accounts wired to real buyer, distributor and place; a rerun creates nothing."""

import pytest

from cnfs.demo import run_demo
from cnfs.lieux.tests.communes import load_communes
from cnfs.passnum import permissions
from cnfs.passnum.enums import StatutCheque, StatutQualification
from cnfs.passnum.models import Cheque, Commande, EnveloppeEtat, LieuQualifie
from cnfs.passnum.tests.factories import valid_iban
from cnfs.passnum.validators import iban_error

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Commande.objects.values_list("pk", "statut", "montant_etat_engage")),
        Cheque.objects.count(),
        Cheque.objects.filter(statut=StatutCheque.UTILISE).count(),
        list(EnveloppeEtat.objects.values_list("pk", "engage")),
        list(LieuQualifie.objects.values_list("pk", "statut")),
    )


def test_demo_passnum_is_wired_and_idempotent():
    load_communes(["42", "69"])
    result = run_demo(scale="small", seed=7)
    accounts = result.context.accounts
    commande = Commande.objects.get()
    assert commande.commanditaire_id in permissions.commanditaire_ids(accounts["commanditaire"])
    assert permissions.distributeur_ids(accounts["distributeur"])
    qualified = LieuQualifie.objects.get(statut=StatutQualification.QUALIFIEE)
    assert permissions.can_act_for_lieu(accounts["lieu_pass"], qualified.lieu_id)
    assert qualified.lieu.label_pass_numerique
    assert Cheque.objects.filter(statut=StatutCheque.UTILISE).count() == 9
    assert EnveloppeEtat.objects.get().engage == commande.montant_etat_engage == 20 * 10 * 1000 // 2
    assert LieuQualifie.objects.filter(statut=StatutQualification.DEMANDEE).count() == 1
    first = snapshot()
    run_demo(scale="small", seed=7)
    assert snapshot() == first


def test_demo_ibans_have_a_good_key():
    assert all(iban_error(valid_iban(n)) is None for n in range(50))
