"""Mandates and authorisations: creation (with the FranceConnect seam), renewal, revocation and the check.

A mandate binds an organisation and an usager; it carries one authorisation per démarche, limited to the
organisation's allowed démarches. A new authorisation for a démarche replaces any active one for the same démarche
and usager in the same organisation. The aidant confirms creation and renewal with a fresh TOTP code.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cnfs.aidants import permissions
from cnfs.aidants.consentement import CONSENTEMENT_VERSION
from cnfs.aidants.enums import ActionJournal, Demarche, DureeMandat, mandat_end
from cnfs.aidants.models import Aidant, Autorisation, Mandat, Usager
from cnfs.aidants.services._refusal import Refused, journal_refusal
from cnfs.aidants.services.journal import journal_append
from cnfs.core.errors import DomainError
from cnfs.core.models import User
from cnfs.core.services.otp import otp_verify

SUB_HASH_SALT = "cnfs.aidants.usager.sub"
_TOTP = re.compile(r"^\d{6}$")
NAME_MAX = 255

NOT_HABILITE = "Votre compte n’est pas celui d’un aidant habilité d’une organisation active : vous ne pouvez pas agir."
ALREADY_REVOKED = "Ce mandat est déjà révoqué."
TOTP_REQUIRED = "Saisissez le code à 6 chiffres affiché par votre application d’authentification pour confirmer."


# --- The FranceConnect seam -------------------------------------------------------------------------------------


def sub_hash(sub: str) -> str:
    """HMAC-SHA256 of the FranceConnect `sub` under a key derived from SECRET_KEY (or AIDANTS_SUB_SECRET).

    Rotating that secret makes known usagers unrecognisable: keep it stable, or rehash during the rotation.
    """
    secret = getattr(settings, "AIDANTS_SUB_SECRET", None) or settings.SECRET_KEY
    return salted_hmac(SUB_HASH_SALT, sub, secret=secret, algorithm="sha256").hexdigest()


def _identity_error(claims: dict) -> str | None:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        return "L’identité reçue n’a pas d’identifiant (sub)."
    for key, label in (("given_name", "Les prénoms"), ("family_name", "Le nom de naissance")):
        value = claims.get(key)
        if not isinstance(value, str) or not value.strip():
            return f"{label} de l’usager sont obligatoires." if key == "given_name" else f"{label} est obligatoire."
        if len(value) > NAME_MAX:
            return f"{label} ne doit pas dépasser {NAME_MAX} caractères."
    birthdate = claims.get("birthdate")
    try:
        born = datetime.date.fromisoformat(birthdate) if isinstance(birthdate, str) else None
    except ValueError:
        born = None
    if born is None:
        return "La date de naissance de l’usager est manquante ou invalide."
    if born > timezone.localdate() or born.year < 1900:
        return "La date de naissance de l’usager n’est pas vraisemblable."
    return None


def usager_from_identity(claims: dict) -> Usager:
    """The usager of an OpenID Connect identity (FranceConnect userinfo claims: `sub`, `given_name`,
    `family_name`, `birthdate` as YYYY-MM-DD), created or refreshed. Only the keyed hash of `sub` is stored.

    The claims come from FranceConnect (`services/franceconnect.py`), or from `claims_from_aidant_form` when
    FranceConnect is not configured (demo).
    """
    error = _identity_error(claims)
    if error:
        raise DomainError(error, code="identite")
    digest = sub_hash(claims["sub"])
    values = {
        "given_names": claims["given_name"].strip(),
        "family_name": claims["family_name"].strip(),
        "birthdate": datetime.date.fromisoformat(claims["birthdate"]),
    }
    with transaction.atomic():
        usager, created = Usager.objects.select_for_update().get_or_create(sub_hash=digest, defaults=values)
        if not created and any(getattr(usager, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(usager, key, value)
            usager.save(update_fields=list(values))
            usager_names_sync(usager)
    return usager


def usager_names_sync(usager: Usager) -> None:
    """Copy the usager's current names onto their mandates (the sort key of the aidant's usager list)."""
    Mandat.objects.filter(usager=usager).exclude(
        usager_nom=usager.family_name, usager_prenoms=usager.given_names
    ).update(usager_nom=usager.family_name, usager_prenoms=usager.given_names)


def claims_from_aidant_form(*, given_name: str, family_name: str, birthdate: datetime.date) -> dict:
    """The identity typed by the aidant, as claims: the demo's stand-in when FranceConnect is not configured.

    The pseudo-`sub` is derived from the typed identity, so the same person typed twice is the same usager. With
    FranceConnect configured, its verified userinfo is used instead (`services/franceconnect.py`).
    """
    key = f"{family_name.strip().casefold()}|{given_name.strip().casefold()}|{birthdate.isoformat()}"
    return {
        "sub": f"saisie-aidant:{key}",
        "given_name": given_name,
        "family_name": family_name,
        "birthdate": birthdate.isoformat(),
    }


# --- Checks shared by the acts -----------------------------------------------------------------------------------


def _acting_aidant(user: User, **context) -> Aidant:
    aidant = permissions.current_aidant(user)
    if aidant is None:
        raise Refused(NOT_HABILITE, code="non_habilite", **context)
    return aidant


def _checked_demarches(aidant: Aidant, demarches: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(demarches or []))
    if not wanted:
        raise Refused("Choisissez au moins une démarche.", code="aucune_demarche", organisation=aidant.organisation_id)
    unknown = [d for d in wanted if d not in Demarche.values]
    if unknown:
        raise Refused(
            f"Démarche inconnue : {', '.join(unknown)}.",
            code="demarche_inconnue",
            organisation=aidant.organisation_id,
            field="demarches",
        )
    allowed = set(aidant.organisation.demarches_autorisees)
    outside = [d for d in wanted if d not in allowed]
    if outside:
        labels = ", ".join(f"« {Demarche(d).label} »" for d in outside)
        raise Refused(
            f"Votre organisation n’est pas habilitée pour : {labels}. Retirez ces démarches du mandat.",
            code="demarche_hors_habilitation",
            organisation=aidant.organisation_id,
            demarche=outside[0],
            field="demarches",
        )
    return sorted(wanted, key=Demarche.values.index)


def _checked_duree(duree: str, aidant: Aidant) -> str:
    if duree not in DureeMandat.values:
        raise Refused(
            "Choisissez une durée : 1 jour, 1 mois, 6 mois ou 12 mois.",
            code="duree_invalide",
            organisation=aidant.organisation_id,
            field="duree",
        )
    return duree


def _confirm_totp(user: User, code: str, aidant: Aidant, **context) -> None:
    """A fresh 6-digit TOTP code (never a backup code), checked outside any transaction of ours so that a failed
    attempt keeps counting for throttling, and a code is accepted once only."""
    code = re.sub(r"[\s-]", "", code or "")
    if not _TOTP.match(code):
        raise Refused(TOTP_REQUIRED, code="totp_format", organisation=aidant.organisation_id, field="totp", **context)
    try:
        otp_verify(user=user, code=code)
    except DomainError as error:
        raise Refused(
            error.message, code=f"totp_{error.code or 'refuse'}", organisation=aidant.organisation_id, field="totp"
        ) from None


# --- Writes ------------------------------------------------------------------------------------------------------


@transaction.atomic
def _mandat_write(
    *,
    actor: User,
    aidant: Aidant,
    usager: Usager,
    demarches: list[str],
    duree: str,
    remplace: Mandat | None = None,
) -> Mandat:
    # Lock the usager: two mandates given at the same time cannot both keep an active authorisation.
    Usager.objects.select_for_update().filter(pk=usager.pk).first()
    now = timezone.now()
    organisation = aidant.organisation
    mandat = Mandat.objects.create(
        organisation=organisation,
        usager=usager,
        duree=duree,
        debut=now,
        fin=mandat_end(now, duree),
        consentement_version=CONSENTEMENT_VERSION,
        cree_par=actor,
        remplace=remplace,
    )
    previous = {
        a.demarche: a
        for a in Autorisation.objects.active(now)
        .select_for_update()
        .filter(mandat__organisation=organisation, mandat__usager=usager, demarche__in=demarches)
    }
    for demarche in demarches:
        autorisation = Autorisation.objects.create(mandat=mandat, demarche=demarche)
        old = previous.get(demarche)
        if old is not None:
            old.revoked_at, old.revoked_by, old.remplacee_par = now, actor, autorisation
            old.save(update_fields=["revoked_at", "revoked_by", "remplacee_par"])
            journal_append(
                action=ActionJournal.AUTORISATION_REMPLACEE,
                actor=actor,
                organisation=organisation,
                usager=usager,
                demarche=demarche,
                mandat=old.mandat_id,
                payload={"autorisation": old.pk, "remplacee_par": autorisation.pk, "nouveau_mandat": mandat.pk},
            )
        journal_append(
            action=ActionJournal.AUTORISATION_CREEE,
            actor=actor,
            organisation=organisation,
            usager=usager,
            demarche=demarche,
            mandat=mandat,
            payload={"autorisation": autorisation.pk, "fin": mandat.fin.isoformat()},
        )
    # Old mandates whose every authorisation is now replaced or revoked end with them.
    emptied = (
        Mandat.objects.filter(pk__in={a.mandat_id for a in previous.values()}, revoked_at__isnull=True)
        .exclude(autorisations__revoked_at__isnull=True)
        .values_list("pk", flat=True)
    )
    Mandat.objects.filter(pk__in=list(emptied)).update(revoked_at=now, revoked_by=actor)
    journal_append(
        action=ActionJournal.MANDAT_RENOUVELE if remplace else ActionJournal.MANDAT_CREE,
        actor=actor,
        organisation=organisation,
        usager=usager,
        mandat=mandat,
        payload={
            "demarches": demarches,
            "duree": duree,
            "debut": mandat.debut.isoformat(),
            "fin": mandat.fin.isoformat(),
            "consentement": CONSENTEMENT_VERSION,
            "remplace": remplace.pk if remplace else None,
        },
    )
    Aidant.objects.filter(pk=aidant.pk).update(last_activity_at=now)
    return mandat


def identity_error(claims: dict) -> str | None:
    """The French reason why these identity claims cannot make an usager, or None."""
    return _identity_error(claims)


def mandat_choices_check(*, aidant_user: User, demarches: Iterable[str], duree: str) -> tuple[list[str], str]:
    """The démarches and duration of a mandate about to be created, checked before the usager's identity is asked
    (FranceConnect): a refusal is journaled as for the creation itself."""
    try:
        aidant = _acting_aidant(aidant_user)
        return _checked_demarches(aidant, demarches), _checked_duree(duree, aidant)
    except Refused as refusal:
        raise journal_refusal(refusal, actor=aidant_user, attempted="mandat_creation") from None


def mandat_create(*, aidant_user: User, claims: dict, demarches: Iterable[str], duree: str, totp_code: str) -> Mandat:
    """Create a mandate of the aidant's current organisation for the usager of `claims`, confirmed by TOTP.

    Mandate, authorisations (replacing active ones for the same démarches) and journal entries: one transaction.
    """
    try:
        aidant = _acting_aidant(aidant_user)
        wanted = _checked_demarches(aidant, demarches)
        duree = _checked_duree(duree, aidant)
        error = _identity_error(claims)
        if error:
            raise Refused(error, code="identite", organisation=aidant.organisation_id)
        _confirm_totp(aidant_user, totp_code, aidant)
        with transaction.atomic():
            usager = usager_from_identity(claims)
            journal_append(
                action=ActionJournal.IDENTITE_USAGER,
                actor=aidant_user,
                organisation=aidant.organisation,
                usager=usager,
                payload={"source": "saisie_aidant" if claims["sub"].startswith("saisie-aidant:") else "oidc"},
            )
            return _mandat_write(actor=aidant_user, aidant=aidant, usager=usager, demarches=wanted, duree=duree)
    except Refused as refusal:
        raise journal_refusal(refusal, actor=aidant_user, attempted="mandat_creation") from None


def mandat_renew(*, aidant_user: User, mandat: Mandat, duree: str, totp_code: str, demarches=None) -> Mandat:
    """A new mandate for the same usager replacing `mandat`: by default for its still active démarches."""
    try:
        aidant = _acting_aidant(aidant_user, usager=mandat.usager.uuid, mandat=mandat.pk)
        if aidant.organisation_id != mandat.organisation_id:
            message = "Ce mandat appartient à une autre organisation : vous ne pouvez pas le renouveler."
            raise _refused_on(mandat, message, "autre_organisation", known=False)
        if mandat.revoked_at is not None:
            raise _refused_on(mandat, "Ce mandat est révoqué : créez un nouveau mandat.", "mandat_revoque")
        if demarches is None:
            demarches = [a.demarche for a in mandat.autorisations.all() if a.revoked_at is None]
        wanted = _checked_demarches(aidant, demarches)
        duree = _checked_duree(duree, aidant)
        _confirm_totp(aidant_user, totp_code, aidant, usager=mandat.usager.uuid, mandat=mandat.pk)
        return _mandat_write(
            actor=aidant_user, aidant=aidant, usager=mandat.usager, demarches=wanted, duree=duree, remplace=mandat
        )
    except Refused as refusal:
        raise journal_refusal(refusal, actor=aidant_user, attempted="mandat_renouvellement") from None


def _refused_on(mandat: Mandat, message: str, code: str, demarche: str = "", *, known: bool = True) -> Refused:
    """A refusal about `mandat`, journaled with its identifiers (its organisation only when the actor is in it)."""
    return Refused(
        message,
        code=code,
        organisation=mandat.organisation_id if known else None,
        usager=mandat.usager.uuid,
        mandat=mandat.pk,
        demarche=demarche,
    )


def _check_can_revoke(actor: User, mandat: Mandat, demarche: str = "") -> None:
    if not permissions.can_act_on_mandat(actor, mandat):
        message = "Ce mandat n’appartient pas à votre organisation : vous ne pouvez pas le révoquer."
        raise _refused_on(mandat, message, "autre_organisation", demarche, known=False)
    if mandat.revoked_at is not None:
        raise _refused_on(mandat, ALREADY_REVOKED, "deja_revoque")


def autorisation_revoke(*, actor: User, autorisation: Autorisation) -> Autorisation:
    """Revoke one authorisation. When it was the mandate's last active one, the mandate ends with it."""
    mandat = autorisation.mandat
    try:
        _check_can_revoke(actor, mandat, autorisation.demarche)
        with transaction.atomic():
            locked = Autorisation.objects.select_for_update().get(pk=autorisation.pk)
            if locked.revoked_at is not None:
                message = "Cette autorisation est déjà révoquée ou remplacée."
                raise _refused_on(mandat, message, "deja_revoquee", locked.demarche)
            now = timezone.now()
            locked.revoked_at, locked.revoked_by = now, actor
            locked.save(update_fields=["revoked_at", "revoked_by"])
            journal_append(
                action=ActionJournal.AUTORISATION_REVOQUEE,
                actor=actor,
                organisation=mandat.organisation_id,
                usager=mandat.usager,
                demarche=locked.demarche,
                mandat=mandat,
                payload={"autorisation": locked.pk},
            )
            if not mandat.autorisations.filter(revoked_at__isnull=True).exists():
                Mandat.objects.filter(pk=mandat.pk).update(revoked_at=now, revoked_by=actor)
                journal_append(
                    action=ActionJournal.MANDAT_REVOQUE,
                    actor=actor,
                    organisation=mandat.organisation_id,
                    usager=mandat.usager,
                    mandat=mandat,
                    payload={"motif": "derniere_autorisation_revoquee"},
                )
            return locked
    except Refused as refusal:
        raise journal_refusal(refusal, actor=actor, attempted="autorisation_revocation") from None


