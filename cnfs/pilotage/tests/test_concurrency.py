"""Concurrent writes on the same rollup keys add up exactly (additive upsert under row locks, no lost update).

Runs on PostgreSQL only (real parallel connections); CI runs it with DATABASE_URL set.
"""

import datetime as dt
import threading

import pytest
from django.db import connection

from cnfs.activite.services import accompagnement_create, accompagnement_delete
from cnfs.core.enums import Role
from cnfs.core.tests.factories import user_with_role
from cnfs.pilotage.models import RollupNational, RollupThemeNational
from cnfs.pilotage.selectors import rollups_verify
from cnfs.pilotage.tests.helpers import commune_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
PER_THREAD = 5
TODAY = dt.date(2025, 6, 30)


def _data(i):
    return {
        "date": dt.date(2025, 6, 2),
        "type": "individuel",
        "canal": "distance",
        "commune_id": "42218",
        "duree_minutes": 30,
        "participants": 1,
        "age_plus_60": 1,
        "statut_retraite": 1,
        # Two topics in both orders: the threads lock the same rows in whatever order they arrive.
        "themes": ["courriel", "internet"] if i % 2 else ["internet", "courriel"],
    }


def _run(target, items):
    barrier = threading.Barrier(len(items))
    errors: list[str] = []

    def work(item):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            target(item)
        except Exception as error:  # noqa: BLE001 — reported below, the test fails on it
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_parallel_records_and_deletions_add_up():
    commune_in("42", "42218", "Saint-Étienne")
    advisors = [user_with_role(Role.CONSEILLER) for _ in range(THREADS)]
    created: dict[int, list] = {}

    def record(advisor):
        created[advisor.pk] = [
            accompagnement_create(actor=advisor, data=_data(i), today=TODAY) for i in range(PER_THREAD)
        ]

    _run(record, advisors)
    national = RollupNational.objects.get()
    assert national.accompagnements == THREADS * PER_THREAD
    assert national.minutes == THREADS * PER_THREAD * 30
    assert sorted(RollupThemeNational.objects.values_list("theme", "accompagnements")) == [
        ("courriel", THREADS * PER_THREAD),
        ("internet", THREADS * PER_THREAD),
    ]

    def delete_two(advisor):
        for acc in created[advisor.pk][:2]:
            accompagnement_delete(actor=advisor, accompagnement=acc)

    _run(delete_two, advisors)
    assert RollupNational.objects.get().accompagnements == THREADS * (PER_THREAD - 2)
    assert all(d.ok for d in rollups_verify())
