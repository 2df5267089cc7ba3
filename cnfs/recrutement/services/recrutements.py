"""Matches between candidates and structures, recruitments, contracts and departures.

The quota rule — a structure never holds more recruitments than the posts granted to it — is kept by taking a row
lock on the structure (`lock_structure`) before counting, in every service that occupies or frees a post; the
database's check `postes_occupes <= postes_accordes` is the last guard.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.recrutement import geo, notifications, permissions
from cnfs.recrutement.enums import (
    ETAPES_DISPONIBLES,
    STATUTS_POSTE_OCCUPE,
    TRANSITIONS_MISE_EN_RELATION,
    EtapeConseiller,
    MotifRupture,
    StatutContrat,
    StatutJustificatif,
    StatutMiseEnRelation,
    StatutRupture,
    TypeContrat,
)
from cnfs.recrutement.models import Candidature, Contrat, MiseEnRelation, Rupture, Structure
from cnfs.recrutement.services._common import forbid, refuse, snapshot, today_or
from cnfs.recrutement.services.messages import preselection_notice
from cnfs.recrutement.services.structures import lock_structure

MER_FIELDS = ("statut", "date_recrutement")
S = StatutMiseEnRelation


def distance_km(structure: Structure, candidature: Candidature) -> float | None:
    """Straight-line distance between a structure and a candidate's commune; None across the sea."""
    point = structure.point
    commune = candidature.commune
    if point is None or commune.latitude is None or commune.longitude is None:
        return None
    if geo.territory_group(structure.commune.departement.code) != geo.territory_group(commune.departement.code):
        return None
    return float(geo.haversine_km(point[0], point[1], commune.latitude, commune.longitude))


def _transition(mer: MiseEnRelation, target: str) -> None:
    if target not in TRANSITIONS_MISE_EN_RELATION[mer.statut]:
        refuse(
            f"Une mise en relation « {mer.get_statut_display().lower()} » ne peut pas passer à "
            f"« {S(target).label.lower()} »."
        )
    mer.statut = target


def _lock_mer(mer: MiseEnRelation) -> MiseEnRelation:
    return (
        MiseEnRelation.objects.select_for_update(of=("self",))
        .select_related("structure", "candidature", "candidature__commune__departement")
        .get(pk=mer.pk)
    )


def _audit(actor, action, mer, before, request, **extra):
    audit_log(
        actor=actor,
        action=f"recrutement.{action}",
        target=mer,
        before=before,
        after={**snapshot(mer, *MER_FIELDS), **extra},
        request=request,
    )


@transaction.atomic
def mise_en_relation_preselect(
    *, actor: User, structure: Structure, candidature: Candidature, request=None
) -> MiseEnRelation:
    """The structure picks a candidate for an interview (creating the match if needed).

    Only candidates who are available and within their own travel radius of the structure can be picked.
    """
    if not permissions.can_manage_structure(actor, structure):
        forbid("Vous ne pouvez pas pré-sélectionner de candidats pour cette structure.")
    candidature = Candidature.objects.select_related("commune__departement").get(pk=candidature.pk)
    structure = Structure.objects.select_related("commune__departement").get(pk=structure.pk)
    if candidature.etape not in ETAPES_DISPONIBLES:
        refuse("Ce candidat n’est plus disponible : il est déjà recruté.")
    distance = distance_km(structure, candidature)
    if distance is None or distance > candidature.distance_max:
        refuse("Ce candidat ne souhaite pas travailler aussi loin de chez lui.")
    mer, created = MiseEnRelation.objects.get_or_create(
        structure=structure, candidature=candidature, defaults={"distance_km": round(distance, 1)}
    )
    mer = _lock_mer(mer)
    before = None if created else snapshot(mer, *MER_FIELDS)
    _transition(mer, S.PRESELECTIONNEE)
    mer.save(update_fields=["statut", "updated_at"])
    preselection_notice(mer)
    _audit(actor, "mise_en_relation_preselect", mer, before, request)
    return mer


