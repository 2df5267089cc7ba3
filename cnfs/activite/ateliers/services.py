"""Every write of permanences, ateliers, bookings and appointments: one transaction each, e-mails after commit.

Capacity is never exceeded: a booking locks its atelier row (`select_for_update`) before counting the seats, so
concurrent bookings of one atelier queue up on PostgreSQL; an appointment locks its slot, and a partial unique
constraint keeps one confirmed appointment per slot whatever happens.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.activite.ateliers import emails, tokens
from cnfs.activite.ateliers.contact import clean_contact
from cnfs.activite.ateliers.enums import Niveau, StatutRendezVous, StatutReservation, TypeAcces
from cnfs.activite.enums import AGE_FIELDS, STATUT_FIELDS, Canal, Theme, TypeAccompagnement
from cnfs.activite.models import Atelier, Creneau, Permanence, RendezVous, Reservation
from cnfs.activite.models.atelier import CAPACITE_MAX
from cnfs.activite.selectors import lieux_of_conseiller
from cnfs.core.errors import DomainError
from cnfs.lieux import horaires

DEFAULT_PURGE_DAYS = 30
CRENEAU_DUREES = (15, 20, 30, 45, 60, 90, 120)


def purge_days() -> int:
    """Days after an atelier or appointment after which the names, e-mails and phones of bookings are erased."""
    return int(getattr(settings, "ATELIERS_PURGE_JOURS", DEFAULT_PURGE_DAYS))


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _owned(actor, obj, what: str) -> None:
    if obj.conseiller_id != actor.pk:
        raise DomainError(f"Vous ne pouvez modifier que vos propres {what}.", code="interdit")


def _check_lieu(actor, lieu) -> None:
    if not lieux_of_conseiller(actor).filter(pk=lieu.pk).exists():
        raise DomainError("Ce lieu ne fait pas partie de vos lieux d’activité.", field="lieu")


# --- Permanences ----------------------------------------------------------------------------------------------


@transaction.atomic
def permanence_create(
    *, actor, lieu, horaires_osm: str, acces: str, itinerante: bool = False, description: str = ""
) -> Permanence:
    """A conseiller declares recurring hours at one of their own places of activity."""
    _check_lieu(actor, lieu)
    if acces not in TypeAcces.values:
        raise DomainError(f"Type d’accès inconnu : « {acces} ».", field="acces")
    cleaned = horaires.validate(horaires_osm)
    if not cleaned:
        raise DomainError("Indiquez les horaires de la permanence.", field="horaires")
    return Permanence.objects.create(
        conseiller=actor,
        lieu=lieu,
        horaires=cleaned,
        acces=acces,
        itinerante=itinerante,
        description=description.strip(),
    )


@transaction.atomic
def permanence_delete(*, actor, permanence: Permanence, now: datetime | None = None) -> None:
    """Remove a permanence that has no upcoming confirmed appointment (people who booked would be left waiting)."""
    _owned(actor, permanence, "permanences")
    upcoming = RendezVous.objects.filter(
        creneau__permanence=permanence, creneau__debut__gt=_now(now), statut=StatutRendezVous.CONFIRME
    )
    if upcoming.exists():
        raise DomainError("Des rendez-vous à venir sont pris sur cette permanence : annulez-les d’abord.")
    permanence.delete()


# --- Ateliers -------------------------------------------------------------------------------------------------


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


# --- Public booking of an atelier ----------------------------------------------------------------------------


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


# --- Appointments ---------------------------------------------------------------------------------------------


def _inside_hours(permanence: Permanence, start: datetime, end: datetime) -> bool:
    # Opening-hours strings speak Paris wall-clock time; `is_open` converts aware datetimes.
    return horaires.is_open(permanence.horaires, start) and horaires.is_open(
        permanence.horaires, end - timedelta(minutes=1)
    )


@transaction.atomic
def creneaux_publish(
    *,
    actor,
    permanence: Permanence,
    jour: date,
    de: time,
    a: time,
    duree_minutes: int,
    now: datetime | None = None,
) -> list[Creneau]:
    """Cut `de`–`a` on `jour` into slots of `duree_minutes` inside the permanence's hours; existing ones are kept."""
    now = _now(now)
    _owned(actor, permanence, "permanences")
    if permanence.acces != TypeAcces.RENDEZ_VOUS:
        raise DomainError("Seule une permanence « sur rendez-vous » propose des créneaux.", field="permanence")
    if duree_minutes not in CRENEAU_DUREES:
        raise DomainError("Durée de créneau non prévue.", field="duree_minutes")
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(jour, de), tz)
    end = timezone.make_aware(datetime.combine(jour, a), tz)
    if end <= start:
        raise DomainError("L’heure de fin doit suivre l’heure de début.", field="a")
    if start <= now:
        raise DomainError("Les créneaux doivent être dans le futur.", field="jour")
    if jour > (now + timedelta(days=366)).date():
        raise DomainError("Les créneaux se publient au plus un an à l’avance.", field="jour")
    step = timedelta(minutes=duree_minutes)
    starts = []
    current = start
    while current + step <= end:
        if not _inside_hours(permanence, current, current + step):
            local = timezone.localtime(current, tz)
            hours = ", ".join(permanence.horaires_fr)
            raise DomainError(f"Le créneau de {local:%H:%M} sort des horaires de la permanence ({hours}).", field="de")
        starts.append(current)
        current += step
    if not starts:
        raise DomainError("La plage est plus courte qu’un créneau.", field="a")
    existing = set(Creneau.objects.filter(permanence=permanence, debut__in=starts).values_list("debut", flat=True))
    new = [Creneau(permanence=permanence, debut=s, duree_minutes=duree_minutes) for s in starts if s not in existing]
    return Creneau.objects.bulk_create(new)


