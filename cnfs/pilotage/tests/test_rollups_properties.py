"""Property: whatever the sequence of creations, edits and archive-deletions, the rollups kept incrementally equal
a GROUP BY of the raw records, and a rebuild changes nothing."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnfs.core.enums import Role
from cnfs.core.tests.factories import user_with_role
from cnfs.pilotage import rollups
from cnfs.pilotage.selectors import rollups_verify
from cnfs.pilotage.services import rollups_rebuild
from cnfs.pilotage.tests.helpers import archive, change, commune_in, write

pytestmark = pytest.mark.django_db

THEMES = ["courriel", "internet", "sante", "smartphone", "budget"]
record = st.fixed_dictionaries(
    {
        "advisor": st.integers(0, 2),
        "commune": st.integers(0, 1),
        "day": st.integers(0, 70),
        "type": st.sampled_from(["individuel", "collectif", "ponctuel"]),
        "canal": st.sampled_from(["lieu_activite", "domicile", "distance"]),
        "orientation": st.sampled_from(["", "caf", "mairie"]),
        "participants": st.integers(1, 5),
        "duree": st.sampled_from([15, 30, 90]),
        "themes": st.lists(st.sampled_from(THEMES), min_size=1, max_size=3, unique=True),
    }
)
action = st.one_of(
    st.tuples(st.just("create"), record),
    st.tuples(st.just("edit"), st.integers(0, 20), record),
    st.tuples(st.just("archive"), st.integers(0, 20)),
)


def _snapshot():
    return {spec.name: sorted(spec.model.objects.values_list(*spec.dims, *spec.measures)) for spec in rollups.SPECS}


@settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=st.lists(action, min_size=1, max_size=12))
def test_any_sequence_of_writes_keeps_rollups_exact(actions):
    with transaction.atomic():
        communes = [commune_in("42", "42218", "Saint-Étienne"), commune_in("69", "69123", "Lyon")]
        advisors = [user_with_role(Role.CONSEILLER) for _ in range(3)]
        live = []

        def fields(r):
            p = r["participants"]
            return {
                "conseiller": advisors[r["advisor"]],
                "commune": communes[r["commune"]],
                "date": dt.date(2024, 1, 1) + dt.timedelta(days=r["day"]),
                "type": r["type"],
                "canal": r["canal"],
                "orientation": r["orientation"],
                "participants": p,
                "duree": r["duree"],
                "themes": r["themes"],
                "ages": [0, 0, 0, 0, p],
                "statuts": [0, 0, 0, p, 0],
            }

        for item in actions:
            if item[0] == "create":
                live.append(write(**fields(item[1])))
            elif item[0] == "edit" and live:
                acc = live[item[1] % len(live)]
                f = fields(item[2])
                change(
                    acc,
                    themes=f["themes"],
                    date=f["date"],
                    type=f["type"],
                    canal=f["canal"],
                    orientation=f["orientation"],
                    duree_minutes=f["duree"],
                    participants=f["participants"],
                    age_plus_60=f["participants"],
                    statut_retraite=f["participants"],
                    commune=f["commune"],
                    departement_code=f["commune"].departement.code,
                )
            elif item[0] == "archive" and live:
                archive(live.pop(item[1] % len(live)))
        assert all(d.ok for d in rollups_verify())
        incremental = _snapshot()
        rollups_rebuild()
        assert _snapshot() == incremental
        transaction.set_rollback(True)
