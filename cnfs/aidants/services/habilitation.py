"""Habilitation: an organisation's public request, its review by the national team, aidants' training and
validation. Accepting a request creates the organisation, its responsable's account and its future aidants."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cnfs.aidants import permissions
from cnfs.aidants.enums import STATUTS_DEMANDE_A_INSTRUIRE, ActionJournal, StatutAidant, StatutDemandeHabilitation
from cnfs.aidants.models import Aidant, DemandeHabilitation, Organisation
from cnfs.aidants.services.confirmation import send_confirmation
from cnfs.aidants.services.journal import journal_append
from cnfs.core.enums import Role, ScopeType
from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.services import audit_log, role_assign
from cnfs.recrutement.validators import normalize_siret

COMMENTAIRE_MIN = 10
NOT_NATIONAL = "Seule l’équipe nationale instruit les demandes d’habilitation."


def _first_error(error: ValidationError) -> tuple[str | None, str]:
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        return (None if field == "__all__" else field), errors[0].messages[0]
    return None, error.messages[0]


@transaction.atomic
def demande_submit(*, data: dict, request=None) -> DemandeHabilitation:
    """Record a public habilitation request (validated in full: SIRET, démarches, both commitments). A request
    sent back for changes is replaced by the corrected one sent for the same SIRET."""
    demande = DemandeHabilitation(**data)
    demande.siret = normalize_siret(demande.siret)
    if not (demande.cgu_acceptees and demande.protection_donnees):
        raise DomainError(
            "Vous devez accepter les conditions générales d’utilisation et l’engagement de protection des données.",
            field="cgu_acceptees",
        )
    try:
        demande.full_clean(exclude=["instruite_par", "organisation"])
    except ValidationError as error:
        field, message = _first_error(error)
        raise DomainError(message, field=field) from None
    if Organisation.objects.filter(siret=demande.siret).exists():
        raise DomainError("Une organisation habilitée porte déjà ce numéro SIRET.", field="siret")
    pending = DemandeHabilitation.objects.select_for_update().filter(
        siret=demande.siret, statut__in=STATUTS_DEMANDE_A_INSTRUIRE
    )
    # An unconfirmed request (its e-mail link never followed) does not hold the SIRET: the new one replaces it.
    if any(p.statut == StatutDemandeHabilitation.SOUMISE and p.email_confirme_le is not None for p in pending):
        raise DomainError("Une demande est déjà en cours d’instruction pour ce numéro SIRET.", field="siret")
    demande.save()
    send_confirmation(demande)
    # The corrected request replaces the one sent back for changes.
    replaced = [p.pk for p in pending]
    DemandeHabilitation.objects.filter(pk__in=replaced).update(statut=StatutDemandeHabilitation.REMPLACEE)
    journal_append(action=ActionJournal.DEMANDE_SOUMISE, payload={"demande": demande.pk, "remplace": replaced})
    audit_log(actor=None, action="aidants.demande_submit", target=demande, request=request)
    return demande


def _reviewable(actor: User, demande: DemandeHabilitation) -> DemandeHabilitation:
    if not permissions.can_review_habilitations(actor):
        raise DomainError(NOT_NATIONAL)
    locked = DemandeHabilitation.objects.select_for_update().get(pk=demande.pk)
    if locked.email_confirme_le is None and locked.statut in STATUTS_DEMANDE_A_INSTRUIRE:
        raise DomainError("Le demandeur n’a pas encore confirmé son adresse électronique : attendez sa confirmation.")
    if locked.statut not in STATUTS_DEMANDE_A_INSTRUIRE:
        raise DomainError(f"Cette demande est déjà instruite (statut : {locked.get_statut_display().lower()}).")
    return locked


def _account(email: str, first_name: str, last_name: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)  # no password yet
    return user


@transaction.atomic
def demande_accept(*, actor: User, demande: DemandeHabilitation, request=None) -> Organisation:
    """Accept: the organisation (with the requested démarches), the responsable's account and role, and one
    aidant in training per future aidant listed. The responsable is told by e-mail after the commit."""
    demande = _reviewable(actor, demande)
    if Organisation.objects.filter(siret=demande.siret).exists():
        raise DomainError("Une organisation habilitée porte déjà ce numéro SIRET : refusez cette demande en double.")
    organisation = Organisation.objects.create(
        nom=demande.nom,
        siret=demande.siret,
        type=demande.type,
        departement=demande.departement,
        adresse=demande.adresse,
        demarches_autorisees=list(demande.demarches),
    )
    responsable = _account(demande.responsable_email, demande.responsable_prenom, demande.responsable_nom)
    role_assign(
        actor=actor,
        user=responsable,
        role=Role.RESPONSABLE,
        scope_type=ScopeType.ORGANISATION,
        object_id=str(organisation.pk),
        request=request,
    )
    for person in demande.aidants_prevus:
        user = _account(person["email"], person.get("prenom", ""), person.get("nom", ""))
        if not Aidant.objects.filter(user=user).exists():
            aidant = Aidant.objects.create(user=user, organisation=organisation)
            journal_append(
                action=ActionJournal.AIDANT_AJOUTE,
                actor=actor,
                organisation=organisation,
                payload={"aidant": aidant.pk},
            )
    demande.statut = StatutDemandeHabilitation.ACCEPTEE
    demande.instruite_par, demande.instruite_le = actor, timezone.now()
    demande.organisation = organisation
    demande.save(update_fields=["statut", "instruite_par", "instruite_le", "organisation", "updated_at"])
    journal_append(
        action=ActionJournal.DEMANDE_ACCEPTEE,
        actor=actor,
        organisation=organisation,
        payload={"demande": demande.pk, "demarches": organisation.demarches_autorisees},
    )
    audit_log(actor=actor, action="aidants.demande_accept", target=demande, request=request)
    email = responsable.email
    transaction.on_commit(
        lambda: send_mail(
            "Votre organisation est habilitée à Aidants Connect",
            f"Bonjour,\n\nLa demande d’habilitation de « {organisation.nom} » est acceptée. Vous en êtes le ou la "
            f"responsable. Choisissez votre mot de passe depuis la page « Mot de passe oublié » : "
            f"{reverse('core:password_reset')}\n\nL’équipe Aidants Connect",
            None,
            [email],
        )
    )
    return organisation


def _review_with_comment(*, actor, demande, commentaire, statut, action, request) -> DemandeHabilitation:
    commentaire = (commentaire or "").strip()
    if len(commentaire) < COMMENTAIRE_MIN:
        raise DomainError(
            f"Expliquez votre décision au demandeur ({COMMENTAIRE_MIN} caractères au moins).", field="commentaire"
        )
    demande = _reviewable(actor, demande)
    demande.statut = statut
    demande.commentaire_instruction = commentaire
    demande.instruite_par, demande.instruite_le = actor, timezone.now()
    demande.save(update_fields=["statut", "commentaire_instruction", "instruite_par", "instruite_le", "updated_at"])
    journal_append(action=action, actor=actor, payload={"demande": demande.pk})
    audit_log(actor=actor, action=f"aidants.{action}", target=demande, request=request)
    return demande


@transaction.atomic
def demande_refuse(*, actor: User, demande: DemandeHabilitation, commentaire: str, request=None):
    """Refuse a request, with the reason given to the requester."""
    return _review_with_comment(
        actor=actor,
        demande=demande,
        commentaire=commentaire,
        statut=StatutDemandeHabilitation.REFUSEE,
        action=ActionJournal.DEMANDE_REFUSEE,
        request=request,
    )


@transaction.atomic
def demande_ask_changes(*, actor: User, demande: DemandeHabilitation, commentaire: str, request=None):
    """Send a request back to its requester with the changes to make."""
    return _review_with_comment(
        actor=actor,
        demande=demande,
        commentaire=commentaire,
        statut=StatutDemandeHabilitation.MODIFICATIONS_DEMANDEES,
        action=ActionJournal.DEMANDE_MODIFICATIONS,
        request=request,
    )


@transaction.atomic
def aidant_record_training(
    *, actor: User, aidant: Aidant, formation_date: datetime.date, test_reussi: bool, request=None
) -> Aidant:
    """The responsable (or the national team) records the training date and the digital-skills test result."""
    if not permissions.can_manage_aidant(actor, aidant):
        raise DomainError("Cet aidant n’appartient pas à votre organisation.")
    aidant = Aidant.objects.select_for_update().get(pk=aidant.pk)
    if aidant.statut in (StatutAidant.HABILITE, StatutAidant.DESACTIVE):
        raise DomainError(f"Cet aidant est déjà {aidant.get_statut_display().lower()} : sa formation est close.")
    if formation_date > timezone.localdate():
        raise DomainError("La date de formation ne peut pas être dans le futur.", field="formation_date")
    aidant.formation_date, aidant.test_reussi = formation_date, test_reussi
    aidant.statut = StatutAidant.TEST_REUSSI if test_reussi else StatutAidant.EN_FORMATION
    aidant.save(update_fields=["formation_date", "test_reussi", "statut"])
    journal_append(
        action=ActionJournal.AIDANT_FORMATION,
        actor=actor,
        organisation=aidant.organisation_id,
        payload={"aidant": aidant.pk, "test_reussi": test_reussi, "formation": formation_date.isoformat()},
    )
    return aidant


@transaction.atomic
def aidant_validate(*, actor: User, aidant: Aidant, request=None) -> Aidant:
    """The national team habilitates a trained aidant: the `aidant` role on their organisation goes with it."""
    if not permissions.can_review_habilitations(actor):
        raise DomainError("Seule l’équipe nationale habilite les aidants.")
    aidant = Aidant.objects.select_for_update().select_related("user").get(pk=aidant.pk)
    if aidant.statut == StatutAidant.HABILITE:
        raise DomainError("Cet aidant est déjà habilité.")
    if not aidant.test_reussi or aidant.formation_date is None:
        raise DomainError("Cet aidant n’a pas encore réussi la formation et le test de compétences numériques.")
    aidant.statut = StatutAidant.HABILITE
    aidant.validated_by, aidant.validated_at = actor, timezone.now()
    aidant.save(update_fields=["statut", "validated_by", "validated_at"])
    role_assign(
        actor=actor,
        user=aidant.user,
        role=Role.AIDANT,
        scope_type=ScopeType.ORGANISATION,
        object_id=str(aidant.organisation_id),
        request=request,
    )
    aidant.user.__dict__.pop("_cnfs_aidant", None)
    journal_append(
        action=ActionJournal.AIDANT_VALIDE,
        actor=actor,
        organisation=aidant.organisation_id,
        payload={"aidant": aidant.pk},
    )
    return aidant
