"""Host organisations, their requests for posts, amendments, prefecture opinions and committee decisions."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import User
from cnfs.core.services import audit_log, role_assign
from cnfs.recrutement import notifications, permissions
from cnfs.recrutement.enums import (
    DEMANDE_EN_COURS,
    DEMANDE_RETIRABLE,
    MOTIFS_AJOUT,
    MOTIFS_RENDU,
    Avis,
    Decision,
    MotifAvenant,
    StatutAvenant,
    StatutDemande,
    TypeAvenant,
    TypeStructure,
)
from cnfs.recrutement.models import AvenantPostes, AvisPrefet, DecisionComite, DemandePostes, SessionComite, Structure
from cnfs.recrutement.models.demande import AVIS_COMMENTAIRE_MAX, AVIS_COMMENTAIRE_MIN, MOTIVATION_MAX
from cnfs.recrutement.services._common import DoublonError, forbid, refuse, snapshot, today_or
from cnfs.recrutement.validators import normalize_siret, siret_error
from cnfs.territoires.models import Commune

STRUCTURE_FIELDS = ("siret", "type", "nom", "adresse", "commune", "contact_email", "qpv", "zrr", "france_services")
DEMANDE_FIELDS = ("statut", "nombre_postes", "coordinateur", "date_debut_souhaitee", "engagement")


def _duplicate_siret(structure: Structure) -> DoublonError:
    return DoublonError(
        f"Une structure est déjà enregistrée avec ce numéro SIRET : « {structure.nom} » ({structure.commune.nom}).",
        existing=structure,
        field="siret",
    )


def lock_structure(structure: Structure) -> Structure:
    """Re-read the structure under a row lock: quota changes and recruitments of one structure queue up here."""
    return Structure.objects.select_for_update().get(pk=structure.pk)


@transaction.atomic
def structure_create(
    *,
    actor: User | None,
    siret: str,
    type: str,
    nom: str,
    adresse: str,
    commune: Commune,
    contact_prenom: str,
    contact_nom: str,
    contact_email: str,
    contact_fonction: str = "",
    contact_telephone: str = "",
    qpv: bool = False,
    zrr: bool = False,
    france_services: bool = False,
    manager: User | None = None,
    request=None,
) -> Structure:
    """Register a host organisation. Refuses an invalid SIRET and a SIRET already registered (naming it).

    `manager`, when given, receives the role `structure` on it (object_id = str(pk)).
    """
    error = siret_error(siret)
    if error:
        refuse(error, field="siret")
    siret = normalize_siret(siret)
    if type not in TypeStructure.values:
        refuse("Choisissez un type de structure dans la liste.", field="type")
    if not nom.strip():
        refuse("La raison sociale est obligatoire.", field="nom")
    existing = Structure.objects.select_related("commune").filter(siret=siret).first()
    if existing is not None:
        raise _duplicate_siret(existing)
    structure = Structure(
        siret=siret,
        type=type,
        nom=nom.strip(),
        adresse=adresse.strip(),
        commune=commune,
        contact_prenom=contact_prenom.strip(),
        contact_nom=contact_nom.strip(),
        contact_fonction=contact_fonction.strip(),
        contact_email=contact_email.strip().lower(),
        contact_telephone=contact_telephone.strip(),
        qpv=qpv,
        zrr=zrr,
        france_services=france_services,
    )
    try:
        with transaction.atomic():
            structure.save()
    except IntegrityError:
        # Another request registered the same SIRET between our check and our insert.
        raise _duplicate_siret(Structure.objects.select_related("commune").get(siret=siret)) from None
    audit_log(
        actor=actor,
        action="recrutement.structure_create",
        target=structure,
        after=snapshot(structure, *STRUCTURE_FIELDS),
        request=request,
    )
    if manager is not None:
        role_assign(
            actor=actor,
            user=manager,
            role=Role.STRUCTURE,
            scope_type=ScopeType.STRUCTURE,
            object_id=str(structure.pk),
            request=request,
        )
    return structure


def _check_demande_fields(*, nombre_postes: int, date_debut_souhaitee: datetime.date, motivation: str, today):
    if nombre_postes is None or nombre_postes < 1:
        refuse("Demandez au moins un poste de conseiller.", field="nombre_postes")
    if nombre_postes > 100:
        refuse("Une demande ne peut pas dépasser 100 postes.", field="nombre_postes")
    if date_debut_souhaitee < today:
        refuse("La date de démarrage souhaitée ne peut pas être dans le passé.", field="date_debut_souhaitee")
    if len(motivation) > MOTIVATION_MAX:
        refuse(f"La motivation ne doit pas dépasser {MOTIVATION_MAX} caractères.", field="motivation")
    if not motivation.strip():
        refuse("Expliquez la motivation de votre demande.", field="motivation")


@transaction.atomic
def demande_create(
    *,
    actor: User,
    structure: Structure,
    nombre_postes: int,
    date_debut_souhaitee: datetime.date,
    motivation: str,
    coordinateur: bool = False,
    engagement: bool = False,
    deposer: bool = False,
    today: datetime.date | None = None,
    request=None,
) -> DemandePostes:
    """Create a request for posts as a draft, or submit it at once when `deposer` is true."""
    if not permissions.can_manage_structure(actor, structure):
        forbid("Vous ne pouvez pas déposer de demande pour cette structure.")
    today = today_or(today)
    _check_demande_fields(
        nombre_postes=nombre_postes, date_debut_souhaitee=date_debut_souhaitee, motivation=motivation, today=today
    )
    demande = DemandePostes.objects.create(
        structure=structure,
        nombre_postes=nombre_postes,
        coordinateur=coordinateur,
        date_debut_souhaitee=date_debut_souhaitee,
        motivation=motivation.strip(),
        engagement=engagement,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="recrutement.demande_create",
        target=demande,
        after=snapshot(demande, *DEMANDE_FIELDS),
        request=request,
    )
    if deposer:
        demande_submit(actor=actor, demande=demande, engagement=engagement, today=today, request=request)
    return demande


@transaction.atomic
def demande_submit(
    *, actor: User, demande: DemandePostes, engagement: bool, today: datetime.date | None = None, request=None
) -> DemandePostes:
    """Submit a draft to the prefecture and the committee. Needs the commitment box and a start date not past."""
    if not permissions.can_manage_structure(actor, demande.structure):
        forbid("Vous ne pouvez pas déposer de demande pour cette structure.")
    demande = DemandePostes.objects.select_for_update().get(pk=demande.pk)
    if demande.statut != StatutDemande.BROUILLON:
        refuse(f"Cette demande est déjà « {demande.get_statut_display().lower()} » : elle ne peut plus être déposée.")
    if not engagement:
        refuse("Cochez la case d’engagement pour déposer la demande.", field="engagement")
    today = today_or(today)
    _check_demande_fields(
        nombre_postes=demande.nombre_postes,
        date_debut_souhaitee=demande.date_debut_souhaitee,
        motivation=demande.motivation,
        today=today,
    )
    if (
        DemandePostes.objects.filter(structure_id=demande.structure_id, statut__in=DEMANDE_EN_COURS)
        .exclude(pk=demande.pk)
        .exists()
    ):
        refuse("Une autre demande de cette structure est déjà en cours d’examen : attendez sa décision.")
    before = snapshot(demande, *DEMANDE_FIELDS)
    demande.statut = StatutDemande.DEPOSEE
    demande.engagement = True
    demande.deposee_le = timezone.now()
    demande.save(update_fields=["statut", "engagement", "deposee_le", "updated_at"])
    audit_log(
        actor=actor,
        action="recrutement.demande_submit",
        target=demande,
        before=before,
        after=snapshot(demande, *DEMANDE_FIELDS),
        request=request,
    )
    return demande


@transaction.atomic
def demande_update(
    *,
    actor: User,
    demande: DemandePostes,
    nombre_postes: int,
    date_debut_souhaitee: datetime.date,
    motivation: str,
    coordinateur: bool = False,
    engagement: bool = False,
    deposer: bool = False,
    today: datetime.date | None = None,
    request=None,
) -> DemandePostes:
    """Change a draft (only a draft), and submit it at once when `deposer` is true."""
    if not permissions.can_manage_structure(actor, demande.structure):
        forbid("Vous ne pouvez pas modifier cette demande.")
    demande = DemandePostes.objects.select_for_update().get(pk=demande.pk)
    if demande.statut != StatutDemande.BROUILLON:
        refuse(f"Cette demande est « {demande.get_statut_display().lower()} » : seul un brouillon se modifie.")
    today = today_or(today)
    _check_demande_fields(
        nombre_postes=nombre_postes, date_debut_souhaitee=date_debut_souhaitee, motivation=motivation, today=today
    )
    before = snapshot(demande, *DEMANDE_FIELDS)
    demande.nombre_postes = nombre_postes
    demande.coordinateur = coordinateur
    demande.date_debut_souhaitee = date_debut_souhaitee
    demande.motivation = motivation.strip()
    demande.save(update_fields=["nombre_postes", "coordinateur", "date_debut_souhaitee", "motivation", "updated_at"])
    audit_log(
        actor=actor,
        action="recrutement.demande_update",
        target=demande,
        before=before,
        after=snapshot(demande, *DEMANDE_FIELDS),
        request=request,
    )
    if deposer:
        demande_submit(actor=actor, demande=demande, engagement=engagement, today=today, request=request)
        demande.refresh_from_db()
    return demande


CLOSING = {
    # target status: (who may, from which statuses)
    StatutDemande.ABANDONNEE: ("structure", DEMANDE_RETIRABLE),
    StatutDemande.ANNULEE: ("national", (*DEMANDE_RETIRABLE, StatutDemande.VALIDEE)),
    StatutDemande.DOUBLON: ("national", DEMANDE_RETIRABLE),
}


@transaction.atomic
def demande_close(*, actor: User, demande: DemandePostes, statut: str, request=None) -> DemandePostes:
    """Withdraw (structure), cancel or mark as duplicate (national team) a request that is still open."""
    if statut not in CLOSING:
        refuse("Ce statut de clôture n’existe pas.", field="statut")
    who, allowed_from = CLOSING[statut]
    allowed = (
        permissions.can_manage_structure(actor, demande.structure)
        if who == "structure"
        else permissions.can_run_comite(actor)
    )
    if not allowed:
        forbid("Vous ne pouvez pas clôturer cette demande.")
    structure = lock_structure(demande.structure)
    demande = DemandePostes.objects.select_for_update().get(pk=demande.pk)
    if demande.statut not in allowed_from:
        refuse(f"Une demande « {demande.get_statut_display().lower()} » ne peut pas passer à cet état.")
    before = snapshot(demande, *DEMANDE_FIELDS)
    if demande.statut == StatutDemande.VALIDEE:
        granted = sum(d.postes_accordes for d in demande.decisions.all())
        if structure.postes_accordes - granted < structure.postes_occupes:
            refuse("Des conseillers occupent les postes de cette demande : déclarez d’abord les ruptures.")
        structure.postes_accordes -= granted
        structure.save(update_fields=["postes_accordes", "updated_at"])
    demande.statut = statut
    demande.save(update_fields=["statut", "updated_at"])
    audit_log(
        actor=actor,
        action="recrutement.demande_close",
        target=demande,
        before=before,
        after=snapshot(demande, *DEMANDE_FIELDS),
        request=request,
    )
    return demande


@transaction.atomic
def avis_prefet_give(
    *, actor: User, demande: DemandePostes, avis: str, commentaire: str, prioritaire: bool = False, request=None
) -> AvisPrefet:
    """Record the prefecture's opinion. Earlier opinions are kept: the latest one is shown to the committee."""
    if not permissions.can_give_avis(actor, demande):
        forbid("Seule la préfecture du département de la structure peut donner un avis sur cette demande.")
    demande = DemandePostes.objects.select_for_update().select_related("structure").get(pk=demande.pk)
    if demande.statut not in DEMANDE_EN_COURS:
        refuse(f"Cette demande est « {demande.get_statut_display().lower()} » : elle n’attend plus d’avis.")
    if avis not in Avis.values:
        refuse("Choisissez un avis favorable ou défavorable.", field="avis")
    commentaire = (commentaire or "").strip()
    if not AVIS_COMMENTAIRE_MIN <= len(commentaire) <= AVIS_COMMENTAIRE_MAX:
        refuse(
            f"Le commentaire doit compter entre {AVIS_COMMENTAIRE_MIN} et {AVIS_COMMENTAIRE_MAX} caractères "
            f"(vous en avez saisi {len(commentaire)}).",
            field="commentaire",
        )
    previous = demande.avis_prefet.first()
    opinion = AvisPrefet.objects.create(
        demande=demande, avis=avis, commentaire=commentaire, prioritaire=prioritaire, auteur=actor
    )
    audit_log(
        actor=actor,
        action="recrutement.avis_prefet_give",
        target=demande,
        before=snapshot(previous, "avis", "prioritaire", "commentaire") if previous else None,
        after=snapshot(opinion, "avis", "prioritaire", "commentaire"),
        request=request,
    )
    return opinion


