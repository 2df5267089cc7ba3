"""Demo funding data: deterministic, idempotent, and the totals reconcile afterwards."""

import pytest

from cnfs.demo import run_demo
from cnfs.financement.models import Convention, DemandeMobilier, Enveloppe, ModeleMobilier, Versement
from cnfs.financement.verification import verify
from cnfs.lieux.tests.communes import load_communes
from cnfs.recrutement.tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(
            Convention.objects.order_by("structure__siret").values_list("structure__siret", "statut", "montant_total")
        ),
        list(Versement.objects.order_by("convention__structure__siret", "numero").values_list("montant", "statut")),
        list(DemandeMobilier.objects.order_by("lieu__source_id").values_list("lieu__source_id", "statut", "montant")),
        list(Enveloppe.objects.order_by("id").values_list("engage", "verse")),
    )


def test_demo_conventions_and_grants_reconcile_and_rerun_changes_nothing():
    load_communes(["42", "69"])
    for _ in range(12):
        StructureFactory(postes_accordes=3)
    run_demo(scale="small", seed=7)
    assert Convention.objects.count() == 12
    assert Convention.objects.signees().exists() and Versement.objects.filter(statut="paye").exists()
    assert ModeleMobilier.objects.exclude(plans="").count() == 4
    assert DemandeMobilier.objects.filter(statut="versee").count() == 1
    assert verify().ok, [c.breaches for c in verify().checks]
    first = snapshot()
    run_demo(scale="small", seed=7)
    assert snapshot() == first


def test_demo_without_structures_only_seeds_reference_data():
    load_communes(["42", "69"])
    result = run_demo(scale="small", seed=7)
    assert not Convention.objects.exists()
    assert any("pas de conventions de démonstration" in w for w in result.context.warnings)
    assert verify().ok