@transaction.atomic
def mise_en_relation_reject(*, actor: User, mer: MiseEnRelation, request=None) -> MiseEnRelation:
    """The structure does not keep a candidate (they stay proposable to other structures)."""
    if not permissions.can_manage_structure(actor, mer.structure):
        forbid("Vous ne pouvez pas modifier cette mise en relation.")
    mer = _lock_mer(mer)
    before = snapshot(mer, *MER_FIELDS)
    _transition(mer, S.NON_RETENUE)
    mer.save(update_fields=["statut", "updated_at"])
    _audit(actor, "mise_en_relation_reject", mer, before, request)
    return mer


def _check_contract(*, type_contrat: str, date_debut, date_fin, heures_hebdomadaires, salaire_brut_mensuel):
    if type_contrat not in TypeContrat.values:
        refuse("Choisissez un type de contrat dans la liste.", field="type_contrat")
    if type_contrat == TypeContrat.CDI and date_fin is not None:
        refuse("Un CDI n’a pas de date de fin.", field="date_fin")
    if type_contrat != TypeContrat.CDI:
        if date_fin is None:
            refuse("Indiquez la date de fin du contrat.", field="date_fin")
        if date_fin <= date_debut:
            refuse("La date de fin du contrat doit suivre sa date de début.", field="date_fin")
    if heures_hebdomadaires is None or not Decimal(0) < Decimal(heures_hebdomadaires) <= Decimal(48):
        refuse("La durée hebdomadaire est comprise entre 0 et 48 heures.", field="heures_hebdomadaires")
    if salaire_brut_mensuel is not None and Decimal(salaire_brut_mensuel) < 0:
        refuse("Le salaire ne peut pas être négatif.", field="salaire_brut_mensuel")


@transaction.atomic
def recrutement_record(
    *,
    actor: User,
    mer: MiseEnRelation,
    date_recrutement: datetime.date,
    type_contrat: str,
    date_fin: datetime.date | None = None,
    heures_hebdomadaires: Decimal | int = 35,
    salaire_brut_mensuel: Decimal | None = None,
    today: datetime.date | None = None,
    request=None,
) -> MiseEnRelation:
    """The structure recruits a pre-selected candidate, with the contract it offers.

    Never beyond the granted quota: the structure's row is locked before counting, so concurrent recruitments
    of the same structure queue up and the last ones are refused.
    """
    if not permissions.can_manage_structure(actor, mer.structure):
        forbid("Vous ne pouvez pas recruter pour cette structure.")
    if date_recrutement is None or date_recrutement < today_or(today):
        refuse("La date de prise de poste ne peut pas être dans le passé.", field="date_recrutement")
    _check_contract(
        type_contrat=type_contrat,
        date_debut=date_recrutement,
        date_fin=date_fin,
        heures_hebdomadaires=heures_hebdomadaires,
        salaire_brut_mensuel=salaire_brut_mensuel,
    )
    structure = lock_structure(mer.structure)
    mer = _lock_mer(mer)
    before = snapshot(mer, *MER_FIELDS)
    _transition(mer, S.RECRUTEE)
    occupied = MiseEnRelation.objects.filter(structure=structure, statut__in=STATUTS_POSTE_OCCUPE).count()
    if occupied >= structure.postes_accordes:
        refuse(
            f"Quota atteint : la structure a {structure.postes_accordes} poste(s) accordé(s), "
            f"tous pourvus. Demandez un avenant pour recruter davantage."
        )
    if MiseEnRelation.objects.filter(candidature=mer.candidature, statut__in=STATUTS_POSTE_OCCUPE).exists():
        refuse("Ce candidat vient d’être recruté par une autre structure.")
    mer.date_recrutement = date_recrutement
    mer.recrutee_le = timezone.now()
    try:
        with transaction.atomic():
            mer.save(update_fields=["statut", "date_recrutement", "recrutee_le", "updated_at"])
    except IntegrityError:
        refuse("Ce candidat vient d’être recruté par une autre structure.")
    structure.postes_occupes = occupied + 1
    structure.save(update_fields=["postes_occupes", "updated_at"])
    Contrat.objects.create(
        mise_en_relation=mer,
        type=type_contrat,
        date_debut=date_recrutement,
        date_fin=date_fin,
        heures_hebdomadaires=heures_hebdomadaires,
        salaire_brut_mensuel=salaire_brut_mensuel,
    )
    Candidature.objects.filter(pk=mer.candidature_id).update(etape=EtapeConseiller.RECRUTE)
    _audit(actor, "recrutement_record", mer, before, request, type_contrat=type_contrat, postes_occupes=occupied + 1)
    return mer


