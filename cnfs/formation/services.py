"""Business writes of the training app: one function per action, each in one transaction.

The readiness gate (`conseiller_update_readiness`) is the only place that decides whether a recruited advisor is
"recruited", "in training" or "in the field"; every write that can change its inputs (an enrolment, a training
record) calls it, and `cnfs formation readiness` recomputes everyone daily, since dates passing change it too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.formation import importers, permissions, rules
from cnfs.formation.enums import (
    TRANSITIONS_VAE,
    BlocCertification,
    NatureModule,
    ResultatBloc,
    ResultatFormation,
    StatutPresence,
    StatutVAE,
    VoieCertification,
)
from cnfs.formation.models import (
    DemandeVAE,
    Inscription,
    ModuleFormation,
    OrganismeFormation,
    PassageBloc,
    Presence,
    SessionFormation,
)
from cnfs.recrutement.enums import EtapeConseiller, StatutContrat, StatutMiseEnRelation
from cnfs.recrutement.models import Candidature, Contrat
from cnfs.recrutement.services._common import forbid, refuse, snapshot, today_or
from cnfs.recrutement.services.etapes import ETAPES_DU_PARCOURS, candidature_set_etape, candidatures_set_etape

E = EtapeConseiller
INSCRIPTION_FIELDS = ("heures_prevues", "heures_realisees", "date_debut", "date_fin", "resultat")
# A host relationship in which the contract counts: validated by the national team, and not ended by a departure
# yet (a departure being declared keeps the advisor in post until the national team validates it).
STATUTS_HEBERGEMENT = (StatutMiseEnRelation.FINALISEE, StatutMiseEnRelation.RUPTURE_SIGNALEE)


# --- Readiness gate ----------------------------------------------------------------------------------------------


def modules_parcours_initial(palier: int | None) -> list[ModuleFormation]:
    """The initial pathway for a Pix level: the active initial modules still required at that level.

    Without a positioning the whole pathway applies (as level 1).
    """
    level = palier if palier in (1, 2, 3) else 1
    return list(
        ModuleFormation.objects.filter(nature=NatureModule.INITIALE, actif=True, palier_max__gte=level).order_by(
            "ordre", "code"
        )
    )


def training_started_ids(candidature_ids: Iterable[int], today: datetime.date) -> set[int]:
    """Advisors among `candidature_ids` whose initial training has started (a module begun and not abandoned)."""
    return set(
        Inscription.objects.filter(
            candidature_id__in=list(candidature_ids),
            module__nature=NatureModule.INITIALE,
            date_debut__lte=today,
        )
        .exclude(resultat=ResultatFormation.ABANDON)
        .values_list("candidature_id", flat=True)
    )


def contract_begun_ids(candidature_ids: Iterable[int], today: datetime.date) -> set[int]:
    """Advisors among `candidature_ids` with a validated contract in force today at a validated host.

    In force: begun on or before today, and not ended (a CDI has no end date).
    """
    return set(
        Contrat.objects.filter(
            mise_en_relation__candidature_id__in=list(candidature_ids),
            mise_en_relation__statut__in=STATUTS_HEBERGEMENT,
            statut=StatutContrat.VALIDE,
            date_debut__lte=today,
        )
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=today))
        .values_list("mise_en_relation__candidature_id", flat=True)
    )


def readiness_etape(*, training_started: bool, contract_begun: bool) -> str:
    """The stage of a recruited advisor: in the field once training has started and the contract has begun;
    in training once training has started; recruited otherwise."""
    if training_started and contract_begun:
        return E.EN_POSTE
    if training_started:
        return E.EN_FORMATION
    return E.RECRUTE


def _motif(etape: str) -> str:
    return {
        E.EN_POSTE: "formation initiale commencée et contrat commencé",
        E.EN_FORMATION: "formation initiale commencée, contrat pas encore commencé",
        E.RECRUTE: "formation initiale pas encore commencée",
    }[etape]


@transaction.atomic
def conseiller_update_readiness(
    *, candidature: Candidature, actor: User | None = None, today: datetime.date | None = None, request=None
) -> str:
    """Apply the readiness gate to one advisor and return their stage.

    Only recruited advisors move (recruited ↔ in training ↔ in the field); candidates and people who left are
    left alone. The stage is derived from the facts each time, so a corrected date moves it back as well.
    """
    today = today_or(today)
    candidature.refresh_from_db(fields=["etape"])
    if candidature.etape not in ETAPES_DU_PARCOURS:
        return candidature.etape
    target = readiness_etape(
        training_started=bool(training_started_ids([candidature.pk], today)),
        contract_begun=bool(contract_begun_ids([candidature.pk], today)),
    )
    candidature_set_etape(actor=actor, candidature=candidature, etape=target, motif=_motif(target), request=request)
    return target


def conseillers_update_readiness(
    *, actor: User | None = None, today: datetime.date | None = None, candidature_ids: Iterable[int] | None = None
) -> dict[str, int]:
    """Recompute the gate for every recruited advisor (or the given ones): {stage: number moved into it}.

    Reads the facts in a few queries for everyone, then moves the advisors whose stage changes in one bulk,
    audited write (`candidatures_set_etape`).
    """
    today = today_or(today)
    queryset = Candidature.objects.filter(etape__in=ETAPES_DU_PARCOURS)
    if candidature_ids is not None:
        queryset = queryset.filter(pk__in=list(candidature_ids))
    current = dict(queryset.values_list("pk", "etape"))
    moved = {E.RECRUTE: 0, E.EN_FORMATION: 0, E.EN_POSTE: 0}
    ids = list(current)
    started, begun = set(), set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        started |= training_started_ids(chunk, today)
        begun |= contract_begun_ids(chunk, today)
    changes = {}
    for pk, etape in current.items():
        target = readiness_etape(training_started=pk in started, contract_begun=pk in begun)
        if target != etape:
            changes[pk] = (etape, target)
    if changes:
        done = candidatures_set_etape(actor=actor, changes=changes, motifs={e: _motif(e) for e in moved})
        for etape, count in done.items():
            moved[etape] += count
    return moved


# --- Organisations and sessions ----------------------------------------------------------------------------------


@transaction.atomic
def organisme_create(
    *, actor: User, nom: str, siret: str = "", email: str = "", commune=None, request=None
) -> OrganismeFormation:
    """The national team registers a training organisation of the programme."""
    if not permissions.can_view_pilotage(actor):
        forbid("Seule l’équipe nationale enregistre les organismes de formation.")
    nom = (nom or "").strip()
    if not nom:
        refuse("Indiquez la raison sociale de l’organisme.", field="nom")
    siret = (siret or "").replace(" ", "")
    if siret and OrganismeFormation.objects.filter(siret=siret).exists():
        refuse("Un organisme de formation avec ce numéro SIRET existe déjà.", field="siret")
    organisme = OrganismeFormation.objects.create(nom=nom, siret=siret, email=email, commune=commune)
    audit_log(actor=actor, action="formation.organisme_create", target=organisme, after={"nom": nom}, request=request)
    return organisme


@transaction.atomic
def session_create(
    *,
    actor: User,
    organisme: OrganismeFormation,
    module: ModuleFormation,
    date_debut: datetime.date,
    date_fin: datetime.date,
    lieu: str = "",
    places: int = 20,
    request=None,
) -> SessionFormation:
    """An organisation schedules a session of a module."""
    if not permissions.can_manage_organisme(actor, organisme):
        forbid("Vous ne pouvez pas programmer de session pour cet organisme.")
    if not module.actif:
        refuse("Ce module n’est plus proposé.", field="module")
    if date_debut is None or date_fin is None:
        refuse("Indiquez les dates de début et de fin de la session.", field="date_debut")
    if date_fin < date_debut:
        refuse("La fin de la session ne peut pas précéder son début.", field="date_fin")
    if places is None or places < 1:
        refuse("Une session compte au moins une place.", field="places")
    session = SessionFormation.objects.create(
        organisme=organisme, module=module, date_debut=date_debut, date_fin=date_fin, lieu=lieu, places=places
    )
    audit_log(
        actor=actor,
        action="formation.session_create",
        target=session,
        after=snapshot(session, "organisme", "module", "date_debut", "date_fin", "places"),
        request=request,
    )
    return session


# --- Enrolments and training records -----------------------------------------------------------------------------


def _check_enrollable(candidature: Candidature, module: ModuleFormation) -> None:
    if candidature.etape not in ETAPES_DU_PARCOURS:
        refuse(f"{candidature} n’est pas un conseiller recruté : inscription impossible.", field="candidature")
    if module.nature == NatureModule.CONTINUE and candidature.etape != E.EN_POSTE:
        refuse(
            "La formation continue est réservée aux conseillers en poste ; "
            f"{candidature} est « {candidature.get_etape_display().lower()} ».",
            field="module",
        )
    if not module.actif:
        refuse("Ce module n’est plus proposé.", field="module")


def _raise_first(problems: list[rules.Problem]) -> None:
    if problems:
        field, message = problems[0]
        refuse(message[0].upper() + message[1:] + ".", field=field)


@transaction.atomic
def inscription_create(
    *,
    actor: User,
    organisme: OrganismeFormation,
    candidature: Candidature,
    module: ModuleFormation | None = None,
    session: SessionFormation | None = None,
    date_debut: datetime.date | None = None,
    heures_prevues: Decimal | int | None = None,
    today: datetime.date | None = None,
    request=None,
) -> Inscription:
    """An organisation enrols a recruited advisor in a module (or a session of it). Then the gate runs."""
    if not permissions.can_manage_organisme(actor, organisme):
        forbid("Vous ne pouvez pas inscrire de stagiaires pour cet organisme.")
    candidature = Candidature.objects.select_for_update().get(pk=candidature.pk)
    if session is not None:
        session = SessionFormation.objects.select_for_update().select_related("module").get(pk=session.pk)
        if session.organisme_id != organisme.pk:
            refuse("Cette session n’appartient pas à votre organisme.", field="session")
        if module is not None and module.pk != session.module_id:
            refuse("Cette session porte sur un autre module.", field="module")
        module = session.module
        if date_debut is None:
            date_debut = session.date_debut
        if session.inscriptions.count() >= session.places:
            refuse(f"La session est complète ({session.places} place(s)).", field="session")
    if module is None:
        refuse("Choisissez un module.", field="module")
    _check_enrollable(candidature, module)
    heures = Decimal(heures_prevues if heures_prevues is not None else module.duree_heures)
    _raise_first(
        rules.record_problems(
            heures_prevues=heures,
            heures_realisees=Decimal(0),
            date_debut=date_debut,
            date_fin=None,
            resultat=ResultatFormation.INSCRIT,
            today=today_or(today),
        )
    )
    try:
        with transaction.atomic():
            inscription = Inscription.objects.create(
                candidature=candidature,
                module=module,
                organisme=organisme,
                session=session,
                heures_prevues=heures,
                date_debut=date_debut,
            )
    except IntegrityError:
        refuse(f"{candidature} est déjà inscrit·e au module « {module.libelle} ».", field="module")
    audit_log(
        actor=actor,
        action="formation.inscription_create",
        target=inscription,
        after=snapshot(inscription, "organisme", "module", "session", *INSCRIPTION_FIELDS),
        request=request,
    )
    conseiller_update_readiness(candidature=candidature, actor=actor, today=today, request=request)
    return inscription


@transaction.atomic
def parcours_initial_create(
    *,
    actor: User,
    organisme: OrganismeFormation,
    candidature: Candidature,
    date_debut: datetime.date,
    today: datetime.date | None = None,
    request=None,
) -> list[Inscription]:
    """Enrol a recruited advisor in the initial pathway of their Pix level (the modules they do not have yet)."""
    modules = modules_parcours_initial(candidature.pix_palier)
    already = set(Inscription.objects.filter(candidature=candidature).values_list("module_id", flat=True))
    missing = [m for m in modules if m.pk not in already]
    if not missing:
        refuse(f"{candidature} est déjà inscrit·e à tout son parcours de formation initiale.")
    return [
        inscription_create(
            actor=actor,
            organisme=organisme,
            candidature=candidature,
            module=module,
            date_debut=date_debut,
            today=today,
            request=request,
        )
        for module in missing
    ]


def _lock_inscription(inscription: Inscription) -> Inscription:
    return (
        Inscription.objects.select_for_update(of=("self",))
        .select_related("candidature", "module", "organisme")
        .get(pk=inscription.pk)
    )


@transaction.atomic
def inscription_record_result(
    *,
    actor: User,
    inscription: Inscription,
    heures_realisees: Decimal | int,
    resultat: str,
    date_debut: datetime.date | None = None,
    date_fin: datetime.date | None = None,
    heures_prevues: Decimal | int | None = None,
    today: datetime.date | None = None,
    request=None,
) -> Inscription:
    """The organisation records completed hours, dates and result of a training record. Completed hours never
    exceed planned hours; a finished record has an end date in the past. Then the gate runs."""
    if not permissions.can_manage_organisme(actor, inscription.organisme):
        forbid("Vous ne pouvez pas saisir de résultat pour ce stagiaire.")
    inscription = _lock_inscription(inscription)
    before = snapshot(inscription, *INSCRIPTION_FIELDS)
    values = {
        "heures_prevues": Decimal(heures_prevues) if heures_prevues is not None else inscription.heures_prevues,
        "heures_realisees": Decimal(heures_realisees) if heures_realisees is not None else None,
        "date_debut": date_debut or inscription.date_debut,
        "date_fin": date_fin,
        "resultat": resultat,
    }
    _raise_first(rules.record_problems(**values, today=today_or(today)))
    for name, value in values.items():
        setattr(inscription, name, value)
    inscription.save(update_fields=[*INSCRIPTION_FIELDS, "updated_at"])
    audit_log(
        actor=actor,
        action="formation.inscription_record_result",
        target=inscription,
        before=before,
        after=snapshot(inscription, *INSCRIPTION_FIELDS),
        request=request,
    )
    conseiller_update_readiness(candidature=inscription.candidature, actor=actor, today=today, request=request)
    return inscription


@transaction.atomic
def presence_record(
    *,
    actor: User,
    inscription: Inscription,
    date: datetime.date,
    statut: str,
    heures: Decimal | int = 0,
    today: datetime.date | None = None,
    request=None,
) -> Presence:
    """Record (or correct) a trainee's attendance on one day; completed hours become the sum of attended hours."""
    if not permissions.can_manage_organisme(actor, inscription.organisme):
        forbid("Vous ne pouvez pas saisir de présence pour ce stagiaire.")
    inscription = _lock_inscription(inscription)
    if statut not in StatutPresence.values:
        refuse("Choisissez une présence dans la liste.", field="statut")
    heures = Decimal(heures or 0) if statut == StatutPresence.PRESENT else Decimal(0)
    if not Decimal(0) <= heures <= 12:
        refuse("Une journée de formation compte entre 0 et 12 heures.", field="heures")
    if date is None or date > today_or(today):
        refuse("La présence ne se saisit pas pour un jour à venir.", field="date")
    if date < inscription.date_debut or (inscription.date_fin is not None and date > inscription.date_fin):
        refuse("Ce jour est en dehors des dates de la formation.", field="date")
    presence = Presence.objects.filter(inscription=inscription, date=date).first()
    before = snapshot(presence, "statut", "heures") if presence else None
    others = sum((p.heures for p in inscription.presences.exclude(date=date)), Decimal(0))
    if others + heures > inscription.heures_prevues:
        refuse(
            f"Avec ce jour, les heures suivies ({others + heures} h) dépasseraient les heures prévues "
            f"({inscription.heures_prevues} h).",
            field="heures",
        )
    if presence is None:
        presence = Presence.objects.create(inscription=inscription, date=date, statut=statut, heures=heures)
    else:
        presence.statut, presence.heures = statut, heures
        presence.save(update_fields=["statut", "heures"])
    inscription.heures_realisees = others + heures
    if inscription.resultat == ResultatFormation.INSCRIT and inscription.heures_realisees > 0:
        inscription.resultat = ResultatFormation.EN_COURS
    inscription.save(update_fields=["heures_realisees", "resultat", "updated_at"])
    audit_log(
        actor=actor,
        action="formation.presence_record",
        target=presence,
        before=before,
        after={**snapshot(presence, "statut", "heures"), "heures_realisees": str(inscription.heures_realisees)},
        request=request,
    )
    return presence