@transaction.atomic
def session_comite_create(
    *, actor: User, date: datetime.date, numero: int | None = None, request=None
) -> SessionComite:
    """Open a numbered committee session (next number by default)."""
    if not permissions.can_run_comite(actor):
        forbid("Seule l’équipe nationale organise le comité de sélection.")
    if numero is None:
        numero = (SessionComite.objects.aggregate(m=Max("numero"))["m"] or 0) + 1
    if numero < 1:
        refuse("Le numéro de session commence à 1.", field="numero")
    if SessionComite.objects.filter(numero=numero).exists():
        refuse(f"La session n° {numero} existe déjà.", field="numero")
    session = SessionComite.objects.create(numero=numero, date=date)
    audit_log(
        actor=actor, action="recrutement.session_create", target=session, after={"numero": numero}, request=request
    )
    return session


@transaction.atomic
def comite_decide(
    *,
    actor: User,
    session: SessionComite,
    demande: DemandePostes,
    decision: str,
    postes_accordes: int,
    observations: str = "",
    request=None,
) -> DecisionComite:
    """Record the committee's decision on a request and grant its quota (0 … requested posts).

    The structure and the prefecture are told by e-mail once the transaction commits.
    """
    if not permissions.can_run_comite(actor):
        forbid("Seule l’équipe nationale saisit les décisions du comité de sélection.")
    if decision not in Decision.values:
        refuse("Choisissez une décision dans la liste.", field="decision")
    structure = lock_structure(demande.structure)
    demande = DemandePostes.objects.select_for_update().get(pk=demande.pk)
    session = SessionComite.objects.get(pk=session.pk)
    if session.cloturee:
        refuse(f"La session n° {session.numero} est clôturée : ouvrez une nouvelle session.")
    if demande.statut not in DEMANDE_EN_COURS:
        refuse(f"Cette demande est « {demande.get_statut_display().lower()} » : le comité ne peut plus statuer.")
    if DecisionComite.objects.filter(session=session, demande=demande).exists():
        refuse(f"Cette demande a déjà une décision dans la session n° {session.numero}.")
    if postes_accordes is None or not 0 <= postes_accordes <= demande.nombre_postes:
        refuse(
            f"Le nombre de postes accordés doit être compris entre 0 et {demande.nombre_postes} (la demande).",
            field="postes_accordes",
        )
    if decision == Decision.VALIDEE and postes_accordes < 1:
        refuse("Une demande validée reçoit au moins un poste ; sinon, refusez-la.", field="postes_accordes")
    if decision != Decision.VALIDEE and postes_accordes != 0:
        refuse("Seule une demande validée reçoit des postes.", field="postes_accordes")
    before = {"statut": demande.statut, "postes_accordes_structure": structure.postes_accordes}
    decided = DecisionComite.objects.create(
        session=session,
        demande=demande,
        decision=decision,
        postes_demandes=demande.nombre_postes,
        postes_accordes=postes_accordes,
        observations=observations.strip(),
        decided_by=actor,
    )
    demande.statut = decision  # the three decisions are also request statuses
    demande.save(update_fields=["statut", "updated_at"])
    if postes_accordes:
        structure.postes_accordes += postes_accordes
        structure.save(update_fields=["postes_accordes", "updated_at"])
    audit_log(
        actor=actor,
        action="recrutement.comite_decide",
        target=demande,
        before=before,
        after={
            "statut": demande.statut,
            "postes_accordes_structure": structure.postes_accordes,
            "session": session.numero,
            "decision": decision,
            "postes_accordes": postes_accordes,
        },
        request=request,
    )
    departement = structure.commune.departement
    notifications.queue_email(
        recipients=notifications.structure_emails(structure) + notifications.prefecture_emails(departement),
        template="decision_comite",
        context={"session": session, "demande": demande, "structure": structure, "decision": decided},
    )
    return decided


