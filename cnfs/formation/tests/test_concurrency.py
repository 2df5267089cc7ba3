"""A session never takes more trainees than its seats, even when enrolments arrive at the same instant.

Runs on PostgreSQL only (real row locks, real parallel connections); CI runs it with DATABASE_URL set.
"""

import threading

import pytest
from django.db import connection

from cnfs.core.errors import DomainError
from cnfs.formation import services
from cnfs.formation.models import Inscription
from cnfs.formation.tests.factories import SessionFormationFactory, organisme_agent, recruited_advisor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6
PLACES = 2


def test_parallel_enrolments_never_exceed_the_seats():
    session = SessionFormationFactory(places=PLACES)
    agent = organisme_agent(session.organisme)
    advisors = [recruited_advisor() for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def enrol(advisor):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            services.inscription_create(actor=agent, organisme=session.organisme, candidature=advisor, session=session)
            result = "inscrit"
        except DomainError as error:
            result = error.message
        except Exception as error:  # noqa: BLE001 — reported below, the test fails on it
            result = f"erreur inattendue : {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=enrol, args=(a,)) for a in advisors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == THREADS
    assert outcomes.count("inscrit") == PLACES, outcomes
    assert all(o.startswith("La session est complète") for o in outcomes if o != "inscrit"), outcomes
    assert Inscription.objects.filter(session=session).count() == PLACES