@transaction.atomic
def session_presences_record(
    *,
    actor: User,
    session: SessionFormation,
    date: datetime.date,
    entries: dict[int, tuple[str, Decimal | int]],
    today: datetime.date | None = None,
    request=None,
) -> list[Presence]:
    """The attendance of one session day for its trainees ({inscription pk: (presence, hours)}): every line is
    recorded, or none (the first refused line is named in the error)."""
    if not permissions.can_manage_organisme(actor, session.organisme):
        forbid("Vous ne pouvez pas saisir de présence pour cette session.")
    if date is None or not session.date_debut <= date <= session.date_fin:
        refuse("Ce jour est en dehors des dates de la session.", field="date")
    inscriptions = {i.pk: i for i in session.inscriptions.select_related("candidature", "organisme")}
    presences = []
    for pk, (statut, heures) in entries.items():
        inscription = inscriptions.get(pk)
        if inscription is None:
            refuse("Ce stagiaire n’est pas inscrit à cette session.")
        try:
            presences.append(
                presence_record(
                    actor=actor,
                    inscription=inscription,
                    date=date,
                    statut=statut,
                    heures=heures,
                    today=today,
                    request=request,
                )
            )
        except DomainError as error:
            refuse(f"{inscription.candidature} : {error.message}", field=f"statut_{pk}")
    return presences


