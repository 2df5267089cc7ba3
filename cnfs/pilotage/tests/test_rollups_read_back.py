"""An import's records are read back by ranges of ids (one index range scan each), exactly the ids given."""

import pytest
from django.db.models import Sum

from cnfs.pilotage import rollups
from cnfs.pilotage.models import RollupNational, RollupThemeNational
from cnfs.pilotage.tests.helpers import world


def test_consecutive_ids_are_read_as_ranges():
    condition, params = rollups._ids_condition("a.id", [7, 5, 6, 9, 10, 12, 6])
    assert condition == "(a.id BETWEEN %s AND %s OR a.id BETWEEN %s AND %s OR a.id BETWEEN %s AND %s)"
    assert params == [5, 7, 9, 10, 12, 12]


def test_scattered_ids_are_read_as_a_list():
    ids = list(range(0, 2 * (rollups.MAX_RANGES + 1), 2))
    condition, params = rollups._ids_condition("t.accompagnement_id", reversed(ids))
    assert (condition, params) == ("t.accompagnement_id = ANY(%s)", [ids])


@pytest.mark.postgres
@pytest.mark.django_db
def test_read_back_adds_exactly_the_records_given():
    """Records already in the rollups, read back once more: every figure grows by exactly those records."""
    records = sorted(world()["records"], key=lambda acc: acc.pk)
    chosen = [records[0], *records[2:4]]  # a gap: records[1] is left out
    totals = RollupNational.objects.aggregate(n=Sum("accompagnements"), p=Sum("participants"))
    topics = RollupThemeNational.objects.aggregate(n=Sum("accompagnements"))
    rollups.apply_inserted([acc.pk for acc in chosen])
    after = RollupNational.objects.aggregate(n=Sum("accompagnements"), p=Sum("participants"))
    assert after == {"n": totals["n"] + 3, "p": totals["p"] + sum(acc.participants for acc in chosen)}
    added_topics = sum(acc.themes.count() for acc in chosen)
    assert RollupThemeNational.objects.aggregate(n=Sum("accompagnements"))["n"] == topics["n"] + added_topics