@transaction.atomic
def avenant_request(
    *,
    actor: User,
    structure: Structure,
    type: str,
    nombre_postes: int,
    motif: str,
    commentaire: str = "",
    request=None,
) -> AvenantPostes:
    """Ask for more posts or give some back, with one of the programme's fixed reasons."""
    if not permissions.can_manage_structure(actor, structure):
        forbid("Vous ne pouvez pas demander d’avenant pour cette structure.")
    if type not in TypeAvenant.values:
        refuse("Choisissez le type d’avenant.", field="type")
    allowed = MOTIFS_AJOUT if type == TypeAvenant.AJOUT else MOTIFS_RENDU
    if motif not in allowed:
        labels = ", ".join(f"« {MotifAvenant(m).label.lower()} »" for m in allowed)
        refuse(f"Motif non prévu pour ce type d’avenant. Motifs possibles : {labels}.", field="motif")
    if nombre_postes is None or nombre_postes < 1:
        refuse("Un avenant porte sur au moins un poste.", field="nombre_postes")
    structure = lock_structure(structure)
    if type == TypeAvenant.RENDU and nombre_postes > structure.postes_disponibles:
        refuse(
            f"Vous ne pouvez rendre que des postes vacants ({structure.postes_disponibles} actuellement).",
            field="nombre_postes",
        )
    avenant = AvenantPostes.objects.create(
        structure=structure,
        type=type,
        nombre_postes=nombre_postes,
        motif=motif,
        commentaire=commentaire.strip(),
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="recrutement.avenant_request",
        target=avenant,
        after=snapshot(avenant, "type", "nombre_postes", "motif", "statut"),
        request=request,
    )
    return avenant


