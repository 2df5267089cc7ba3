"""Qualification of places: a place applies with its SIRET, services and bank details; a reviewer decides."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.lieux.models import Lieu
from cnfs.lieux.services import lieu_pass_numerique_set
from cnfs.passnum import permissions
from cnfs.passnum.enums import ServicePass, StatutQualification
from cnfs.passnum.models import LieuQualifie
from cnfs.passnum.services._common import forbid, refuse, snapshot
from cnfs.passnum.validators import bic_error, iban_error, normalize_bic, normalize_iban
from cnfs.recrutement.validators import normalize_siret, siret_error

FIELDS = ("siret", "services", "iban", "bic", "titulaire_compte", "statut", "motif")

# What each decision does: the status it sets, the statuses it may start from, whether the place shows the label.
DECISIONS = {
    "qualifier": (StatutQualification.QUALIFIEE, {StatutQualification.DEMANDEE, StatutQualification.SUSPENDUE}, True),
    "refuser": (StatutQualification.REFUSEE, {StatutQualification.DEMANDEE}, False),
    "suspendre": (StatutQualification.SUSPENDUE, {StatutQualification.QUALIFIEE}, False),
}


@transaction.atomic
def qualification_demander(
    *,
    actor: User,
    lieu: Lieu,
    siret: str,
    services: list[str],
    iban: str,
    bic: str,
    titulaire_compte: str,
    request=None,
) -> LieuQualifie:
    """A place applies (or applies again after a refusal, or corrects its bank details while pending)."""
    if not permissions.can_act_for_lieu(actor, lieu.pk):
        forbid("Vous ne pouvez demander la qualification que pour votre propre lieu.")
    for field, error in (("siret", siret_error(siret)), ("iban", iban_error(iban)), ("bic", bic_error(bic))):
        if error:
            refuse(error, field=field)
    if not services:
        refuse("Choisissez au moins un service proposé en échange des chèques.", field="services")
    unknown = [s for s in services if s not in ServicePass.values]
    if unknown:
        refuse(f"Service inconnu : {', '.join(unknown)}.", field="services")
    titulaire_compte = (titulaire_compte or "").strip()
    if not titulaire_compte:
        refuse("Indiquez le titulaire du compte bancaire.", field="titulaire_compte")
    siret = normalize_siret(siret)
    if LieuQualifie.objects.filter(siret=siret).exclude(lieu=lieu).exists():
        refuse("Ce SIRET est déjà celui d’un autre lieu pass numérique.", field="siret")

    qualification = LieuQualifie.objects.select_for_update().filter(lieu=lieu).first()
    before = snapshot(qualification, *FIELDS) if qualification else None
    if qualification is None:
        qualification = LieuQualifie(lieu=lieu)
    elif qualification.statut in (StatutQualification.QUALIFIEE, StatutQualification.SUSPENDUE):
        refuse("Ce lieu a déjà été qualifié : pour changer ses coordonnées bancaires, écrivez à l’équipe nationale.")
    qualification.siret = siret
    qualification.services = list(dict.fromkeys(services))
    qualification.iban = normalize_iban(iban)
    qualification.bic = normalize_bic(bic)
    qualification.titulaire_compte = titulaire_compte
    qualification.statut = StatutQualification.DEMANDEE
    qualification.motif = ""
    qualification.demandee_par = actor
    qualification.reviewed_by = None
    qualification.reviewed_at = None
    try:
        with transaction.atomic():
            qualification.save()
    except IntegrityError:
        refuse("Ce SIRET est déjà celui d’un autre lieu pass numérique.", field="siret")
    audit_log(
        actor=actor,
        action="passnum.qualification.demande",
        target=qualification,
        before=before,
        after=snapshot(qualification, *FIELDS),
        request=request,
    )
    return qualification


@transaction.atomic
def qualification_decider(
    *, actor: User, qualification: LieuQualifie, decision: str, motif: str = "", request=None
) -> LieuQualifie:
    """Qualify, refuse or suspend a place. A refusal or a suspension says why; the places app label follows."""
    if decision not in DECISIONS:
        refuse("Décision inconnue.", field="decision")
    qualification = (
        LieuQualifie.objects.select_for_update()
        .select_related("lieu__commune__departement", "lieu__commune__region")
        .get(pk=qualification.pk)
    )
    if not permissions.can_review_qualification(actor, qualification):
        forbid("Vous ne pouvez pas instruire la qualification de ce lieu.")
    statut, allowed_from, label = DECISIONS[decision]
    if qualification.statut not in allowed_from:
        refuse(f"Cette demande est « {qualification.get_statut_display()} » : impossible de la {decision}.")
    motif = (motif or "").strip()
    if decision != "qualifier" and not motif:
        refuse("Indiquez le motif de la décision : il est communiqué au lieu.", field="motif")
    before = snapshot(qualification, *FIELDS)
    qualification.statut = statut
    qualification.motif = motif
    qualification.reviewed_by = actor
    qualification.reviewed_at = timezone.now()
    qualification.save(update_fields=["statut", "motif", "reviewed_by", "reviewed_at"])
    lieu_pass_numerique_set(actor=actor, lieu=qualification.lieu, accepte=label, request=request)
    audit_log(
        actor=actor,
        action=f"passnum.qualification.{decision}",
        target=qualification,
        before=before,
        after=snapshot(qualification, *FIELDS),
        request=request,
    )
    return qualification
