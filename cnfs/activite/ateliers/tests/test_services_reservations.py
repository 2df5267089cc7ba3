"""Public booking of ateliers: seats, waiting list, cancellation by signed link, refused input writes nothing."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone

from cnfs.activite.ateliers import services, tokens
from cnfs.activite.ateliers.enums import StatutReservation
from cnfs.activite.ateliers.tests.factories import AtelierFactory, ReservationFactory, at
from cnfs.activite.models import Reservation
from cnfs.core.errors import DomainError

pytestmark = pytest.mark.django_db


def book(atelier, n: int = 0, **kwargs):
    data = {"nom": f"Personne {n}", "email": f"personne{n}@exemple.fr", "telephone": "", "consentement": True}
    data.update(kwargs)
    return services.reservation_create(atelier_id=atelier.pk, **data)


def test_seats_then_waiting_list_in_order():
    atelier = AtelierFactory(capacite=2)
    first, second, third, fourth = (book(atelier, n) for n in range(4))
    assert [r.statut for r in (first, second)] == [StatutReservation.CONFIRMEE] * 2
    assert [r.statut for r in (third, fourth)] == [StatutReservation.ATTENTE] * 2
    assert first.consentement_le is not None


def test_full_atelier_without_waiting_list_is_refused_and_writes_nothing():
    atelier = AtelierFactory(capacite=1, liste_attente=False)
    book(atelier, 0)
    with pytest.raises(DomainError, match="complet"):
        book(atelier, 1)
    assert Reservation.objects.filter(atelier=atelier).count() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"debut": at(-1)}, "déjà eu lieu"),
        ({"annule_le": timezone.now()}, "annulé"),
    ],
)
def test_past_or_cancelled_atelier_is_refused(change, message):
    atelier = AtelierFactory(**change)
    with pytest.raises(DomainError, match=message):
        book(atelier)
    assert not Reservation.objects.exists()


def test_atelier_starting_now_is_refused():
    atelier = AtelierFactory(debut=at(1))
    with pytest.raises(DomainError, match="déjà eu lieu"):
        services.reservation_create(
            atelier_id=atelier.pk, nom="A", email="a@exemple.fr", consentement=True, now=atelier.debut
        )


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"consentement": False}, "consentement", "Vous devez accepter"),
        ({"email": "pas-une-adresse"}, "email", "Adresse électronique « pas-une-adresse » invalide"),
        ({"email": "", "telephone": "12345"}, "telephone", "Numéro de téléphone « 12345 » invalide"),
        ({"email": "", "telephone": "06 12 34 56"}, "telephone", "invalide"),
        ({"email": "", "telephone": ""}, "email", "adresse électronique ou un numéro de téléphone"),
        ({"nom": "   "}, "nom", "Indiquez votre nom"),
    ],
)
def test_bad_contact_is_refused_with_the_field_named(fields, field, message):
    atelier = AtelierFactory()
    with pytest.raises(DomainError, match=message) as caught:
        book(atelier, **fields)
    assert caught.value.field == field
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    "typed, stored",
    [("06 12 34 56 78", "+33612345678"), ("+33 6 12 34 56 78", "+33612345678"), ("0033612345678", "+33612345678")],
)
def test_phone_only_booking_is_normalised(typed, stored):
    reservation = book(AtelierFactory(), email="", telephone=typed)
    assert reservation.telephone == stored
    assert reservation.email == ""


def test_same_person_cannot_book_twice():
    atelier = AtelierFactory()
    book(atelier, 0)
    with pytest.raises(DomainError, match="déjà inscrit"):
        book(atelier, 0, email="PERSONNE0@exemple.fr")
    assert atelier.reservations.count() == 1


def test_cancel_frees_the_seat_for_the_first_waiting_person(django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacite=1)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = book(atelier, 0)
        waiting_first = book(atelier, 1)
        waiting_second = book(atelier, 2)
    mail.outbox.clear()
    token = tokens.make(tokens.RESERVATION, confirmed.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.reservation_cancel(token=token, base_url="http://testserver/")
    statuses = dict(Reservation.objects.values_list("pk", "statut"))
    assert statuses == {
        confirmed.pk: StatutReservation.ANNULEE,
        waiting_first.pk: StatutReservation.CONFIRMEE,
        waiting_second.pk: StatutReservation.ATTENTE,
    }
    assert Reservation.objects.get(pk=waiting_first.pk).promue_le is not None
    assert [m.to for m in mail.outbox] == [["personne1@exemple.fr"]]
    assert mail.outbox[0].subject.startswith("Une place s’est libérée")


def test_cancelling_a_waiting_place_promotes_nobody():
    atelier = AtelierFactory(capacite=1)
    book(atelier, 0)
    waiting = book(atelier, 1)
    other = book(atelier, 2)
    services.reservation_cancel(token=tokens.make(tokens.RESERVATION, waiting.pk))
    assert Reservation.objects.get(pk=other.pk).statut == StatutReservation.ATTENTE
    assert atelier.reservations.filter(statut=StatutReservation.CONFIRMEE).count() == 1


def test_cancel_twice_is_refused():
    reservation = ReservationFactory()
    token = tokens.make(tokens.RESERVATION, reservation.pk)
    services.reservation_cancel(token=token)
    with pytest.raises(DomainError, match="déjà annulée"):
        services.reservation_cancel(token=token)


def test_cancel_after_start_is_refused():
    reservation = ReservationFactory(atelier=AtelierFactory(debut=at(-1)))
    with pytest.raises(DomainError, match="commencé"):
        services.reservation_cancel(token=tokens.make(tokens.RESERVATION, reservation.pk))
    assert Reservation.objects.get(pk=reservation.pk).statut == StatutReservation.CONFIRMEE


@pytest.mark.parametrize(
    "forge",
    [
        lambda pk: tokens.make(tokens.RESERVATION, pk)[:-2] + "xx",  # altered signature
        lambda pk: signing.dumps({"k": "reservation", "id": pk}, salt="autre-sel"),  # signed for something else
        lambda pk: signing.dumps({"k": "reservation", "id": pk}, key="une-autre-cle-secrete", salt=tokens.SALT),
        lambda pk: tokens.make(tokens.RENDEZ_VOUS, pk),  # a token of another kind of booking
        lambda pk: "n-importe-quoi",
    ],
)
def test_forged_token_is_refused_and_changes_nothing(forge):
    reservation = ReservationFactory()
    with pytest.raises(DomainError, match="pas valide") as caught:
        services.reservation_cancel(token=forge(reservation.pk))
    assert caught.value.code == "jeton_invalide"
    assert Reservation.objects.get(pk=reservation.pk).statut == StatutReservation.CONFIRMEE


def test_expired_token_is_refused_and_changes_nothing(settings):
    settings.ATELIERS_JETON_DUREE_JOURS = 10
    reservation = ReservationFactory()
    eleven_days_ago = timezone.now().timestamp() - 11 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eleven_days_ago):
        token = tokens.make(tokens.RESERVATION, reservation.pk)
    with pytest.raises(DomainError, match="expiré") as caught:
        services.reservation_cancel(token=token)
    assert caught.value.code == "jeton_expire"
    assert Reservation.objects.get(pk=reservation.pk).statut == StatutReservation.CONFIRMEE


def test_cancelling_the_atelier_tells_everyone(django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacite=1)
    book(atelier, 0)
    book(atelier, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.atelier_cancel(actor=atelier.conseiller, atelier=atelier)
    assert sorted(m.to[0] for m in mail.outbox) == ["personne0@exemple.fr", "personne1@exemple.fr"]
    assert set(atelier.reservations.values_list("statut", flat=True)) == {StatutReservation.ANNULEE}


def test_reminders_are_sent_once_for_the_next_24_hours(django_capture_on_commit_callbacks):
    soon = AtelierFactory(debut=timezone.now() + timedelta(hours=20))
    later = AtelierFactory(debut=timezone.now() + timedelta(hours=30))
    ReservationFactory(atelier=soon, email="bientot@exemple.fr")
    ReservationFactory(atelier=soon, email="", telephone="+33612345678")  # no e-mail: nothing to send
    ReservationFactory(atelier=soon, email="annule@exemple.fr", statut=StatutReservation.ANNULEE)
    ReservationFactory(atelier=later, email="plus-tard@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rappels_send() == 1
    assert [m.to for m in mail.outbox] == [["bientot@exemple.fr"]]
    assert mail.outbox[0].subject.startswith("Rappel : atelier demain")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rappels_send() == 0
    assert len(mail.outbox) == 1


def test_purge_erases_contacts_of_past_ateliers_only():
    old = ReservationFactory(atelier=AtelierFactory(debut=at(-40)), present=True)
    recent = ReservationFactory(atelier=AtelierFactory(debut=at(-5)))
    upcoming = ReservationFactory(atelier=AtelierFactory(debut=at(5)))
    counts = services.reservations_purge(days=30)
    assert counts == {"reservations": 1, "rendezvous": 0}
    old.refresh_from_db()
    assert (old.nom, old.email, old.telephone, old.present) == ("", "", "", True)
    assert old.purgee_le is not None
    for kept in (recent, upcoming):
        kept.refresh_from_db()
        assert kept.email and kept.purgee_le is None
    with pytest.raises(DomainError, match="n’existe plus"):
        services.reservation_from_token(tokens.make(tokens.RESERVATION, old.pk))


def test_more_seats_go_to_the_waiting_list_fewer_than_booked_is_refused(django_capture_on_commit_callbacks):
    atelier = AtelierFactory(capacite=1)
    book(atelier, 0)
    waiting = [book(atelier, n) for n in (1, 2, 3)]
    with django_capture_on_commit_callbacks(execute=True):
        services.atelier_capacite_update(actor=atelier.conseiller, atelier=atelier, capacite=3)
    statuses = [Reservation.objects.get(pk=r.pk).statut for r in waiting]
    assert statuses == [StatutReservation.CONFIRMEE, StatutReservation.CONFIRMEE, StatutReservation.ATTENTE]
    assert sorted(m.to[0] for m in mail.outbox) == ["personne1@exemple.fr", "personne2@exemple.fr"]
    with pytest.raises(DomainError, match="3 personnes sont déjà inscrites"):
        services.atelier_capacite_update(actor=atelier.conseiller, atelier=atelier, capacite=2)
    atelier.refresh_from_db()
    assert atelier.capacite == 3


def test_retention_command_also_purges_the_contacts_of_past_bookings(capsys):
    from django.core.management import call_command

    old = ReservationFactory(atelier=AtelierFactory(debut=at(-40)))
    recent = ReservationFactory(atelier=AtelierFactory(debut=at(-5)))
    call_command("activite", "retention", "--dry-run")
    assert "coordonnées seraient effacées pour 1 réservation(s) et 0 rendez-vous" in capsys.readouterr().out
    old.refresh_from_db()
    assert old.email and old.purgee_le is None  # a dry run changes nothing
    call_command("activite", "retention")
    assert "coordonnées effacées pour 1 réservation(s)" in capsys.readouterr().out
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.nom, old.email, old.telephone) == ("", "", "") and old.purgee_le is not None
    assert recent.email and recent.purgee_le is None
