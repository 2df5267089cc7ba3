import pytest

from cnfs.demo import run_demo
from cnfs.lieux.demo import SOURCE
from cnfs.lieux.models import Lieu
from cnfs.lieux.tests.communes import load_communes
from cnfs.lieux.tests.test_export import export_to, frictionless_errors
from cnfs.territoires.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return list(
        Lieu.objects.order_by("source_id").values_list(
            "source_id", "nom", "commune_id", "latitude", "services", "structure_id"
        )
    )


def test_demo_places_are_plausible_deterministic_and_valid(tmp_path):
    load_communes(["42", "69"])
    result = run_demo(scale="small", seed=7)
    places = Lieu.objects.filter(source=SOURCE)
    assert places.count() == 300
    assert places.filter(commune__departement__code="42").count() >= 40
    structure = result.context.organisations["structure"]
    assert places.filter(structure_id=structure).count() == 4
    assert places.filter(label_france_services=True).exists() and places.filter(label_aidants_connect=True).exists()
    for lieu in places.select_related("commune")[:50]:
        lieu.full_clean()  # every demo place passes the model's own validation
    first = snapshot()
    run_demo(scale="small", seed=7)
    assert snapshot() == first  # idempotent: a rerun creates nothing twice and changes nothing
    assert frictionless_errors(export_to(tmp_path)) == []


def test_demo_without_communes_warns_instead_of_failing():
    DepartementFactory(code="42", nom="Loire")
    DepartementFactory(code="69", nom="Rhône")
    result = run_demo(scale="small", seed=7)
    assert not Lieu.objects.exists()
    assert any("Aucune commune chargée" in w for w in result.context.warnings)