# --- Certification and VAE ---------------------------------------------------------------------------------------


@transaction.atomic
def passage_bloc_record(
    *,
    actor: User,
    organisme: OrganismeFormation,
    candidature: Candidature,
    bloc: str,
    date_passage: datetime.date,
    resultat: str,
    today: datetime.date | None = None,
    request=None,
) -> PassageBloc:
    """An organisation records the result of one of its trainees at one block of the title (after training)."""
    if not permissions.can_manage_organisme(actor, organisme):
        forbid("Vous ne pouvez pas saisir de résultat de certification pour cet organisme.")
    if not Inscription.objects.filter(candidature=candidature, organisme=organisme).exists():
        refuse(f"{candidature} n’est pas stagiaire de {organisme}.", field="candidature")
    if bloc not in BlocCertification.values:
        refuse("Choisissez un bloc du titre professionnel (CCP1, CCP2 ou CCP3).", field="bloc")
    if resultat not in ResultatBloc.values:
        refuse("Choisissez un résultat dans la liste.", field="resultat")
    if date_passage is None or date_passage > today_or(today):
        refuse("La date de l’épreuve ne peut pas être à venir.", field="date_passage")
    passage, created = PassageBloc.objects.get_or_create(
        candidature=candidature,
        bloc=bloc,
        date_passage=date_passage,
        defaults={"resultat": resultat, "organisme": organisme},
    )
    before = None
    if not created:
        if passage.voie != VoieCertification.FORMATION:
            refuse("Ce bloc a été décidé par un jury de VAE à cette date ; il ne se modifie pas ici.", field="bloc")
        before = snapshot(passage, "resultat", "organisme")
        passage.resultat, passage.organisme = resultat, organisme
        passage.save(update_fields=["resultat", "organisme"])
    audit_log(
        actor=actor,
        action="formation.passage_bloc_record",
        target=passage,
        before=before,
        after=snapshot(passage, "bloc", "date_passage", "resultat", "organisme"),
        request=request,
    )
    return passage


