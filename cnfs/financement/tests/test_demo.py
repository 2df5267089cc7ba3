"""Demo funding data: deterministic, idempotent, and the totals reconcile afterwards."""

import pytest

from cnfs.demo import SCALES, DemoContext, accounts, run_demo
from cnfs.demo.context import no_progress
from cnfs.financement import demo
from cnfs.financement.demo import BASE_CONVENTIONS
from cnfs.financement.models import Convention, DemandeMobilier, Enveloppe, ModeleMobilier, Versement
from cnfs.financement.verification import verify
from cnfs.lieux.tests.communes import load_communes
from cnfs.recrutement.models import Structure
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
    # The recruitment step adds structures of its own; every structure with a quota gets one convention.
    with_quota = Structure.objects.filter(postes_accordes__gt=0).count()
    assert with_quota >= 12
    assert Convention.objects.count() == min(with_quota, SCALES["small"].count(BASE_CONVENTIONS))
    assert Convention.objects.signees().exists() and Versement.objects.filter(statut="paye").exists()
    assert ModeleMobilier.objects.exclude(plans="").count() == 4
    assert DemandeMobilier.objects.filter(statut="versee").count() == 1
    assert verify().ok, [c.breaches for c in verify().checks]
    first = snapshot()
    run_demo(scale="small", seed=7)
    assert snapshot() == first


def test_demo_without_structures_only_seeds_reference_data():
    """The funding step alone, before any structure has a quota (the recruitment step would create some)."""
    load_communes(["42", "69"])
    ctx = DemoContext(seed=7, scale=SCALES["small"], password=None, progress_fn=no_progress)
    accounts.seed(ctx.for_step("comptes"))
    step = ctx.for_step("financement")
    demo.seed(step)
    assert not Convention.objects.exists()
    assert any("pas de conventions de démonstration" in w for w in step.warnings)
    assert verify().ok
