"""Reads of permanences, ateliers, bookings and appointments for the pages of the public and of the conseillers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cnfs.activite.ateliers.enums import StatutRendezVous, StatutReservation, TypeAcces
from cnfs.activite.models import Atelier, Creneau, Permanence, RendezVous, Reservation
from cnfs.territoires.models import Commune
from cnfs.territoires.selectors import commune_search

PUBLIC_LIMIT = 50


def with_counts(queryset: QuerySet[Atelier]) -> QuerySet[Atelier]:
    """Ateliers annotated with `inscrits` (confirmed seats) and `en_attente` (waiting list), in the same query."""
    return queryset.annotate(
        inscrits=Count("reservations", filter=Q(reservations__statut=StatutReservation.CONFIRMEE), distinct=True),
        en_attente=Count("reservations", filter=Q(reservations__statut=StatutReservation.ATTENTE), distinct=True),
    )


def ateliers_a_venir(*, now: datetime | None = None) -> QuerySet[Atelier]:
    """Upcoming, not cancelled ateliers, with their place and seat counts."""
    now = now or timezone.now()
    return with_counts(
        Atelier.objects.filter(annule_le__isnull=True, debut__gt=now).select_related("lieu__commune__departement")
    ).order_by("debut", "pk")


def _km(lat1, lon1, lat2, lon2) -> float | None:
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@dataclass
class AtelierPublic:
    atelier: Atelier
    distance_km: float | None

    @property
    def places_restantes(self) -> int:
        return max(self.atelier.capacite - self.atelier.inscrits, 0)


@dataclass
class RecherchePublique:
    commune: Commune | None
    sur_place: list[AtelierPublic]
    a_distance: list[Atelier]
    introuvable: bool = False


def ateliers_publics(*, q: str = "", theme: str = "", now: datetime | None = None) -> RecherchePublique:
    """ "Ateliers près de chez vous": upcoming ateliers of the département of the commune or postcode typed, nearest
    first (straight-line distance), then the ateliers held at a distance, open to all."""
    queryset = ateliers_a_venir(now=now)
    if theme:
        # JSON lists are stored as text on both engines: a quoted slug is a portable "contains".
        queryset = queryset.filter(themes__icontains=f'"{theme}"')
    a_distance = list(queryset.filter(lieu__isnull=True)[:PUBLIC_LIMIT])
    sur_place = queryset.filter(lieu__isnull=False)
    commune = None
    if q:
        found = commune_search(q, limit=1)
        if not found:
            return RecherchePublique(None, [], a_distance, introuvable=True)
        commune = found[0]
        sur_place = sur_place.filter(lieu__commune__departement_id=commune.departement_id)
    rows = [
        AtelierPublic(
            atelier,
            _km(commune.latitude, commune.longitude, atelier.lieu.latitude, atelier.lieu.longitude)
            if commune
            else None,
        )
        for atelier in sur_place[: PUBLIC_LIMIT * 4]
    ]
    if commune:
        rows.sort(key=lambda row: (row.distance_km is None, row.distance_km or 0, row.atelier.debut))
    return RecherchePublique(commune, rows[:PUBLIC_LIMIT], a_distance)


def atelier_public(pk: int) -> Atelier | None:
    """One atelier as the public sees it (cancelled ones too, to say so), with its seat counts."""
    return (
        with_counts(Atelier.objects.select_related("lieu__commune__departement", "conseiller")).filter(pk=pk).first()
    )


def ateliers_of_conseiller(user) -> QuerySet[Atelier]:
    return with_counts(Atelier.objects.filter(conseiller=user).select_related("lieu__commune")).order_by("-debut")


def reservations_of(atelier: Atelier) -> list[Reservation]:
    return list(atelier.reservations.order_by("statut", "created_at", "pk"))


def permanences_of_conseiller(user) -> QuerySet[Permanence]:
    return Permanence.objects.filter(conseiller=user).select_related("lieu__commune").order_by("lieu__nom", "pk")


def creneaux_of(permanence: Permanence, *, now: datetime | None = None, a_venir: bool = True) -> list[Creneau]:
    """Slots of a permanence with their confirmed appointment (`rdv`, or None), upcoming first."""
    now = now or timezone.now()
    queryset = permanence.creneaux.prefetch_related(
        Prefetch(
            "rendezvous",
            queryset=RendezVous.objects.filter(statut=StatutRendezVous.CONFIRME),
            to_attr="confirmes",
        )
    )
    queryset = queryset.filter(debut__gt=now) if a_venir else queryset.filter(debut__lte=now)
    creneaux = list(queryset.order_by("debut" if a_venir else "-debut")[:200])
    for creneau in creneaux:
        creneau.rdv = creneau.confirmes[0] if creneau.confirmes else None
    return creneaux


def permanences_sur_rendez_vous(*, now: datetime | None = None) -> QuerySet[Permanence]:
    """Permanences offering at least one free upcoming slot (for the public listing)."""
    now = now or timezone.now()
    free = Creneau.objects.filter(debut__gt=now).exclude(rendezvous__statut=StatutRendezVous.CONFIRME)
    return (
        Permanence.objects.filter(acces=TypeAcces.RENDEZ_VOUS, creneaux__in=free)
        .select_related("lieu__commune")
        .annotate(libres=Count("creneaux", filter=Q(creneaux__in=free), distinct=True))
        .order_by("lieu__nom", "pk")
    )


def creneaux_libres(permanence: Permanence, *, now: datetime | None = None) -> list[Creneau]:
    now = now or timezone.now()
    return list(
        permanence.creneaux.filter(debut__gt=now)
        .exclude(rendezvous__statut=StatutRendezVous.CONFIRME)
        .order_by("debut")[:200]
    )


def rendezvous_of_conseiller(user, *, now: datetime | None = None) -> QuerySet[RendezVous]:
    """Confirmed appointments on the conseiller's permanences, most recent first."""
    return (
        RendezVous.objects.filter(creneau__permanence__conseiller=user, statut=StatutRendezVous.CONFIRME)
        .select_related("creneau__permanence__lieu")
        .order_by("-creneau__debut")
    )
