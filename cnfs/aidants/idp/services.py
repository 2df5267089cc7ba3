"""Rules of the provider: who may pick which usager, the identity returned, the journal of uses and refusals.

The démarche of a request is its one `demarche:<code>` scope. The aidant must be a habilitated aidant of an active
organisation, with a verified second factor; the usager must have an active authorisation for that démarche in the
aidant's *current* organisation (`autorisation_require`, which journals its own refusals).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cnfs.aidants import permissions
from cnfs.aidants.enums import ActionJournal, Demarche
from cnfs.aidants.idp.scopes import demarches_in
from cnfs.aidants.models import Autorisation, Usager, UtilisationMandat
from cnfs.aidants.services._refusal import Refused, journal_refusal
from cnfs.aidants.services.journal import journal_append
from cnfs.aidants.services.mandats import autorisation_require
from cnfs.core.errors import DomainError

PAIRWISE_SALT = "cnfs.aidants.idp.sub"

UNVERIFIED = "Confirmez d’abord votre connexion avec le code de votre application d’authentification."
NOT_AIDANT = "Votre compte n’est pas celui d’un aidant habilité d’une organisation active : vous ne pouvez pas agir."


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def pairwise_sub(client_id: str, usager: Usager) -> str:
    """A pseudonymous identifier of the usager, different for each online service (never the FranceConnect sub)."""
    secret = settings.AIDANTS_OIDC_SUB_SECRET or settings.SECRET_KEY
    return salted_hmac(PAIRWISE_SALT, f"{client_id}|{usager.uuid}", secret=secret, algorithm="sha256").hexdigest()


def _refuse(user, message: str, code: str, *, organisation=None, demarche: str = "", usager=None, client=""):
    """Journal a refused attempt of the provider flow and return the French error to show."""
    journal_append(
        action=ActionJournal.TENTATIVE_REFUSEE,
        actor=user,
        organisation=organisation,
        usager=usager,
        demarche=demarche,
        payload={"tentative": "utilisation_mandat", "motif": code, "service": client},
    )
    return DomainError(message, code=code)


def requested_demarche(user, scopes, *, client: str = "") -> str:
    """The one démarche of the request, or a journaled refusal (none, several, unknown)."""
    wanted = demarches_in(scopes)
    organisation = getattr(permissions.current_aidant(user), "organisation_id", None)
    if len(wanted) != 1:
        message = "Le service en ligne doit demander exactement une démarche (portée « demarche:… »)."
        raise _refuse(user, message, "demarche_absente", organisation=organisation, client=client)
    demarche = wanted[0]
    if demarche not in Demarche.values:
        message = f"Démarche inconnue : « {demarche[:40]} ». Le service en ligne doit demander une démarche connue."
        raise _refuse(user, message, "demarche_inconnue", organisation=organisation, client=client)
    return demarche


def acting_aidant_check(request, *, client: str = "") -> None:
    """A verified second factor, then a habilitated aidant in an active organisation; refusals journaled."""
    user = request.user
    if not user.is_verified():
        raise _refuse(user, UNVERIFIED, "2fa_non_verifiee", client=client)
    if permissions.current_aidant(user) is None:
        raise _refuse(user, NOT_AIDANT, "non_habilite", client=client)


def autorisations_for_choice(user, demarche: str) -> QuerySet[Autorisation]:
    """Active authorisations for `demarche` in the aidant's current organisation, one row per usager."""
    aidant = permissions.current_aidant(user)
    if aidant is None:
        return Autorisation.objects.none()
    return (
        Autorisation.objects.active(timezone.now())
        .filter(mandat__organisation_id=aidant.organisation_id, demarche=demarche)
        .select_related("mandat__usager")
        .order_by("mandat__usager__family_name", "mandat__usager__given_names", "mandat__usager_id")
    )


def chosen_autorisation(user, usager_uuid: str, demarche: str, *, client: str = "") -> Autorisation:
    """The authorisation behind the usager the aidant picked (posted as their pseudonymous id), or a refusal.

    An usager of another organisation, or without an active authorisation for the démarche, is refused by
    `autorisation_require`, which journals the attempt.
    """
    aidant = permissions.current_aidant(user)
    usager = Usager.objects.filter(uuid=usager_uuid).first() if _is_uuid(usager_uuid) else None
    if usager is None:
        raise _refuse(
            user,
            "Choisissez un usager dans la liste.",
            "usager_inconnu",
            organisation=getattr(aidant, "organisation_id", None),
            demarche=demarche,
            client=client,
        )
    return autorisation_require(aidant_user=user, usager=usager, demarche=demarche)


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def usage_record(*, application, user, autorisation: Autorisation, code: str) -> UtilisationMandat:
    return UtilisationMandat.objects.create(
        application=application, aidant_user=user, autorisation=autorisation, code_hash=code_digest(code)
    )


def usage_refused(usage: UtilisationMandat, motif: str) -> None:
    """Journal a refused exchange of a code (replayed, expired, authorisation ended…): identifiers only."""
    autorisation = usage.autorisation
    refusal = Refused(
        "",
        code=motif,
        organisation=autorisation.mandat.organisation_id,
        usager=autorisation.mandat.usager.uuid,
        demarche=autorisation.demarche,
        mandat=autorisation.mandat_id,
    )
    journal_refusal(refusal, actor=usage.aidant_user, attempted=f"echange_code:{usage.application.client_id}")


def usage_still_valid(usage: UtilisationMandat) -> str | None:
    """Why the code cannot give the identity any more (None when it can): authorisation or aidant changed."""
    autorisation = Autorisation.objects.select_related("mandat").get(pk=usage.autorisation_id)
    if not autorisation.is_active():
        return "autorisation_terminee"
    user = usage.aidant_user
    if user is None or not permissions.is_aidant_of(user, autorisation.mandat.organisation_id):
        return "aidant_non_habilite"
    return None


def usage_journal(usage: UtilisationMandat) -> None:
    """`mandat_utilise`: the online service received the usager's identity for the démarche."""
    autorisation = usage.autorisation
    journal_append(
        action=ActionJournal.MANDAT_UTILISE,
        actor=usage.aidant_user,
        organisation=autorisation.mandat.organisation_id,
        usager=autorisation.mandat.usager,
        demarche=autorisation.demarche,
        mandat=autorisation.mandat_id,
        payload={"service": usage.application.client_id, "utilisation": usage.pk},
    )


def identity_claims(usage: UtilisationMandat) -> dict:
    """The usager's identity as the online service receives it (id_token and userinfo)."""
    autorisation = usage.autorisation
    usager = autorisation.mandat.usager
    return {
        "sub": pairwise_sub(usage.application.client_id, usager),
        "given_name": usager.given_names,
        "family_name": usager.family_name,
        "birthdate": usager.birthdate.isoformat(),
        "demarche": autorisation.demarche,
        "mandat_fin": autorisation.mandat.fin.isoformat(),
    }
