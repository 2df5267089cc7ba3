import pytest

from cnfs.core.enums import Role
from cnfs.core.models import RoleAssignment
from cnfs.demo import run_demo
from cnfs.formation.models import Inscription, OrganismeFormation
from cnfs.formation.selectors import funnel
from cnfs.territoires.tests.factories import CommuneFactory, DepartementFactory, HubFactory, RegionFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(OrganismeFormation.objects.order_by("siret").values_list("siret", "nom")),
        list(
            Inscription.objects.order_by("candidature__email", "module__code").values_list(
                "candidature__email", "module__code", "heures_realisees", "resultat", "organisme__siret"
            )
        ),
        funnel(),
    )


def test_demo_cohort_covers_every_stage_and_is_idempotent():
    loire = DepartementFactory(code="42", nom="Loire")
    DepartementFactory(code="69", nom="Rhône", region=RegionFactory(code="84"))
    HubFactory().departements.add(loire)
    CommuneFactory()  # Saint-Étienne
    result = run_demo(scale="small", seed=3)
    organisme = OrganismeFormation.objects.get(pk=int(result.context.organisations["formation"]))
    for demo_organisme in OrganismeFormation.objects.all():
        demo_organisme.full_clean()  # valid SIRET, lengths: what SQLite alone would not enforce
    account = result.context.accounts["formation"]
    assert RoleAssignment.objects.get(user=account, role=Role.FORMATION).object_id == str(organisme.pk)
    first = snapshot()
    counts = first[2]
    assert counts.recrutes >= 12 and counts.en_formation >= 1 and counts.en_poste >= 1 and counts.en_attente >= 1
    assert Inscription.objects.filter(organisme=organisme).exists()
    run_demo(scale="small", seed=3)
    assert snapshot() == first