@transaction.atomic
def recrutement_validate(*, actor: User, mer: MiseEnRelation, request=None) -> MiseEnRelation:
    """The national team validates a recruitment recorded by a structure."""
    if not permissions.can_run_comite(actor):
        forbid("Seule l’équipe nationale valide les recrutements.")
    mer = _lock_mer(mer)
    before = snapshot(mer, *MER_FIELDS)
    _transition(mer, S.FINALISEE)
    mer.finalisee_le = timezone.now()
    mer.save(update_fields=["statut", "finalisee_le", "updated_at"])
    _audit(actor, "recrutement_validate", mer, before, request)
    notifications.queue_email(
        recipients=notifications.structure_emails(mer.structure) + [mer.candidature.email],
        template="recrutement_valide",
        context={"mise_en_relation": mer, "structure": mer.structure, "candidature": mer.candidature},
    )
    return mer


@transaction.atomic
def recrutement_cancel(*, actor: User, mer: MiseEnRelation, request=None) -> MiseEnRelation:
    """Cancel a recruitment not yet validated: the match returns to pre-selected and the post is free again."""
    if not permissions.can_manage_structure(actor, mer.structure):
        forbid("Vous ne pouvez pas annuler ce recrutement.")
    structure = lock_structure(mer.structure)
    mer = _lock_mer(mer)
    if mer.statut != S.RECRUTEE:
        refuse("Seul un recrutement pas encore validé peut être annulé ; sinon, déclarez une rupture.")
    before = snapshot(mer, *MER_FIELDS)
    _transition(mer, S.PRESELECTIONNEE)
    mer.date_recrutement = None
    mer.recrutee_le = None
    mer.save(update_fields=["statut", "date_recrutement", "recrutee_le", "updated_at"])
    mer.contrats.all().delete()
    structure.postes_occupes = MiseEnRelation.objects.filter(
        structure=structure, statut__in=STATUTS_POSTE_OCCUPE
    ).count()
    structure.save(update_fields=["postes_occupes", "updated_at"])
    had_left = Rupture.objects.filter(
        mise_en_relation__candidature=mer.candidature_id, statut=StatutRupture.VALIDEE
    ).exists()
    Candidature.objects.filter(pk=mer.candidature_id).update(
        etape=EtapeConseiller.PARTI if had_left else EtapeConseiller.CANDIDAT
    )
    _audit(actor, "recrutement_cancel", mer, before, request)
    return mer


def current_contract(mer: MiseEnRelation) -> Contrat | None:
    """The validated contract in force last (renewals included)."""
    return mer.contrats.filter(statut=StatutContrat.VALIDE).order_by("-date_debut", "-id").first()


