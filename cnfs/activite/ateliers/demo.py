"""Demo ateliers, permanences and appointment slots of the demo advisor (called by `cnfs.activite.demo.seed`).

Idempotent: ateliers are found again by (advisor, title), permanences by (advisor, place, hours), slots by
(permanence, start), demo bookings by e-mail. Dates are days after today at fixed hours, so that the ateliers are
always upcoming and bookable.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from cnfs.activite.ateliers import services
from cnfs.activite.ateliers.enums import Niveau, StatutReservation, TypeAcces
from cnfs.activite.models import Atelier, Creneau, Permanence, Reservation
from cnfs.core.errors import DomainError

ATELIERS = [
    ("Premiers pas avec un ordinateur", ["equipement_informatique", "vocabulaire"], Niveau.DEBUTANT, 3, 10, 90, 8),
    ("Créer et gérer son adresse électronique", ["courriel"], Niveau.DEBUTANT, 5, 14, 120, 10),
    ("Déclarer ses revenus en ligne", ["demarche_en_ligne"], Niveau.INTERMEDIAIRE, 8, 9, 90, 6),
    ("Prendre rendez-vous chez le médecin sur Internet", ["sante", "internet"], Niveau.DEBUTANT, 12, 14, 90, 8),
    ("Se protéger des arnaques en ligne", ["fraude_harcelement", "securite"], Niveau.INTERMEDIAIRE, 15, 10, 60, 12),
]
PERMANENCES = [("Tu,Th 09:00-12:00", TypeAcces.RENDEZ_VOUS), ("Mo-Fr 14:00-17:00", TypeAcces.LIBRE)]


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_default_timezone())


def seed(ctx, user, place_ids: list[int]) -> None:
    if not place_ids:
        return
    ateliers = []
    for n, (titre, themes, niveau, days, hour, duree, capacite) in enumerate(ATELIERS):
        atelier, _ = Atelier.objects.update_or_create(
            conseiller=user,
            titre=titre,
            defaults={
                "themes": themes,
                "niveau": niveau,
                "debut": _at(days, hour),
                "duree_minutes": duree,
                "capacite": capacite,
                "lieu_id": place_ids[n % len(place_ids)],
                "annule_le": None,
                "description": "Atelier gratuit animé par un conseiller numérique France Services.",
            },
        )
        ateliers.append(atelier)
    first = ateliers[0]
    for i in range(3):
        email = f"inscrit{i + 1}@demo.cnfs.localhost"
        if not Reservation.objects.filter(atelier=first, email=email).exists():
            Reservation.objects.create(
                atelier=first,
                statut=StatutReservation.CONFIRMEE,
                nom=ctx.faker.name(),
                email=email,
                consentement_le=timezone.now(),
            )
    slots = 0
    for horaires, acces in PERMANENCES:
        permanence, _ = Permanence.objects.get_or_create(
            conseiller=user, lieu_id=place_ids[0], horaires=horaires, defaults={"acces": acces}
        )
        if acces != TypeAcces.RENDEZ_VOUS:
            continue
        today = timezone.localdate()
        for offset in range(1, 15):
            day = today + timedelta(days=offset)
            if day.weekday() not in (1, 3):
                continue
            try:
                services.creneaux_publish(
                    actor=user, permanence=permanence, jour=day, de=time(9), a=time(12), duree_minutes=30
                )
            except DomainError as error:  # a public holiday closes the permanence: no slots that day
                ctx.warn(f"Créneaux du {day:%d/%m/%Y} non publiés : {error.message}")
        slots = Creneau.objects.filter(permanence=permanence).count()
    ctx.report("ateliers à venir", len(ateliers))
    ctx.report("permanences", len(PERMANENCES))
    ctx.report("créneaux de rendez-vous", slots)
