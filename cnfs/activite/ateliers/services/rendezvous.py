"""Appointment slots inside a permanence and the appointments the public books on them.

A slot holds one confirmed appointment: booking locks the slot row, and a partial unique constraint backs it up.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.activite.ateliers import emails, tokens
from cnfs.activite.ateliers.contact import clean_contact
from cnfs.activite.ateliers.enums import StatutRendezVous, TypeAcces
from cnfs.activite.ateliers.services._common import CRENEAU_DUREES, _now, _owned
from cnfs.activite.enums import AGE_FIELDS, STATUT_FIELDS, Canal, TypeAccompagnement
from cnfs.activite.models import Creneau, Permanence, RendezVous
from cnfs.core.errors import DomainError
from cnfs.lieux import horaires


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