@transaction.atomic
def contrat_renewal_request(
    *,
    actor: User,
    contrat: Contrat,
    type_contrat: str,
    date_fin: datetime.date | None,
    heures_hebdomadaires: Decimal | int,
    salaire_brut_mensuel: Decimal | None = None,
    request=None,
) -> Contrat:
    """The structure asks to renew a fixed-term contract; the new one starts the day after the old one ends."""
    mer = contrat.mise_en_relation
    if not permissions.can_manage_structure(actor, mer.structure):
        forbid("Vous ne pouvez pas renouveler ce contrat.")
    mer = _lock_mer(mer)
    contrat = Contrat.objects.select_for_update().get(pk=contrat.pk)
    if mer.statut != S.FINALISEE:
        refuse("Seul le contrat d’un recrutement validé et en cours peut être renouvelé.")
    if contrat.statut != StatutContrat.VALIDE or contrat.date_fin is None:
        refuse("Seul un contrat à durée déterminée validé peut être renouvelé.")
    if Contrat.objects.filter(renouvellement_de=contrat).exists():
        refuse("Un renouvellement de ce contrat est déjà en cours.")
    date_debut = contrat.date_fin + datetime.timedelta(days=1)
    _check_contract(
        type_contrat=type_contrat,
        date_debut=date_debut,
        date_fin=date_fin,
        heures_hebdomadaires=heures_hebdomadaires,
        salaire_brut_mensuel=salaire_brut_mensuel,
    )
    renewal = Contrat.objects.create(
        mise_en_relation=mer,
        type=type_contrat,
        date_debut=date_debut,
        date_fin=date_fin,
        heures_hebdomadaires=heures_hebdomadaires,
        salaire_brut_mensuel=salaire_brut_mensuel,
        statut=StatutContrat.INITIE,
        renouvellement_de=contrat,
    )
    audit_log(
        actor=actor,
        action="recrutement.contrat_renewal_request",
        target=renewal,
        after=snapshot(renewal, "type", "date_debut", "date_fin", "statut", "renouvellement_de"),
        request=request,
    )
    return renewal


@transaction.atomic
def contrat_renewal_validate(*, actor: User, contrat: Contrat, request=None) -> Contrat:
    """The national team validates a renewal request."""
    if not permissions.can_run_comite(actor):
        forbid("Seule l’équipe nationale valide les renouvellements de contrat.")
    contrat = Contrat.objects.select_for_update().get(pk=contrat.pk)
    if contrat.statut != StatutContrat.INITIE:
        refuse("Ce renouvellement a déjà été validé.")
    contrat.statut = StatutContrat.VALIDE
    contrat.save(update_fields=["statut"])
    audit_log(
        actor=actor,
        action="recrutement.contrat_renewal_validate",
        target=contrat,
        before={"statut": StatutContrat.INITIE},
        after={"statut": contrat.statut},
        request=request,
    )
    return contrat


@transaction.atomic
def rupture_declare(
    *,
    actor: User,
    mer: MiseEnRelation,
    date_rupture: datetime.date,
    motif: str,
    justificatif: str = StatutJustificatif.MANQUANT,
    request=None,
) -> Rupture:
    """The structure declares the early end of a validated recruitment; the date falls within the contract."""
    if not permissions.can_manage_structure(actor, mer.structure):
        forbid("Vous ne pouvez pas déclarer de rupture pour ce recrutement.")
    if motif not in MotifRupture.values:
        refuse("Choisissez un motif de rupture dans la liste.", field="motif")
    if justificatif not in StatutJustificatif.values:
        refuse("Choisissez l’état de la pièce justificative.", field="justificatif")
    mer = _lock_mer(mer)
    before = snapshot(mer, *MER_FIELDS)
    _transition(mer, S.RUPTURE_SIGNALEE)
    contrat = current_contract(mer)
    if date_rupture is None:
        refuse("Indiquez la date de la rupture.", field="date_rupture")
    if contrat is not None:
        if date_rupture < contrat.date_debut:
            refuse(
                f"La date de rupture précède le début du contrat ({contrat.date_debut:%d/%m/%Y}).",
                field="date_rupture",
            )
        if contrat.date_fin is not None and date_rupture >= contrat.date_fin:
            refuse(
                f"La date de rupture doit précéder la fin du contrat ({contrat.date_fin:%d/%m/%Y}) ; "
                "à son terme, un contrat s’arrête sans rupture.",
                field="date_rupture",
            )
    mer.save(update_fields=["statut", "updated_at"])
    rupture = Rupture.objects.create(
        mise_en_relation=mer, date_rupture=date_rupture, motif=motif, justificatif=justificatif, declared_by=actor
    )
    _audit(actor, "rupture_declare", mer, before, request, motif=motif, date_rupture=date_rupture.isoformat())
    return rupture