@transaction.atomic
def avenant_decide(*, actor: User, avenant: AvenantPostes, accept: bool, request=None) -> AvenantPostes:
    """The national team accepts or refuses an amendment; accepting changes the structure's quota."""
    if not permissions.can_run_comite(actor):
        forbid("Seule l’équipe nationale statue sur les avenants.")
    structure = lock_structure(avenant.structure)
    avenant = AvenantPostes.objects.select_for_update().get(pk=avenant.pk)
    if avenant.statut != StatutAvenant.EN_ATTENTE:
        refuse("Cet avenant a déjà été traité.")
    before = {"statut": avenant.statut, "postes_accordes": structure.postes_accordes}
    if accept:
        if avenant.type == TypeAvenant.AJOUT:
            structure.postes_accordes += avenant.nombre_postes
        else:
            if avenant.nombre_postes > structure.postes_disponibles:
                refuse(
                    "Des postes ont été pourvus depuis la demande d’avenant : il ne reste que "
                    f"{structure.postes_disponibles} poste(s) vacant(s) à rendre."
                )
            structure.postes_accordes -= avenant.nombre_postes
        structure.save(update_fields=["postes_accordes", "updated_at"])
    avenant.statut = StatutAvenant.VALIDE if accept else StatutAvenant.REFUSE
    avenant.decided_by = actor
    avenant.decided_at = timezone.now()
    avenant.save(update_fields=["statut", "decided_by", "decided_at"])
    audit_log(
        actor=actor,
        action="recrutement.avenant_decide",
        target=avenant,
        before=before,
        after={"statut": avenant.statut, "postes_accordes": structure.postes_accordes},
        request=request,
    )
    return avenant
