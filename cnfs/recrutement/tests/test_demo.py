"""The recruitment demo step: every status present, the demo accounts wired to real objects, reruns idempotent."""

import time

import pytest

from cnfs.core.enums import Role
from cnfs.core.models import AuditEvent, RoleAssignment
from cnfs.demo import run_demo
from cnfs.lieux.models import Lieu
from cnfs.lieux.tests.communes import load_communes
from cnfs.recrutement import permissions
from cnfs.recrutement.enums import StatutDemande, StatutMiseEnRelation
from cnfs.recrutement.models import (
    AvisPrefet,
    Candidature,
    Contrat,
    DecisionComite,
    DemandePostes,
    MiseEnRelation,
    Rupture,
    SessionComite,
    Structure,
)

pytestmark = pytest.mark.django_db

MODELS = (
    Structure,
    DemandePostes,
    AvisPrefet,
    SessionComite,
    DecisionComite,
    Candidature,
    MiseEnRelation,
    Contrat,
    Rupture,
    RoleAssignment,
    AuditEvent,
)


def snapshot():
    rows = {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in MODELS}
    rows["structures"] = list(
        Structure.objects.order_by("siret").values_list(
            "siret", "nom", "qpv", "zrr", "postes_accordes", "postes_occupes"
        )
    )
    rows["candidatures"] = list(
        Candidature.objects.order_by("email").values_list("email", "nom", "commune_id", "pix_palier", "etape")
    )
    rows["matches"] = list(
        MiseEnRelation.objects.order_by("pk").values_list("structure_id", "candidature_id", "statut")
    )
    rows["roles"] = list(RoleAssignment.objects.order_by("pk").values_list("user__email", "role", "object_id"))
    return rows


def test_demo_recruitment_is_complete_wired_and_idempotent():
    load_communes(["42", "69"])
    started = time.perf_counter()
    result = run_demo(scale="small", seed=7)
    step_seconds = dict(result.durations)["recrutement"]
    assert step_seconds < 10, f"étape recrutement trop lente : {step_seconds:.1f} s"
    assert time.perf_counter() - started > step_seconds
    accounts = result.context.accounts

    assert Structure.objects.filter(commune__departement__code="42").count() >= 10
    assert Structure.objects.exclude(commune__departement__code="42").exists()
    assert set(DemandePostes.objects.values_list("statut", flat=True)) == set(StatutDemande.values)
    assert set(MiseEnRelation.objects.values_list("statut", flat=True)) == set(StatutMiseEnRelation.values)
    assert AvisPrefet.objects.exists() and SessionComite.objects.filter(cloturee=True).exists()
    assert DecisionComite.objects.filter(decision="validee").exists()
    assert Rupture.objects.filter(statut="validee").exists() and Rupture.objects.filter(statut="signalee").exists()
    for structure in Structure.objects.all():
        structure.full_clean()  # quotas consistent, SIRET valid
        assert (
            structure.postes_occupes
            == structure.mises_en_relation.filter(statut__in=["recrutee", "finalisee", "rupture_signalee"]).count()
        )

    # The demo accounts reach real objects.
    demo_structure = Structure.objects.get(pk=int(result.context.organisations["structure"]))
    for key in ("structure", "coordinateur"):
        user = accounts[key]
        assert user.role_assignments.get().object_id == str(demo_structure.pk)
    assert permissions.can_manage_structure(accounts["structure"], demo_structure)
    assert Lieu.objects.filter(structure_id=str(demo_structure.pk)).count() == 4
    assert accounts["candidat"].candidature.mises_en_relation.filter(structure=demo_structure).exists()
    conseiller = accounts["conseiller"].candidature
    assert conseiller.etape in ("en_poste", "recrute")
    assert conseiller.mises_en_relation.get().statut == StatutMiseEnRelation.FINALISEE
    assert Candidature.objects.filter(pix_palier__isnull=False, pix_score_1__isnull=False).exists()

    first = snapshot()
    again = run_demo(scale="small", seed=7)
    assert snapshot() == first  # a rerun creates nothing twice and changes nothing
    assert again.context.organisations["structure"] == str(demo_structure.pk)
    assert Role.STRUCTURE in {a.role for a in RoleAssignment.objects.filter(user=accounts["structure"])}