@transaction.atomic
def rupture_validate(*, actor: User, rupture: Rupture, request=None) -> Rupture:
    """The national team validates a departure: the post is free again and the advisor available elsewhere."""
    if not permissions.can_run_comite(actor):
        forbid("Seule l’équipe nationale valide les ruptures de contrat.")
    structure = lock_structure(rupture.mise_en_relation.structure)
    rupture = Rupture.objects.select_for_update().get(pk=rupture.pk)
    if rupture.statut != StatutRupture.SIGNALEE:
        refuse("Cette rupture a déjà été validée.")
    mer = _lock_mer(rupture.mise_en_relation)
    before = snapshot(mer, *MER_FIELDS)
    _transition(mer, S.RUPTURE_VALIDEE)
    mer.save(update_fields=["statut", "updated_at"])
    rupture.statut = StatutRupture.VALIDEE
    rupture.validated_by = actor
    rupture.validated_at = timezone.now()
    rupture.save(update_fields=["statut", "validated_by", "validated_at"])
    structure.postes_occupes = MiseEnRelation.objects.filter(
        structure=structure, statut__in=STATUTS_POSTE_OCCUPE
    ).count()
    structure.save(update_fields=["postes_occupes", "updated_at"])
    Candidature.objects.filter(pk=mer.candidature_id).update(etape=EtapeConseiller.PARTI)
    _audit(actor, "rupture_validate", mer, before, request, postes_occupes=structure.postes_occupes)
    notifications.queue_email(
        recipients=notifications.structure_emails(structure),
        template="rupture_validee",
        context={"rupture": rupture, "structure": structure, "candidature": mer.candidature},
    )
    return rupture


# Who may set which supporting-document status: structures say they sent it, the national team checks it.
JUSTIFICATIFS_STRUCTURE = frozenset({StatutJustificatif.MANQUANT, StatutJustificatif.RECU})


@transaction.atomic
def rupture_justificatif_set(*, actor: User, rupture: Rupture, justificatif: str, request=None) -> Rupture:
    """Update the supporting document of a departure: the structure marks it missing or sent while the departure
    waits for validation; the national team may also mark it checked, before or after validating."""
    if justificatif not in StatutJustificatif.values:
        refuse("Choisissez l’état de la pièce justificative.", field="justificatif")
    rupture = Rupture.objects.select_for_update().select_related("mise_en_relation__structure").get(pk=rupture.pk)
    national = permissions.can_run_comite(actor)
    if not national:
        if not permissions.can_manage_structure(actor, rupture.mise_en_relation.structure):
            forbid("Vous ne pouvez pas modifier cette rupture.")
        if justificatif not in JUSTIFICATIFS_STRUCTURE:
            refuse("Seule l’équipe nationale indique qu’une pièce justificative est vérifiée.", field="justificatif")
        if rupture.statut != StatutRupture.SIGNALEE:
            refuse("Cette rupture est déjà validée : sa pièce justificative ne change plus.")
    before = {"justificatif": rupture.justificatif}
    rupture.justificatif = justificatif
    rupture.save(update_fields=["justificatif"])
    audit_log(
        actor=actor,
        action="recrutement.rupture_justificatif_set",
        target=rupture,
        before=before,
        after={"justificatif": justificatif},
        request=request,
    )
    return rupture
