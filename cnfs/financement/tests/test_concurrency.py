"""An envelope is never over-committed, even when signatures and grants arrive at the same instant.

PostgreSQL only (real row locks, parallel connections in real threads); CI runs it with DATABASE_URL set.
"""

import threading

import pytest
from django.db import connection

from cnfs.core.errors import DomainError
from cnfs.financement import services
from cnfs.financement.models import Convention, DemandeMobilier, Enveloppe
from cnfs.financement.tests.factories import (
    START,
    BaremeFactory,
    DemandeMobilierFactory,
    EnveloppeFactory,
    structure_with_quota,
)
from cnfs.financement.verification import verify
from cnfs.recrutement.tests.factories import national_agent, structure_manager

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
FITS = 3  # the envelope holds three conventions of 50 000 € and a bit, not four


def _race(actions):
    """Run each callable in its own thread, all released at once; returns "ok" or the French refusal of each."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action):
        try:
            connection.ensure_connection()  # connect first, so that all threads reach the lock together
            barrier.wait(timeout=30)
            action()
            result = "ok"
        except DomainError as error:
            result = error.message
        except Exception as error:  # noqa: BLE001 — reported below, the test fails on it
            result = f"erreur inattendue : {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(actions)
    return outcomes


def test_parallel_signatures_never_over_commit_the_envelope():
    anct = national_agent()
    enveloppe = EnveloppeFactory(montant=FITS * 50_000_00 + 10_000_00)
    bareme = BaremeFactory()
    conventions, managers = [], []
    for _ in range(THREADS):
        structure = structure_with_quota(1)
        conventions.append(
            services.convention_create(
                actor=anct, structure=structure, bareme=bareme, nombre_postes=1, date_debut=START, enveloppe=enveloppe
            )
        )
        managers.append(structure_manager(structure))

    outcomes = _race(
        [
            (lambda c=c, m=m: services.convention_sign(actor=m, convention=c))
            for c, m in zip(conventions, managers, strict=True)
        ]
    )

    assert outcomes.count("ok") == FITS, outcomes
    refused = [o for o in outcomes if o != "ok"]
    assert all(o.startswith("Enveloppe « ") and "insuffisante" in o for o in refused), refused
    enveloppe.refresh_from_db()
    assert enveloppe.engage == FITS * 50_000_00 <= enveloppe.montant
    assert Convention.objects.signees().filter(enveloppe=enveloppe).count() == FITS
    assert verify().ok


def test_parallel_grants_never_over_commit_the_envelope():
    anct = national_agent()
    enveloppe = EnveloppeFactory(mobilier=True, montant=FITS * 3_000_00 + 1_000_00)
    demandes = [DemandeMobilierFactory(enveloppe=enveloppe, montant=3_000_00) for _ in range(THREADS)]

    outcomes = _race(
        [(lambda d=d: services.demande_mobilier_decide(actor=anct, demande=d, accorder=True)) for d in demandes]
    )

    assert outcomes.count("ok") == FITS, outcomes
    enveloppe.refresh_from_db()
    assert enveloppe.engage == FITS * 3_000_00
    assert DemandeMobilier.objects.filter(enveloppe=enveloppe, statut="accordee").count() == FITS
    assert Enveloppe.objects.filter(pk=enveloppe.pk, engage__lte=enveloppe.montant).exists()
