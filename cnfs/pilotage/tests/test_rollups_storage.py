"""Rollup tables keep room in their pages: the additive upsert updates their rows in place (HOT updates), without
a new entry in each of their indexes (migration 0002).

PostgreSQL only (fillfactor and HOT updates are PostgreSQL's); CI runs it with DATABASE_URL set.
"""

import datetime as dt

import numpy as np
import pytest
from django.db import connection

from cnfs.pilotage import rollups
from cnfs.pilotage.services import rollups_rebuild

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

DAILY = {"RollupJour"}


def _fillfactors() -> dict[str, str | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s)",
            [[spec.table for spec in rollups.SPECS]],
        )
        found = dict(cursor.fetchall())
    return {spec.name: found[spec.table] for spec in rollups.SPECS}


def test_every_rollup_table_keeps_room_for_updates_also_after_a_rebuild():
    expected = {spec.name: ["fillfactor=90" if spec.name in DAILY else "fillfactor=50"] for spec in rollups.SPECS}
    assert _fillfactors() == expected
    rollups_rebuild()
    assert _fillfactors() == expected


def _updates(table: str) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()


def test_upsert_onto_existing_monthly_rows_updates_them_in_place():
    """Enough rows to fill several pages: on full pages (no room left) most updates would move to another page."""
    spec = rollups.SPECS_BY_NAME["RollupMois"]
    keys = [
        (f"{dep:02d}", dt.date(2024, month, 1), "individuel", "distance")
        for dep in range(1, 81)
        for month in range(1, 6)
    ]
    ones = np.ones((len(keys), len(spec.measures)), dtype=np.int64)
    rollups.upsert(spec, keys, ones)
    before = _updates(spec.table)
    rollups.upsert(spec, keys, ones * 2)
    updated, hot = (after - start for after, start in zip(_updates(spec.table), before, strict=True))
    assert updated == len(keys) == 400
    assert hot == updated
    assert set(spec.model.objects.values_list("accompagnements", flat=True)) == {3}


def test_a_rebuild_writes_each_table_in_the_order_of_its_key():
    """A structure's or a département's dashboard reads its advisors' daily rows: after a rebuild they lie in key
    order in the table (physical order, `ctid`), not one per page in the order the GROUP BY happened to give."""
    from cnfs.pilotage.tests.helpers import world

    world()
    rollups_rebuild()
    for spec in rollups.SPECS:
        (key,) = (c for c in spec.model._meta.constraints if c.name.endswith("_key"))
        columns = ", ".join(key.fields)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {spec.table} ORDER BY ctid")
            physical = cursor.fetchall()
        assert len(physical) > 1, spec.name
        assert physical == sorted(physical), spec.name
