"""Ateliers, their public booking without an account, the waiting list and attendance.

Capacity is never exceeded: a booking locks its atelier row (`select_for_update`) before counting the seats, so
concurrent bookings of one atelier queue up on PostgreSQL; cancellations and capacity changes take the same lock.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cnfs.activite.ateliers import emails, tokens
from cnfs.activite.ateliers.contact import clean_contact
from cnfs.activite.ateliers.enums import Niveau, StatutReservation
from cnfs.activite.ateliers.services._common import _check_lieu, _now, _owned
from cnfs.activite.enums import AGE_FIELDS, STATUT_FIELDS, Canal, Theme, TypeAccompagnement
from cnfs.activite.models import Atelier, Reservation
from cnfs.activite.models.atelier import CAPACITE_MAX
from cnfs.core.errors import DomainError


def _clean_themes(themes) -> list[str]:
    values = list(dict.fromkeys(themes or ()))
    if not values:
        raise DomainError("Choisissez au moins un thème.", field="themes")
    unknown = [value for value in values if value not in Theme.values]
    if unknown:
        raise DomainError(f"Thème inconnu : « {unknown[0]} ».", field="themes")
    return values


def _check_atelier_fields(
    *, actor, debut: datetime, duree_minutes: int, capacite: int, lieu, lien_distance: str, niveau: str, now
) -> None:
    if timezone.is_naive(debut):
        raise DomainError("La date de début doit préciser son fuseau horaire.", field="debut")
    if debut <= now:
        raise DomainError("La date de début doit être dans le futur.", field="debut")
    if not 15 <= duree_minutes <= 480:
        raise DomainError("La durée doit être comprise entre 15 minutes et 8 heures.", field="duree_minutes")
    if not 1 <= capacite <= CAPACITE_MAX:
        raise DomainError(f"Le nombre de places doit être compris entre 1 et {CAPACITE_MAX}.", field="capacite")
    if niveau not in Niveau.values:
        raise DomainError(f"Niveau inconnu : « {niveau} ».", field="niveau")
    if lieu is None and not lien_distance:
        raise DomainError("Indiquez le lieu de l’atelier ou, s’il a lieu à distance, son lien.", field="lieu")
    if lieu is not None and lien_distance:
        raise DomainError("Un atelier a lieu dans un lieu ou à distance, pas les deux.", field="lien_distance")
    if lieu is not None:
        _check_lieu(actor, lieu)


@transaction.atomic
def atelier_create(
    *,
    actor,
    titre: str,
    themes: list[str],
    niveau: str,
    debut: datetime,
    duree_minutes: int,
    capacite: int,
    lieu=None,
    lien_distance: str = "",
    description: str = "",
    liste_attente: bool = True,
    now: datetime | None = None,
) -> Atelier:
    """A conseiller schedules a workshop in one of their places (or at a distance), open to public booking."""
    titre = " ".join((titre or "").split())
    if not titre:
        raise DomainError("Indiquez le titre de l’atelier.", field="titre")
    lien_distance = (lien_distance or "").strip()
    _check_atelier_fields(
        actor=actor,
        debut=debut,
        duree_minutes=duree_minutes,
        capacite=capacite,
        lieu=lieu,
        lien_distance=lien_distance,
        niveau=niveau,
        now=_now(now),
    )
    return Atelier.objects.create(
        conseiller=actor,
        titre=titre[:150],
        themes=_clean_themes(themes),
        niveau=niveau,
        debut=debut,
        duree_minutes=duree_minutes,
        capacite=capacite,
        lieu=lieu,
        lien_distance=lien_distance,
        description=(description or "").strip(),
        liste_attente=liste_attente,
    )


@transaction.atomic
def atelier_cancel(*, actor, atelier: Atelier, now: datetime | None = None) -> Atelier:
    """Cancel an upcoming workshop; everyone booked or waiting is told by e-mail."""
    now = _now(now)
    atelier = Atelier.objects.select_for_update().get(pk=atelier.pk)
    _owned(actor, atelier, "ateliers")
    if atelier.annule_le:
        raise DomainError("Cet atelier est déjà annulé.")
    if atelier.debut <= now:
        raise DomainError("Un atelier commencé ou passé ne peut plus être annulé.")
    atelier.annule_le = now
    atelier.save(update_fields=["annule_le", "updated_at"])
    active = list(atelier.reservations.filter(statut__in=[StatutReservation.CONFIRMEE, StatutReservation.ATTENTE]))
    for reservation in active:
        reservation.atelier = atelier
        emails.reservation_email(reservation, template="atelier_annule", with_ics=False)
    atelier.reservations.filter(pk__in=[r.pk for r in active]).update(statut=StatutReservation.ANNULEE, annulee_le=now)
    return atelier


@transaction.atomic
def atelier_details_update(
    *,
    actor,
    atelier: Atelier,
    titre: str,
    debut: datetime,
    base_url: str | None = None,
    now: datetime | None = None,
) -> Atelier:
    """Change the title or the start of an upcoming atelier. When the start moves, everyone booked or waiting
    gets an e-mail with the new date and a new calendar file (their booking and cancel link stay valid)."""
    now = _now(now)
    atelier = _lock_atelier(atelier.pk)
    _owned(actor, atelier, "ateliers")
    if atelier.annule_le or atelier.debut <= now:
        raise DomainError("Seul un atelier à venir peut changer de titre ou de date.")
    titre = " ".join((titre or "").split())
    if not titre:
        raise DomainError("Indiquez le titre de l’atelier.", field="titre")
    if timezone.is_naive(debut):
        raise DomainError("La date de début doit préciser son fuseau horaire.", field="debut")
    if debut <= now:
        raise DomainError("La date de début doit être dans le futur.", field="debut")
    moved = debut != atelier.debut
    ancien_debut = atelier.debut
    atelier.titre, atelier.debut = titre[:150], debut
    atelier.save(update_fields=["titre", "debut", "updated_at"])
    if moved:
        active = atelier.reservations.filter(statut__in=[StatutReservation.CONFIRMEE, StatutReservation.ATTENTE])
        active.update(rappel_envoye_le=None)  # the reminder goes again, 24 hours before the new date
        for reservation in active.order_by("pk"):
            reservation.atelier = atelier
            reservation.ancien_debut = ancien_debut
            emails.reservation_email(reservation, template="atelier_deplace", base_url=base_url)
    return atelier


@transaction.atomic
def atelier_capacite_update(
    *, actor, atelier: Atelier, capacite: int, base_url: str | None = None, now: datetime | None = None
) -> Atelier:
    """Change the number of seats of an upcoming atelier. More seats go to the waiting list first (e-mailed);
    fewer seats than people already confirmed is refused (cancel someone's booking is not the advisor's call)."""
    now = _now(now)
    atelier = _lock_atelier(atelier.pk)
    _owned(actor, atelier, "ateliers")
    if atelier.annule_le or atelier.debut <= now:
        raise DomainError("Seul un atelier à venir peut changer de nombre de places.")
    if not 1 <= capacite <= CAPACITE_MAX:
        raise DomainError(f"Le nombre de places doit être compris entre 1 et {CAPACITE_MAX}.", field="capacite")
    taken = _seats_taken(atelier)
    if capacite < taken:
        raise DomainError(
            f"{taken} personnes sont déjà inscrites : le nombre de places ne peut pas descendre sous {taken}.",
            field="capacite",
        )
    atelier.capacite = capacite
    atelier.save(update_fields=["capacite", "updated_at"])
    _promote(atelier, now=now, base_url=base_url)
    return atelier


def _lock_atelier(pk: int) -> Atelier:
    try:
        return Atelier.objects.select_for_update(of=("self",)).select_related("lieu__commune").get(pk=pk)
    except Atelier.DoesNotExist:
        raise DomainError("Cet atelier n’existe pas ou plus.", code="introuvable") from None


def _seats_taken(atelier: Atelier) -> int:
    return atelier.reservations.filter(statut=StatutReservation.CONFIRMEE).count()


@transaction.atomic
def reservation_create(
    *,
    atelier_id: int,
    nom: str,
    email: str = "",
    telephone: str = "",
    consentement: bool,
    base_url: str | None = None,
    now: datetime | None = None,
) -> Reservation:
    """Book a seat without an account, or a place on the waiting list when the atelier is full.

    Refused: a cancelled or past atelier, a full atelier without a waiting list, a person already booked (same
    e-mail or phone), a missing consent, an invalid e-mail or phone. The atelier row stays locked until commit.
    """
    now = _now(now)
    nom, email, telephone = clean_contact(nom=nom, email=email, telephone=telephone, consentement=consentement)
    atelier = _lock_atelier(atelier_id)
    if atelier.annule_le:
        raise DomainError("Cet atelier a été annulé : il n’est plus possible de s’y inscrire.", code="annule")
    if atelier.debut <= now:
        raise DomainError("Cet atelier a déjà eu lieu : il n’est plus possible de s’y inscrire.", code="passe")
    active = atelier.reservations.filter(statut__in=[StatutReservation.CONFIRMEE, StatutReservation.ATTENTE])
    if (email and active.filter(email__iexact=email).exists()) or (
        telephone and active.filter(telephone=telephone).exists()
    ):
        raise DomainError("Vous êtes déjà inscrit·e à cet atelier avec ces coordonnées.", code="doublon")
    if _seats_taken(atelier) < atelier.capacite:
        statut = StatutReservation.CONFIRMEE
    elif atelier.liste_attente:
        statut = StatutReservation.ATTENTE
    else:
        raise DomainError("Cet atelier est complet.", code="complet")
    reservation = Reservation.objects.create(
        atelier=atelier, statut=statut, nom=nom, email=email, telephone=telephone, consentement_le=now
    )
    template = "reservation_confirmee" if statut == StatutReservation.CONFIRMEE else "reservation_attente"
    emails.reservation_email(
        reservation, template=template, base_url=base_url, with_ics=statut == StatutReservation.CONFIRMEE
    )
    return reservation


def _promote(atelier: Atelier, *, now: datetime, base_url: str | None) -> list[Reservation]:
    """Fill the free seats from the waiting list, first come first served; each promoted person gets an e-mail."""
    free = atelier.capacite - _seats_taken(atelier)
    if free <= 0:
        return []
    promoted = list(atelier.reservations.filter(statut=StatutReservation.ATTENTE).order_by("created_at", "pk")[:free])
    for reservation in promoted:
        reservation.statut = StatutReservation.CONFIRMEE
        reservation.promue_le = now
        reservation.save(update_fields=["statut", "promue_le"])
        emails.reservation_email(reservation, template="reservation_promue", base_url=base_url)
    return promoted


def reservation_from_token(token: str) -> Reservation:
    """The booking a cancel link names, or a French `DomainError` (forged, altered, expired, unknown)."""
    pk = tokens.read(token, tokens.RESERVATION)
    reservation = (
        Reservation.objects.select_related("atelier__lieu__commune", "atelier__conseiller").filter(pk=pk).first()
    )
    if reservation is None or reservation.purgee_le:
        raise DomainError("Cette inscription n’existe plus.", code="introuvable")
    return reservation


@transaction.atomic
def reservation_cancel(*, token: str, base_url: str | None = None, now: datetime | None = None) -> Reservation:
    """Cancel a booking through its signed link; a freed seat goes to the first person on the waiting list."""
    now = _now(now)
    reservation = reservation_from_token(token)
    atelier = _lock_atelier(reservation.atelier_id)  # the same lock as bookings: promotion never overbooks
    reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
    reservation.atelier = atelier
    if reservation.statut == StatutReservation.ANNULEE:
        raise DomainError("Cette inscription est déjà annulée.", code="deja_annulee")
    if atelier.debut <= now:
        raise DomainError("L’atelier a commencé : l’inscription ne peut plus être annulée.", code="passe")
    was_confirmed = reservation.statut == StatutReservation.CONFIRMEE
    reservation.statut = StatutReservation.ANNULEE
    reservation.annulee_le = now
    reservation.save(update_fields=["statut", "annulee_le"])
    if was_confirmed and not atelier.annule_le:
        _promote(atelier, now=now, base_url=base_url)
    return reservation


# --- Attendance → collective activity record -----------------------------------------------------------------


def _counts(values: dict | None, fields) -> dict[str, int]:
    counts = {}
    for name, label in fields:
        raw = (values or {}).get(name, 0) or 0
        if not isinstance(raw, int) or raw < 0:
            raise DomainError(f"« {label} » doit être un nombre positif ou nul.", field=name)
        counts[name] = raw
    return counts


@transaction.atomic
def presences_record(
    *,
    actor,
    atelier: Atelier,
    presents: set[int] | list[int],
    sans_inscription: int = 0,
    ages: dict | None = None,
    statuts: dict | None = None,
    now: datetime | None = None,
):
    """Record who came; the atelier becomes (or updates) its collective activity record, participants = attendees.

    Ages must add up to the attendees; situations left blank count as "non renseigné".
    """
    now = _now(now)
    atelier = _lock_atelier(atelier.pk)
    _owned(actor, atelier, "ateliers")
    if atelier.annule_le:
        raise DomainError("Cet atelier a été annulé : il n’y a pas de présences à saisir.")
    if atelier.debut > now:
        raise DomainError("Les présences se saisissent une fois l’atelier commencé.")
    booked = {r.pk: r for r in atelier.reservations.filter(statut=StatutReservation.CONFIRMEE)}
    presents = set(presents)
    strangers = presents - booked.keys()
    if strangers:
        raise DomainError("Une personne cochée n’est pas inscrite à cet atelier.", field="presents")
    if not isinstance(sans_inscription, int) or sans_inscription < 0:
        raise DomainError("Le nombre de personnes venues sans inscription doit être positif ou nul.")
    participants = len(presents) + sans_inscription
    if participants < 1:
        raise DomainError("Indiquez au moins une personne présente.", field="presents")
    if participants > CAPACITE_MAX:
        raise DomainError(f"Un atelier compte au plus {CAPACITE_MAX} participants.", field="sans_inscription")
    age_counts = _counts(ages, AGE_FIELDS)
    if sum(age_counts.values()) != participants:
        raise DomainError(
            f"La répartition par âge ({sum(age_counts.values())}) doit égaler le nombre de présents ({participants}).",
            field="ages",
        )
    statut_counts = _counts(statuts, STATUT_FIELDS)
    if sum(statut_counts.values()) == 0:
        statut_counts["statut_non_renseigne"] = participants
    elif sum(statut_counts.values()) != participants:
        raise DomainError(
            f"La répartition par situation ({sum(statut_counts.values())}) doit égaler le nombre de présents "
            f"({participants}).",
            field="statuts",
        )
    for pk, reservation in booked.items():
        reservation.present = pk in presents
    Reservation.objects.bulk_update(booked.values(), ["present"])
    atelier.presences_le = now
    atelier.save(update_fields=["presences_le", "updated_at"])
    return _accompagnement_for_atelier(
        actor=actor, atelier=atelier, participants=participants, counts={**age_counts, **statut_counts}
    )


def _accompagnement_for_atelier(*, actor, atelier: Atelier, participants: int, counts: dict[str, int]):
    """Create the atelier's collective record, or update it when attendance is corrected (never two records)."""
    from cnfs.activite import services as activite_services
    from cnfs.activite.models import Accompagnement
    from cnfs.activite.selectors import lieu_principal_id

    data = {
        "date": timezone.localdate(atelier.debut),
        "type": TypeAccompagnement.COLLECTIF,
        "canal": Canal.DISTANCE if atelier.a_distance else Canal.LIEU_ACTIVITE,
        # A workshop at a distance is counted where its advisor works (their principal place).
        "lieu_id": atelier.lieu_id or lieu_principal_id(actor),
        "duree_minutes": atelier.duree_minutes,
        "participants": participants,
        "participants_recurrents": 0,
        "themes": list(atelier.themes),
        "atelier_id": atelier.pk,
        **counts,
    }
    existing = Accompagnement.objects.actifs().filter(atelier_id=atelier.pk).first()
    if existing is not None:
        return activite_services.accompagnement_update(actor=actor, accompagnement=existing, data=data)
    return activite_services.accompagnement_create(actor=actor, data=data)