@transaction.atomic
def creneau_delete(*, actor, creneau: Creneau) -> None:
    creneau = Creneau.objects.select_for_update(of=("self",)).select_related("permanence").get(pk=creneau.pk)
    _owned(actor, creneau.permanence, "permanences")
    if creneau.rendezvous.filter(statut=StatutRendezVous.CONFIRME).exists():
        raise DomainError("Ce créneau est réservé : annulez d’abord le rendez-vous.")
    creneau.delete()


def _lock_creneau(pk: int) -> Creneau:
    try:
        return Creneau.objects.select_for_update(of=("self",)).select_related("permanence__lieu__commune").get(pk=pk)
    except Creneau.DoesNotExist:
        raise DomainError("Ce créneau n’existe pas ou plus.", code="introuvable") from None


@transaction.atomic
def rendezvous_book(
    *,
    creneau_id: int,
    nom: str,
    email: str = "",
    telephone: str = "",
    consentement: bool,
    motif: str = "",
    base_url: str | None = None,
    now: datetime | None = None,
) -> RendezVous:
    """Book a free slot without an account. A slot holds one confirmed appointment, never two."""
    now = _now(now)
    nom, email, telephone = clean_contact(nom=nom, email=email, telephone=telephone, consentement=consentement)
    creneau = _lock_creneau(creneau_id)
    if creneau.debut <= now:
        raise DomainError("Ce créneau est passé : choisissez-en un autre.", code="passe")
    if creneau.permanence.acces != TypeAcces.RENDEZ_VOUS:
        raise DomainError("Cette permanence ne prend plus de rendez-vous.", code="ferme")
    if creneau.rendezvous.filter(statut=StatutRendezVous.CONFIRME).exists():
        raise DomainError("Ce créneau vient d’être réservé : choisissez-en un autre.", code="complet")
    try:
        with transaction.atomic():
            rendezvous = RendezVous.objects.create(
                creneau=creneau,
                nom=nom,
                email=email,
                telephone=telephone,
                motif=(motif or "").strip()[:280],
                consentement_le=now,
            )
    except IntegrityError:  # the partial unique constraint, should a writer ever bypass the lock
        raise DomainError("Ce créneau vient d’être réservé : choisissez-en un autre.", code="complet") from None
    emails.rendezvous_email(rendezvous, template="rendezvous_confirme", base_url=base_url)
    return rendezvous


@transaction.atomic
def rendezvous_compte_rendu(
    *,
    actor,
    rendezvous: RendezVous,
    themes: list[str],
    age: str,
    statut: str = "statut_non_renseigne",
    duree_minutes: int | None = None,
    autonomie: str = "",
    orientation: str = "",
    materiel: str = "",
    demarche_type: str = "",
    notes: str = "",
    now: datetime | None = None,
):
    """After the meeting, the advisor completes the individual record pre-filled from the appointment (date, place,
    duration, one participant). One record per appointment: a second one is refused."""
    from cnfs.activite import services as activite_services

    now = _now(now)
    rendezvous = (
        RendezVous.objects.select_for_update(of=("self",)).select_related("creneau__permanence").get(pk=rendezvous.pk)
    )
    creneau = rendezvous.creneau
    _owned(actor, creneau.permanence, "permanences")
    if rendezvous.statut != StatutRendezVous.CONFIRME:
        raise DomainError("Ce rendez-vous a été annulé : il n’y a pas de compte rendu à remplir.")
    if creneau.debut > now:
        raise DomainError("Le compte rendu se remplit après le rendez-vous.")
    if rendezvous.accompagnement_id:
        raise DomainError("Le compte rendu de ce rendez-vous est déjà enregistré.", code="deja_fait")
    if age not in dict(AGE_FIELDS):
        raise DomainError("Choisissez la tranche d’âge de la personne.", field="age")
    if statut not in dict(STATUT_FIELDS):
        raise DomainError("Choisissez la situation de la personne.", field="statut")
    data = {
        "date": timezone.localdate(creneau.debut),
        "type": TypeAccompagnement.INDIVIDUEL,
        "canal": Canal.LIEU_ACTIVITE,
        "lieu_id": creneau.permanence.lieu_id,
        "duree_minutes": duree_minutes or creneau.duree_minutes,
        "participants": 1,
        "participants_recurrents": 0,
        age: 1,
        statut: 1,
        "themes": list(themes or ()),
        "autonomie": autonomie,
        "orientation": orientation,
        "materiel": materiel,
        "demarche_type": demarche_type,
        "notes": notes,
    }
    accompagnement = activite_services.accompagnement_create(actor=actor, data=data)
    rendezvous.accompagnement = accompagnement
    rendezvous.save(update_fields=["accompagnement"])
    return accompagnement


