"""A structure never recruits beyond its quota, even when several recruitments arrive at the same instant.

Runs on PostgreSQL only (real row locks, real parallel connections); CI runs it with DATABASE_URL set.
"""

import datetime
import threading

import pytest
from django.db import connection

from cnfs.core.errors import DomainError
from cnfs.recrutement import services
from cnfs.recrutement.enums import STATUTS_POSTE_OCCUPE, StatutMiseEnRelation
from cnfs.recrutement.models import Contrat, MiseEnRelation, Structure
from cnfs.recrutement.tests.factories import (
    CandidatureFactory,
    MiseEnRelationFactory,
    StructureFactory,
    structure_manager,
)

# The root conftest skips (laptop) or deselects (CI's SQLite pass) `postgres` tests when not on PostgreSQL.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
QUOTA = 2


def test_parallel_recruitments_never_exceed_quota():
    structure = StructureFactory(postes_accordes=QUOTA)
    manager = structure_manager(structure)
    mers = [
        MiseEnRelationFactory(
            structure=structure, candidature=CandidatureFactory(), statut=StatutMiseEnRelation.PRESELECTIONNEE
        )
        for _ in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()
    start = datetime.date.today() + datetime.timedelta(days=10)

    def recruit(mer):
        try:
            connection.ensure_connection()  # connect first, so that all threads reach the lock together
            barrier.wait(timeout=30)
            services.recrutement_record(
                actor=manager,
                mer=mer,
                date_recrutement=start,
                type_contrat="cdd",
                date_fin=start + datetime.timedelta(days=365),
                heures_hebdomadaires=35,
            )
            result = "recruté"
        except DomainError as error:
            result = error.message
        except Exception as error:  # noqa: BLE001 — reported below, the test fails on it
            result = f"erreur inattendue : {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=recruit, args=(mer,)) for mer in mers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == THREADS
    assert outcomes.count("recruté") == QUOTA, outcomes
    refused = [o for o in outcomes if o != "recruté"]
    assert all(o.startswith("Quota atteint") for o in refused), refused
    structure.refresh_from_db()
    assert structure.postes_occupes == QUOTA
    assert MiseEnRelation.objects.filter(structure=structure, statut__in=STATUTS_POSTE_OCCUPE).count() == QUOTA
    assert Contrat.objects.filter(mise_en_relation__structure=structure).count() == QUOTA
    assert Structure.objects.filter(pk=structure.pk, postes_occupes__lte=QUOTA).exists()
