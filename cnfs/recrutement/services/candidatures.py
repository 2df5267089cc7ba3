"""Applications of people who want to become advisors."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cnfs.core.enums import Role, ScopeType
from cnfs.core.models import User
from cnfs.core.services import audit_log, role_assign
from cnfs.recrutement import permissions
from cnfs.recrutement.enums import DistanceMax
from cnfs.recrutement.models import Candidature
from cnfs.recrutement.models.candidature import MOTIVATION_MAX, identity_key
from cnfs.recrutement.services._common import DoublonError, forbid, refuse, snapshot, today_or
from cnfs.recrutement.validators import cv_error

SITUATIONS = ("demandeur_emploi", "en_emploi", "en_formation", "diplome", "experience")
EDITABLE_FIELDS = (
    "prenom",
    "nom",
    "email",
    "telephone",
    "date_naissance",
    "code_postal",
    "commune",
    *SITUATIONS,
    "diplome_libelle",
    "date_disponibilite",
    "distance_max",
    "motivation",
)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "cv", "etape")


def _find_duplicate(candidature: Candidature) -> tuple[Candidature, str] | None:
    key = identity_key(
        nom=candidature.nom,
        prenom=candidature.prenom,
        date_naissance=candidature.date_naissance,
        code_postal=candidature.code_postal,
    )
    email = (candidature.email or "").strip().lower()
    other = (
        Candidature.objects.filter(Q(email=email) | Q(cle_identite=key))
        .exclude(pk=candidature.pk)
        .order_by("pk")
        .first()
    )
    if other is None:
        return None
    if other.email == email:
        return other, "Une candidature existe déjà avec cette adresse électronique : connectez-vous pour la modifier."
    return other, (
        "Une candidature existe déjà pour cette personne (mêmes nom, prénom, date de naissance et code postal) : "
        "connectez-vous pour la modifier."
    )


def _validate(candidature: Candidature, *, today: datetime.date) -> None:
    if not candidature.prenom.strip() or not candidature.nom.strip():
        refuse("Le prénom et le nom sont obligatoires.", field="nom")
    if not candidature.email or "@" not in candidature.email:
        refuse("Saisissez une adresse électronique valide.", field="email")
    if candidature.date_naissance is None or candidature.date_naissance >= today:
        refuse("La date de naissance n’est pas valide.", field="date_naissance")
    age = (today - candidature.date_naissance).days // 365
    if age < 16 or age > 100:
        refuse("La date de naissance n’est pas valide (âge entre 16 et 100 ans).", field="date_naissance")
    cp = (candidature.code_postal or "").strip()
    if len(cp) != 5 or not cp.isdigit():
        refuse("Le code postal comporte 5 chiffres.", field="code_postal")
    postcodes = candidature.commune.codes_postaux or []
    if postcodes and cp not in postcodes:
        refuse(
            f"Le code postal {cp} ne correspond pas à la commune {candidature.commune.nom} ({', '.join(postcodes)}).",
            field="code_postal",
        )
    if not any(getattr(candidature, name) for name in SITUATIONS):
        refuse("Indiquez au moins une situation (emploi, formation, diplôme ou expérience).", field="situations")
    if candidature.diplome and not candidature.diplome_libelle.strip():
        refuse("Précisez l’intitulé de votre diplôme en médiation numérique.", field="diplome_libelle")
    if candidature.distance_max not in DistanceMax.values:
        refuse("Choisissez une distance de déplacement parmi celles proposées.", field="distance_max")
    if candidature.date_disponibilite is None:
        refuse("Indiquez à partir de quand vous êtes disponible.", field="date_disponibilite")
    if len(candidature.motivation) > MOTIVATION_MAX:
        refuse(f"La motivation ne doit pas dépasser {MOTIVATION_MAX} caractères.", field="motivation")


def _save_checked(candidature: Candidature) -> None:
    duplicate = _find_duplicate(candidature)
    if duplicate:
        raise DoublonError(duplicate[1], existing=duplicate[0], field="email")
    try:
        with transaction.atomic():
            candidature.save()
    except IntegrityError:
        # A concurrent application with the same e-mail or identity committed first.
        duplicate = _find_duplicate(candidature)
        if duplicate:
            raise DoublonError(duplicate[1], existing=duplicate[0], field="email") from None
        raise


def _check_cv(fichier) -> None:
    error = cv_error(fichier)
    if error:
        refuse(error, field="cv")


def _attach_cv(candidature: Candidature, fichier) -> tuple[str, str]:
    """Write the CV to private storage; returns (new name, replaced name). The caller cleans up on failure."""
    old = candidature.cv.name if candidature.cv else ""
    candidature.cv.save("cv.pdf", fichier, save=False)
    candidature.cv_nom = (getattr(fichier, "name", "") or "cv.pdf")[-255:]
    candidature.cv_depose_le = timezone.now()
    return candidature.cv.name, old


def _save_with_cv(candidature: Candidature, cv, finish) -> None:
    """Save the row (and the CV file, if any), then run `finish`; a failure leaves no file behind."""
    if cv is None:
        _save_checked(candidature)
        finish()
        return
    storage = candidature.cv.storage
    new, old = _attach_cv(candidature, cv)
    try:
        _save_checked(candidature)
        finish()
    except BaseException:
        storage.delete(new)
        raise
    if old:
        transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def candidature_create(
    *,
    actor: User | None,
    prenom: str,
    nom: str,
    email: str,
    date_naissance: datetime.date,
    code_postal: str,
    commune,
    date_disponibilite: datetime.date,
    distance_max: int,
    telephone: str = "",
    demandeur_emploi: bool = False,
    en_emploi: bool = False,
    en_formation: bool = False,
    diplome: bool = False,
    diplome_libelle: str = "",
    experience: bool = False,
    motivation: str = "",
    cv=None,
    user: User | None = None,
    today: datetime.date | None = None,
    request=None,
) -> Candidature:
    """Record an application. Refuses duplicates (same e-mail, or same name + birth date + postcode).

    `user`, when given, owns the application and receives the role `candidat`.
    """
    today = today_or(today)
    candidature = Candidature(
        user=user,
        prenom=prenom.strip(),
        nom=nom.strip(),
        email=(email or "").strip().lower(),
        telephone=telephone.strip(),
        date_naissance=date_naissance,
        code_postal=(code_postal or "").strip(),
        commune=commune,
        demandeur_emploi=demandeur_emploi,
        en_emploi=en_emploi,
        en_formation=en_formation,
        diplome=diplome,
        diplome_libelle=diplome_libelle.strip() if diplome else "",
        experience=experience,
        date_disponibilite=date_disponibilite,
        distance_max=distance_max,
        motivation=(motivation or "").strip(),
    )
    _validate(candidature, today=today)
    if user is not None and Candidature.objects.filter(user=user).exists():
        refuse("Ce compte a déjà une candidature : modifiez-la plutôt que d’en créer une autre.")
    if cv is not None:
        _check_cv(cv)

    def finish():
        audit_log(
            actor=actor or user,
            action="recrutement.candidature_create",
            target=candidature,
            after=snapshot(candidature, *AUDITED_FIELDS),
            request=request,
        )
        if user is not None:
            role_assign(
                actor=actor or user, user=user, role=Role.CANDIDAT, scope_type=ScopeType.PERSONNEL, request=request
            )

    _save_with_cv(candidature, cv, finish)
    return candidature


@transaction.atomic
def candidature_update(
    *,
    actor: User,
    candidature: Candidature,
    cv=None,
    today: datetime.date | None = None,
    request=None,
    **changes,
) -> Candidature:
    """Change one's own application (the national team may correct any). Same checks as at creation."""
    if not permissions.can_edit_candidature(actor, candidature):
        forbid("Vous ne pouvez modifier que votre propre candidature.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        refuse(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    candidature = Candidature.objects.select_for_update().get(pk=candidature.pk)
    before = snapshot(candidature, *AUDITED_FIELDS)
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(candidature, name, value)
    if not candidature.diplome:
        candidature.diplome_libelle = ""
    candidature.email = candidature.email.lower()
    _validate(candidature, today=today_or(today))
    if cv is not None:
        _check_cv(cv)

    def finish():
        after = snapshot(candidature, *AUDITED_FIELDS)
        audit_log(
            actor=actor,
            action="recrutement.candidature_update",
            target=candidature,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            request=request,
        )

    _save_with_cv(candidature, cv, finish)
    return candidature