@transaction.atomic
def vae_request(
    *,
    actor: User,
    candidature: Candidature,
    date_depot: datetime.date | None = None,
    observations: str = "",
    today: datetime.date | None = None,
    request=None,
) -> DemandeVAE:
    """An advisor asks to obtain the title by validation of experience (one open request at a time)."""
    if not permissions.can_request_vae(actor, candidature):
        forbid("Vous ne pouvez pas déposer de demande de VAE pour cette personne.")
    date_depot = date_depot or today_or(today)
    if date_depot > today_or(today):
        refuse("La date de dépôt ne peut pas être à venir.", field="date_depot")
    if candidature.etape not in ETAPES_DU_PARCOURS:
        refuse("La VAE du programme est ouverte aux conseillers recrutés.")
    try:
        with transaction.atomic():
            demande = DemandeVAE.objects.create(
                candidature=candidature, date_depot=date_depot, observations=observations, created_by=actor
            )
    except IntegrityError:
        refuse("Une demande de VAE est déjà en cours : attendez sa décision avant d’en déposer une autre.")
    audit_log(
        actor=actor,
        action="formation.vae_request",
        target=demande,
        after=snapshot(demande, "date_depot", "statut"),
        request=request,
    )
    return demande


@transaction.atomic
def vae_decide(
    *,
    actor: User,
    demande: DemandeVAE,
    statut: str,
    date_decision: datetime.date,
    blocs_valides: Iterable[str] = (),
    today: datetime.date | None = None,
    request=None,
) -> DemandeVAE:
    """Record the admissibility or the jury's outcome of a VAE request. A total validation grants the three
    blocks, a partial one those named (one or two), by the VAE route."""
    if not permissions.can_decide_vae(actor):
        forbid("Seule l’équipe nationale enregistre les décisions de VAE.")
    demande = DemandeVAE.objects.select_for_update().select_related("candidature").get(pk=demande.pk)
    if statut not in TRANSITIONS_VAE[demande.statut]:
        refuse(
            f"Une demande « {demande.get_statut_display().lower()} » ne peut pas passer à "
            f"« {StatutVAE(statut).label.lower() if statut in StatutVAE.values else statut} ».",
            field="statut",
        )
    if date_decision is None or date_decision > today_or(today) or date_decision < demande.date_depot:
        refuse("La date de décision est comprise entre le dépôt et aujourd’hui.", field="date_decision")
    blocs = sorted(set(blocs_valides))
    if any(b not in BlocCertification.values for b in blocs):
        refuse("Un bloc validé doit être CCP1, CCP2 ou CCP3.", field="blocs_valides")
    if statut == StatutVAE.VALIDATION_TOTALE:
        blocs = list(BlocCertification.values)
    elif statut == StatutVAE.VALIDATION_PARTIELLE and not 1 <= len(blocs) <= 2:
        refuse("Une validation partielle porte sur un ou deux blocs.", field="blocs_valides")
    elif statut != StatutVAE.VALIDATION_PARTIELLE and blocs:
        refuse("Seule une validation accorde des blocs.", field="blocs_valides")
    before = snapshot(demande, "statut", "date_decision")
    demande.statut, demande.date_decision = statut, date_decision
    demande.save(update_fields=["statut", "date_decision"])
    if PassageBloc.objects.filter(
        candidature=demande.candidature, bloc__in=blocs, date_passage=date_decision
    ).exists():
        refuse("Un de ces blocs a déjà un résultat à cette date pour ce conseiller.", field="blocs_valides")
    for bloc in blocs:
        PassageBloc.objects.create(
            candidature=demande.candidature,
            bloc=bloc,
            voie=VoieCertification.VAE,
            demande_vae=demande,
            date_passage=date_decision,
            resultat=ResultatBloc.ADMIS,
        )
    audit_log(
        actor=actor,
        action="formation.vae_decide",
        target=demande,
        before=before,
        after={**snapshot(demande, "statut", "date_decision"), "blocs_valides": blocs},
        request=request,
    )
    return demande