def mandat_revoke(*, actor: User, mandat: Mandat) -> Mandat:
    """Revoke a whole mandate and every authorisation it still has."""
    try:
        _check_can_revoke(actor, mandat)
        with transaction.atomic():
            locked = Mandat.objects.select_for_update().get(pk=mandat.pk)
            if locked.revoked_at is not None:
                raise _refused_on(mandat, ALREADY_REVOKED, "deja_revoque")
            now = timezone.now()
            revoked = list(
                locked.autorisations.filter(revoked_at__isnull=True).values_list("demarche", flat=True).order_by("pk")
            )
            locked.autorisations.filter(revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor)
            locked.revoked_at, locked.revoked_by = now, actor
            locked.save(update_fields=["revoked_at", "revoked_by"])
            journal_append(
                action=ActionJournal.MANDAT_REVOQUE,
                actor=actor,
                organisation=locked.organisation_id,
                usager=mandat.usager,
                mandat=locked,
                payload={"demarches": revoked},
            )
            return locked
    except Refused as refusal:
        raise journal_refusal(refusal, actor=actor, attempted="mandat_revocation") from None


# --- The check ---------------------------------------------------------------------------------------------------


def autorisation_require(*, aidant_user: User, usager: Usager, demarche: str) -> Autorisation:
    """The active authorisation that lets this aidant act for `usager` on `demarche`, or a journaled refusal.

    Only the aidant's current organisation counts, and only authorisations neither revoked nor expired.
    """
    try:
        aidant = _acting_aidant(aidant_user, usager=usager.uuid, demarche=demarche)
        context = {"organisation": aidant.organisation_id, "usager": usager.uuid, "demarche": demarche}
        if demarche not in Demarche.values:
            raise Refused(f"Démarche inconnue : {demarche}.", code="demarche_inconnue", **context)
        now = timezone.now()
        # The usager's few authorisations for this démarche in the organisation, chosen here rather than by an
        # ORDER BY … LIMIT 1: with one, PostgreSQL walks the organisation's mandates in `fin` order until it meets
        # the usager's (thousands of rows in a large organisation, issue 7) instead of looking the usager up.
        mine = list(
            Autorisation.objects.filter(
                mandat__organisation_id=aidant.organisation_id, mandat__usager=usager, demarche=demarche
            ).select_related("mandat")
        )
        active = [a for a in mine if a.is_active(now)]
        if active:
            return max(active, key=lambda a: (a.mandat.fin, a.mandat_id))
        label = Demarche(demarche).label
        latest = max(mine, key=lambda a: (a.mandat.debut, a.pk), default=None)
        if latest is None:
            message = f"Aucun mandat de votre organisation ne vous autorise à agir pour cet usager : « {label} »."
            code = "sans_mandat"
        elif latest.revoked_at is not None or latest.mandat.revoked_at is not None:
            message = f"L’autorisation de cet usager pour « {label} » a été révoquée."
            code = "autorisation_revoquee"
        else:
            message = f"L’autorisation de cet usager pour « {label} » a expiré le {latest.mandat.fin:%d/%m/%Y}."
            code = "autorisation_expiree"
        raise Refused(message, code=code, **context)
    except Refused as refusal:
        raise journal_refusal(refusal, actor=aidant_user, attempted="agir_pour_usager") from None


def aidant_can_act(aidant_user: User, usager: Usager, demarche: str) -> bool:
    """True when the aidant may act for `usager` on `demarche` now (a refusal is journaled)."""
    try:
        autorisation_require(aidant_user=aidant_user, usager=usager, demarche=demarche)
    except DomainError:
        return False
    return True
