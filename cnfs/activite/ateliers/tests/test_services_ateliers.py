"""Advisors' writes: ateliers, permanences, appointment slots, appointments; bad input writes nothing."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from cnfs.activite.ateliers import services, tokens
from cnfs.activite.ateliers.enums import StatutRendezVous, TypeAcces
from cnfs.activite.ateliers.tests.factories import (
    AtelierFactory,
    CreneauFactory,
    PermanenceFactory,
    RendezVousFactory,
    at,
    conseiller,
    next_weekday,
)
from cnfs.activite.models import Atelier, Creneau, Permanence, RendezVous
from cnfs.core.errors import DomainError
from cnfs.lieux.tests.factories import LieuFactory

pytestmark = pytest.mark.django_db


def atelier_data(place, **overrides):
    data = {
        "titre": "Réserver un rendez-vous médical en ligne",
        "themes": ["sante", "internet"],
        "niveau": "debutant",
        "debut": at(10, 14),
        "duree_minutes": 90,
        "capacite": 8,
        "lieu": place,
    }
    data.update(overrides)
    return data


def test_atelier_create_in_own_place():
    user, lieu = conseiller()
    atelier = services.atelier_create(actor=user, **atelier_data(lieu))
    assert atelier.conseiller == user and atelier.lieu == lieu
    assert atelier.themes == ["sante", "internet"]


def test_atelier_at_a_distance():
    user, _ = conseiller()
    atelier = services.atelier_create(
        actor=user, **atelier_data(None, lien_distance="https://visio.exemple.fr/atelier")
    )
    assert atelier.a_distance


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"debut": at(-1)}, "debut", "dans le futur"),
        ({"themes": ["astrologie"]}, "themes", "Thème inconnu : « astrologie »"),
        ({"themes": []}, "themes", "au moins un thème"),
        ({"capacite": 0}, "capacite", "entre 1 et 100"),
        ({"capacite": 101}, "capacite", "entre 1 et 100"),
        ({"duree_minutes": 10}, "duree_minutes", "entre 15 minutes"),
        ({"lieu": None}, "lieu", "Indiquez le lieu"),
        ({"lien_distance": "https://visio.exemple.fr"}, "lien_distance", "pas les deux"),
        ({"titre": "  "}, "titre", "titre"),
        ({"niveau": "expert"}, "niveau", "Niveau inconnu"),
    ],
)
def test_atelier_create_refuses_bad_input(overrides, field, message):
    user, lieu = conseiller()
    with pytest.raises(DomainError, match=message) as caught:
        services.atelier_create(actor=user, **atelier_data(lieu, **overrides))
    assert caught.value.field == field
    assert not Atelier.objects.exists()


def test_atelier_in_a_place_that_is_not_theirs_is_refused():
    user, _ = conseiller()
    other_place = LieuFactory()
    with pytest.raises(DomainError, match="ne fait pas partie de vos lieux"):
        services.atelier_create(actor=user, **atelier_data(other_place))
    assert not Atelier.objects.exists()


def test_only_the_owner_cancels_an_atelier():
    atelier = AtelierFactory()
    intruder, _ = conseiller()
    with pytest.raises(DomainError, match="vos propres ateliers"):
        services.atelier_cancel(actor=intruder, atelier=atelier)
    atelier.refresh_from_db()
    assert atelier.annule_le is None


# --- Permanences ----------------------------------------------------------------------------------------------


def test_permanence_hours_are_validated_and_normalised():
    user, lieu = conseiller()
    permanence = services.permanence_create(
        actor=user, lieu=lieu, horaires_osm="Mo-Fr  09:00-12:00", acces=TypeAcces.LIBRE, itinerante=True
    )
    assert permanence.horaires == "Mo-Fr 09:00-12:00"
    assert permanence.horaires_fr == ["du lundi au vendredi : 9 h – 12 h", "samedi et dimanche : fermé"]


@pytest.mark.parametrize(
    "hours, message",
    [("lundi 9h-12h", "Horaires invalides"), ("", "Indiquez les horaires"), ("Mo-Fr 25:00-26:00", "invalides")],
)
def test_permanence_with_bad_hours_is_refused(hours, message):
    user, lieu = conseiller()
    with pytest.raises(DomainError, match=message):
        services.permanence_create(actor=user, lieu=lieu, horaires_osm=hours, acces=TypeAcces.LIBRE)
    assert not Permanence.objects.exists()


def test_permanence_in_a_place_that_is_not_theirs_is_refused():
    user, _ = conseiller()
    with pytest.raises(DomainError, match="ne fait pas partie"):
        services.permanence_create(
            actor=user, lieu=LieuFactory(), horaires_osm="Mo 09:00-12:00", acces=TypeAcces.LIBRE
        )
    assert not Permanence.objects.exists()


# --- Slots and appointments -----------------------------------------------------------------------------------


def test_slots_are_cut_inside_the_hours_and_not_duplicated():
    permanence = PermanenceFactory(horaires="Tu 09:00-12:00")
    tuesday = next_weekday(1).date()
    created = services.creneaux_publish(
        actor=permanence.conseiller, permanence=permanence, jour=tuesday, de=time(9), a=time(11), duree_minutes=30
    )
    assert [timezone.localtime(c.debut).strftime("%H:%M") for c in created] == ["09:00", "09:30", "10:00", "10:30"]
    again = services.creneaux_publish(
        actor=permanence.conseiller, permanence=permanence, jour=tuesday, de=time(9), a=time(12), duree_minutes=30
    )
    assert [timezone.localtime(c.debut).strftime("%H:%M") for c in again] == ["11:00", "11:30"]
    assert Creneau.objects.filter(permanence=permanence).count() == 6


@pytest.mark.parametrize(
    "weekday, de, a, message",
    [
        (1, time(11), time(13), "Le créneau de 12:00 sort des horaires"),
        (2, time(9), time(10), "Le créneau de 09:00 sort des horaires"),  # Wednesday: closed
        (1, time(10), time(9), "L’heure de fin doit suivre"),
    ],
)
def test_slots_outside_the_hours_are_refused(weekday, de, a, message):
    permanence = PermanenceFactory(horaires="Tu 09:00-12:00")
    with pytest.raises(DomainError, match=message):
        services.creneaux_publish(
            actor=permanence.conseiller,
            permanence=permanence,
            jour=next_weekday(weekday).date(),
            de=de,
            a=a,
            duree_minutes=30,
        )
    assert not Creneau.objects.exists()


def test_slots_only_for_appointment_permanences_of_the_owner():
    libre = PermanenceFactory(acces=TypeAcces.LIBRE, horaires="Tu 09:00-12:00")
    with pytest.raises(DomainError, match="sur rendez-vous"):
        services.creneaux_publish(
            actor=libre.conseiller,
            permanence=libre,
            jour=next_weekday(1).date(),
            de=time(9),
            a=time(10),
            duree_minutes=30,
        )
    permanence = PermanenceFactory(horaires="Tu 09:00-12:00")
    intruder, _ = conseiller()
    with pytest.raises(DomainError, match="vos propres permanences"):
        services.creneaux_publish(
            actor=intruder,
            permanence=permanence,
            jour=next_weekday(1).date(),
            de=time(9),
            a=time(10),
            duree_minutes=30,
        )
    assert not Creneau.objects.exists()


def test_a_slot_is_never_booked_twice(django_capture_on_commit_callbacks):
    creneau = CreneauFactory()
    with django_capture_on_commit_callbacks(execute=True):
        rendezvous = services.rendezvous_book(
            creneau_id=creneau.pk, nom="Dominique", email="dominique@exemple.fr", consentement=True, motif="Impôts"
        )
    with pytest.raises(DomainError, match="vient d’être réservé"):
        services.rendezvous_book(creneau_id=creneau.pk, nom="Autre", email="autre@exemple.fr", consentement=True)
    assert RendezVous.objects.filter(creneau=creneau).count() == 1
    # The confirmation carries the appointment in an .ics the person's calendar reads.
    (message,) = mail.outbox
    name, content, mimetype = message.attachments[0]
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == creneau.debut
    assert event.decoded("dtend") == creneau.debut + timedelta(minutes=30)
    assert str(event.get("summary")) == "Rendez-vous avec un conseiller numérique"
    # Once cancelled, the slot is free again.
    services.rendezvous_cancel(token=tokens.make(tokens.RENDEZ_VOUS, rendezvous.pk))
    again = services.rendezvous_book(creneau_id=creneau.pk, nom="Autre", telephone="0612345678", consentement=True)
    assert again.statut == StatutRendezVous.CONFIRME


def test_past_slot_and_missing_consent_are_refused():
    past = CreneauFactory(debut=at(-1, 10))
    with pytest.raises(DomainError, match="passé"):
        services.rendezvous_book(creneau_id=past.pk, nom="A", email="a@exemple.fr", consentement=True)
    creneau = CreneauFactory()
    with pytest.raises(DomainError, match="Vous devez accepter"):
        services.rendezvous_book(creneau_id=creneau.pk, nom="A", email="a@exemple.fr", consentement=False)
    assert not RendezVous.objects.exists()


def test_a_booked_slot_cannot_be_removed():
    rendezvous = RendezVousFactory()
    permanence = rendezvous.creneau.permanence
    with pytest.raises(DomainError, match="réservé"):
        services.creneau_delete(actor=permanence.conseiller, creneau=rendezvous.creneau)
    assert Creneau.objects.filter(pk=rendezvous.creneau_id).exists()


def test_appointment_reminder_and_purge(django_capture_on_commit_callbacks):
    soon = RendezVousFactory(creneau=CreneauFactory(debut=timezone.now() + timedelta(hours=3)))
    old = RendezVousFactory(creneau=CreneauFactory(debut=at(-60, 10)), motif="Carte grise")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rappels_send() == 1
    assert mail.outbox[0].to == [soon.email]
    assert services.reservations_purge(days=30) == {"reservations": 0, "rendezvous": 1}
    old.refresh_from_db()
    assert (old.nom, old.email, old.motif) == ("", "", "")


def test_permanence_with_upcoming_appointments_cannot_be_removed():
    rendezvous = RendezVousFactory()
    permanence = rendezvous.creneau.permanence
    with pytest.raises(DomainError, match="rendez-vous à venir"):
        services.permanence_delete(actor=permanence.conseiller, permanence=permanence)
    assert Permanence.objects.filter(pk=permanence.pk).exists()
    services.rendezvous_cancel(token=tokens.make(tokens.RENDEZ_VOUS, rendezvous.pk))
    services.permanence_delete(actor=permanence.conseiller, permanence=permanence)
    assert not Permanence.objects.filter(pk=permanence.pk).exists()