# --- Import of results -------------------------------------------------------------------------------------------


@transaction.atomic
def resultats_import(
    *,
    actor: User | None,
    organisme: OrganismeFormation,
    data: bytes,
    origin: str,
    mode: str = importers.ALL_OR_NOTHING,
    dry_run: bool = False,
    today: datetime.date | None = None,
    request=None,
) -> importers.ImportReport:
    """Import a CSV of training results for one organisation: per-row report; all rows or none (default), or the
    valid rows only. An organisation imports for its own trainees; the national team (or the command line,
    `actor=None`) for any recruited advisor. Then the readiness gate runs for every advisor touched."""
    national = actor is None or permissions.can_view_pilotage(actor)
    if actor is not None and not permissions.can_manage_organisme(actor, organisme):
        forbid("Vous ne pouvez pas importer de résultats pour cet organisme.")
    if mode not in importers.MODES:
        refuse("Choisissez le mode d’import : tout ou rien, ou lignes valides seulement.", field="mode")
    today = today_or(today)
    plan = importers.plan_import(
        data, organisme=organisme, national=national, origin=origin, mode=mode, dry_run=dry_run, today=today
    )
    report = plan.report
    if dry_run or (mode == importers.ALL_OR_NOTHING and report.rejected) or not report.valid:
        return report
    for row in plan.records:
        if row.inscription is None:
            Inscription.objects.create(
                candidature_id=row.candidature_id, module=row.module, organisme=organisme, **row.values
            )
        elif any(getattr(row.inscription, k) != v for k, v in row.values.items()):
            for name, value in row.values.items():
                setattr(row.inscription, name, value)
            row.inscription.save(update_fields=[*INSCRIPTION_FIELDS, "updated_at"])
    for row in plan.blocs:
        if row.passage is None:
            PassageBloc.objects.create(
                candidature_id=row.candidature_id,
                bloc=row.bloc,
                date_passage=row.date_passage,
                resultat=row.resultat,
                organisme=organisme,
            )
        elif (row.passage.resultat, row.passage.organisme_id) != (row.resultat, organisme.pk):
            row.passage.resultat, row.passage.organisme = row.resultat, organisme
            row.passage.save(update_fields=["resultat", "organisme"])
    report.written = True
    if report.created or report.updated:
        audit_log(
            actor=actor,
            action="formation.resultats_import",
            target=organisme,
            after={
                "fichier": origin[:200],
                "mode": mode,
                "crees": report.created,
                "mis_a_jour": report.updated,
                "inchanges": report.unchanged,
                "rejetes": len(report.rejected),
            },
            request=request,
        )
        conseillers_update_readiness(actor=actor, today=today, candidature_ids=plan.candidature_ids)
    return report
