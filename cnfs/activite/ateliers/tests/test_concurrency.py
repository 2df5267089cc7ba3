"""An atelier is never overbooked and a slot never booked twice, even when bookings arrive at the same instant.

Runs on PostgreSQL only (real row locks, real parallel connections); CI runs it with DATABASE_URL set.
"""

import threading

import pytest
from django.db import connection

from cnfs.activite.ateliers import services, tokens
from cnfs.activite.ateliers.enums import StatutRendezVous, StatutReservation
from cnfs.activite.ateliers.tests.factories import AtelierFactory, CreneauFactory, ReservationFactory
from cnfs.activite.models import RendezVous, Reservation
from cnfs.core.errors import DomainError

# The root conftest skips (laptop) or deselects (CI's SQLite pass) `postgres` tests when not on PostgreSQL.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12
CAPACITY = 3


def run_in_parallel(action, count: int) -> list[str]:
    """Run `action(i)` in `count` threads released together; collect "ok" or the French refusal of each."""
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(i):
        try:
            connection.ensure_connection()  # connect first, so that all threads reach the lock together
            barrier.wait(timeout=30)
            result = action(i)
        except DomainError as error:
            result = error.message
        except Exception as error:  # noqa: BLE001 — reported below, the test fails on it
            result = f"erreur inattendue : {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_parallel_bookings_never_exceed_capacity():
    atelier = AtelierFactory(capacite=CAPACITY, liste_attente=False)

    def book(i):
        services.reservation_create(
            atelier_id=atelier.pk, nom=f"Personne {i}", email=f"p{i}@exemple.fr", consentement=True
        )
        return "ok"

    outcomes = run_in_parallel(book, THREADS)
    assert len(outcomes) == THREADS
    assert outcomes.count("ok") == CAPACITY, outcomes
    assert [o for o in outcomes if o != "ok"] == ["Cet atelier est complet."] * (THREADS - CAPACITY)
    assert Reservation.objects.filter(atelier=atelier, statut=StatutReservation.CONFIRMEE).count() == CAPACITY
    assert Reservation.objects.filter(atelier=atelier).count() == CAPACITY


def test_parallel_bookings_fill_seats_then_the_waiting_list():
    atelier = AtelierFactory(capacite=CAPACITY, liste_attente=True)

    def book(i):
        return services.reservation_create(
            atelier_id=atelier.pk, nom=f"Personne {i}", email=f"p{i}@exemple.fr", consentement=True
        ).statut

    outcomes = run_in_parallel(book, THREADS)
    assert sorted(outcomes) == sorted(
        [StatutReservation.ATTENTE] * (THREADS - CAPACITY) + [StatutReservation.CONFIRMEE] * CAPACITY
    ), outcomes
    assert Reservation.objects.filter(atelier=atelier, statut=StatutReservation.CONFIRMEE).count() == CAPACITY


def test_cancellations_and_bookings_at_once_never_overbook():
    """Cancellations promote the waiting list while new people book: the seats stay at the capacity."""
    atelier = AtelierFactory(capacite=CAPACITY, liste_attente=True)
    confirmed = [ReservationFactory(atelier=atelier) for _ in range(CAPACITY)]
    for _ in range(4):
        ReservationFactory(atelier=atelier, statut=StatutReservation.ATTENTE)
    cancel_tokens = [tokens.make(tokens.RESERVATION, r.pk) for r in confirmed]

    def act(i):
        if i < len(cancel_tokens):
            services.reservation_cancel(token=cancel_tokens[i])
        else:
            services.reservation_create(
                atelier_id=atelier.pk, nom=f"Nouvelle {i}", email=f"n{i}@exemple.fr", consentement=True
            )
        return "ok"

    outcomes = run_in_parallel(act, THREADS)
    assert outcomes == ["ok"] * THREADS, outcomes
    assert Reservation.objects.filter(atelier=atelier, statut=StatutReservation.CONFIRMEE).count() == CAPACITY


def test_parallel_appointments_on_one_slot():
    creneau = CreneauFactory()

    def book(i):
        services.rendezvous_book(creneau_id=creneau.pk, nom=f"P{i}", email=f"p{i}@exemple.fr", consentement=True)
        return "ok"

    outcomes = run_in_parallel(book, 8)
    assert outcomes.count("ok") == 1, outcomes
    assert RendezVous.objects.filter(creneau=creneau, statut=StatutRendezVous.CONFIRME).count() == 1
