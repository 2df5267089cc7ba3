import pytest

from cnfs.activite.demo import EMAIL
from cnfs.activite.models import Accompagnement, LieuActivite
from cnfs.demo import run_demo
from cnfs.lieux.tests.communes import load_communes

pytestmark = pytest.mark.django_db


def snapshot():
    return list(
        Accompagnement.objects.order_by("notes").values_list(
            "notes", "date", "type", "canal", "lieu_id", "commune_id", "participants", "age_plus_60"
        )
    )


def test_demo_advisor_gets_places_and_a_few_hundred_valid_records_idempotently():
    load_communes(["42", "69"])
    run_demo(scale="small", seed=7)
    records = Accompagnement.objects.filter(conseiller__email=EMAIL)
    assert records.count() == 300
    assert LieuActivite.objects.filter(conseiller__email=EMAIL, principal=True).count() == 1
    assert LieuActivite.objects.filter(conseiller__email=EMAIL).count() == 3
    assert records.filter(type="collectif").exists() and records.exclude(canal="lieu_activite").exists()
    assert set(records.values_list("departement_code", flat=True)) == {"42"}
    first = snapshot()
    run_demo(scale="small", seed=7)
    assert snapshot() == first  # a rerun creates nothing twice
