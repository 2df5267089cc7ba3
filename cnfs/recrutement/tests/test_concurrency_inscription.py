"""Simultaneous sign-ups with the same address or the same SIRET: one wins, the others get a French refusal.

Runs on PostgreSQL only (real parallel connections and unique indexes under concurrent inserts).
"""

import threading

import pytest
from django.db import connection

from cnfs.core.errors import DomainError
from cnfs.core.models import RoleAssignment, User
from cnfs.recrutement import services
from cnfs.recrutement.models import Structure
from cnfs.recrutement.tests.factories import make_siret
from cnfs.territoires.tests.factories import CommuneFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def _run_in_parallel(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            call()
            result = "inscrit"
        except DomainError as error:
            result = error.message
        except Exception as error:  # noqa: BLE001 — reported below, the test fails on it
            result = f"erreur inattendue : {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _signup(commune, *, n: int, email: str):
    return lambda: services.structure_signup(
        email=email,
        password="une phrase de passe solide 42",
        contact_prenom="Camille",
        contact_nom="Martin",
        siret=make_siret(n),
        type="commune",
        nom=f"Mairie {n}",
        adresse="1 place de la Mairie",
        commune=commune,
    )


def test_parallel_sign_ups_with_one_address_create_one_account():
    commune = CommuneFactory()
    outcomes = _run_in_parallel([_signup(commune, n=n, email="meme.adresse@exemple.fr") for n in range(THREADS)])
    assert outcomes.count("inscrit") == 1, outcomes
    assert all(o.startswith("Un compte existe déjà") for o in outcomes if o != "inscrit"), outcomes
    assert User.objects.count() == 1 and Structure.objects.count() == 1 and RoleAssignment.objects.count() == 1


def test_parallel_sign_ups_with_one_siret_create_one_structure():
    commune = CommuneFactory()
    outcomes = _run_in_parallel([_signup(commune, n=7, email=f"personne{n}@exemple.fr") for n in range(THREADS)])
    assert outcomes.count("inscrit") == 1, outcomes
    assert all("déjà enregistrée avec ce numéro SIRET" in o for o in outcomes if o != "inscrit"), outcomes
    assert User.objects.count() == 1 and Structure.objects.count() == 1  # the losers' accounts were rolled back