def rendezvous_from_token(token: str) -> RendezVous:
    pk = tokens.read(token, tokens.RENDEZ_VOUS)
    rendezvous = RendezVous.objects.select_related("creneau__permanence__lieu__commune").filter(pk=pk).first()
    if rendezvous is None or rendezvous.purgee_le:
        raise DomainError("Ce rendez-vous n’existe plus.", code="introuvable")
    return rendezvous


@transaction.atomic
def rendezvous_cancel(*, token: str, now: datetime | None = None) -> RendezVous:
    """Cancel an appointment through its signed link; the slot becomes free again."""
    now = _now(now)
    rendezvous = rendezvous_from_token(token)
    _lock_creneau(rendezvous.creneau_id)
    rendezvous = (
        RendezVous.objects.select_for_update(of=("self",))
        .select_related("creneau__permanence__lieu")
        .get(pk=rendezvous.pk)
    )
    if rendezvous.statut == StatutRendezVous.ANNULE:
        raise DomainError("Ce rendez-vous est déjà annulé.", code="deja_annule")
    if rendezvous.creneau.debut <= now:
        raise DomainError("Le rendez-vous est passé : il ne peut plus être annulé.", code="passe")
    rendezvous.statut = StatutRendezVous.ANNULE
    rendezvous.annule_le = now
    rendezvous.save(update_fields=["statut", "annule_le"])
    return rendezvous


# --- Reminders and purge (run by `cnfs ateliers rappels` / `cnfs ateliers purge-reservations`) ---------------


def rappels_send(*, now: datetime | None = None, horizon_hours: int = 24) -> int:
    """E-mail a reminder to everyone with a confirmed booking or appointment starting within the next 24 h.

    Each reminder is claimed by a conditional update before it is queued, so two runs never send it twice.
    """
    now = _now(now)
    limit = now + timedelta(hours=horizon_hours)
    sent = 0
    reservations = Reservation.objects.filter(
        statut=StatutReservation.CONFIRMEE,
        rappel_envoye_le__isnull=True,
        purgee_le__isnull=True,
        atelier__annule_le__isnull=True,
        atelier__debut__gt=now,
        atelier__debut__lte=limit,
    ).exclude(email="")
    for reservation in reservations.select_related("atelier__lieu__commune"):
        with transaction.atomic():
            if Reservation.objects.filter(pk=reservation.pk, rappel_envoye_le__isnull=True).update(
                rappel_envoye_le=now
            ):
                emails.reservation_email(reservation, template="rappel_atelier", with_ics=False)
                sent += 1
    rendezvous = RendezVous.objects.filter(
        statut=StatutRendezVous.CONFIRME,
        rappel_envoye_le__isnull=True,
        purgee_le__isnull=True,
        creneau__debut__gt=now,
        creneau__debut__lte=limit,
    ).exclude(email="")
    for rdv in rendezvous.select_related("creneau__permanence__lieu__commune"):
        with transaction.atomic():
            if RendezVous.objects.filter(pk=rdv.pk, rappel_envoye_le__isnull=True).update(rappel_envoye_le=now):
                emails.rendezvous_email(rdv, template="rappel_rendezvous", with_ics=False)
                sent += 1
    return sent


@transaction.atomic
def reservations_purge(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Erase names, e-mails and phones of bookings and appointments whose event ended more than `days` ago.

    The rows stay (counts, attendance) without any personal data. Exposed for `cnfs activite retention`.
    """
    now = _now(now)
    days = purge_days() if days is None else days
    if days < 0:
        raise DomainError("Le nombre de jours doit être positif ou nul.")
    # An atelier lasts at most 8 hours: compare its start, padded by that, with the cut-off (portable SQL).
    cutoff = now - timedelta(days=days)
    erased = {"nom": "", "email": "", "telephone": "", "purgee_le": now}
    reservations = Reservation.objects.filter(
        purgee_le__isnull=True, atelier__debut__lt=cutoff - timedelta(hours=8)
    ).update(**erased)
    rendezvous = RendezVous.objects.filter(
        purgee_le__isnull=True, creneau__debut__lt=cutoff - timedelta(hours=8)
    ).update(**erased, motif="")
    return {"reservations": reservations, "rendezvous": rendezvous}
