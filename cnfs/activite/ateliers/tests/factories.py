"""Deterministic test data of ateliers, permanences and appointments (dates relative to now, so never stale)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from cnfs.activite.ateliers.enums import Niveau, StatutReservation, TypeAcces
from cnfs.activite.models import Atelier, Creneau, LieuActivite, Permanence, RendezVous, Reservation
from cnfs.core.tests.factories import user_with_role
from cnfs.lieux.tests.factories import LieuFactory

PARIS = timezone.get_default_timezone()


def at(days: int, hour: int = 14, minute: int = 0) -> datetime:
    """`days` from today at hour:minute, Paris time (aware)."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), PARIS)


def next_weekday(weekday: int, *, hour: int = 10, minute: int = 0, weeks: int = 1) -> datetime:
    """A day of the given weekday (0 = Monday) at least a week ahead, at hour:minute Paris time."""
    today = timezone.localdate()
    delta = (weekday - today.weekday()) % 7 + 7 * weeks
    return timezone.make_aware(datetime.combine(today + timedelta(days=delta), time(hour, minute)), PARIS)


def conseiller(role: str = "conseiller", **lieu_kwargs):
    """An advisor with one principal place of activity: (user, lieu)."""
    user = user_with_role(role)
    lieu = LieuFactory(**lieu_kwargs)
    LieuActivite.objects.create(conseiller=user, lieu=lieu, principal=True)
    return user, lieu


class AtelierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Atelier

    conseiller = factory.LazyFunction(lambda: conseiller()[0])
    titre = factory.Sequence(lambda n: f"Premiers pas sur Internet n° {n}")
    description = "Naviguer, chercher une information, reconnaître un site fiable."
    themes = factory.LazyFunction(lambda: ["internet", "securite"])
    niveau = Niveau.DEBUTANT
    debut = factory.LazyFunction(lambda: at(7))
    duree_minutes = 90
    lieu = factory.LazyAttribute(
        lambda o: (
            LieuActivite.objects.filter(conseiller=o.conseiller).first().lieu
            if LieuActivite.objects.filter(conseiller=o.conseiller).exists()
            else LieuFactory()
        )
    )
    capacite = 3
    liste_attente = True


class ReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reservation

    atelier = factory.SubFactory(AtelierFactory)
    statut = StatutReservation.CONFIRMEE
    nom = factory.Sequence(lambda n: f"Camille Martin {n}")
    email = factory.Sequence(lambda n: f"camille{n}@exemple.fr")
    telephone = ""
    consentement_le = factory.LazyFunction(timezone.now)


class PermanenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Permanence

    conseiller = factory.LazyFunction(lambda: conseiller()[0])
    lieu = factory.LazyAttribute(lambda o: LieuActivite.objects.filter(conseiller=o.conseiller).first().lieu)
    horaires = "Mo-Fr 09:00-12:00,14:00-17:00"
    acces = TypeAcces.RENDEZ_VOUS


class CreneauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creneau

    permanence = factory.SubFactory(PermanenceFactory)
    debut = factory.LazyFunction(lambda: next_weekday(1, hour=10))
    duree_minutes = 30


class RendezVousFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RendezVous

    creneau = factory.SubFactory(CreneauFactory)
    nom = factory.Sequence(lambda n: f"Dominique Petit {n}")
    email = factory.Sequence(lambda n: f"dominique{n}@exemple.fr")
    consentement_le = factory.LazyFunction(timezone.now)
