"""Mandate creation through FranceConnect: the steps kept in the aidant's session between the round trips.

1. `choices_keep`: the démarches and duration, checked, kept in the session;
2. `authorization_begin`: a fresh `state` and `nonce` (single use, short lifetime) and the provider's URL;
3. `callback_identity`: the provider's answer; the flow is consumed whatever happens (a replayed or expired state is
   refused), the identity verified by `cnfs.aidants.franceconnect`, kept in the session until the aidant confirms;
   returns the provider's logout URL (end_session), which comes back to the recap;
4. `mandat_confirm`: the aidant confirms with a fresh TOTP code → `mandats.mandat_create` (one transaction).

A refusal of FranceConnect's answer is journaled (`franceconnect_refuse`, with the reason's code only: no personal
data) and raises `DomainError` with a French message; nothing else is written.
"""

from __future__ import annotations

import hmac
import time

from django.conf import settings

from cnfs.aidants import franceconnect, permissions
from cnfs.aidants.enums import ActionJournal
from cnfs.aidants.models import Mandat
from cnfs.aidants.services import mandats
from cnfs.aidants.services.journal import journal_append
from cnfs.core.errors import DomainError
from cnfs.core.models import User

SESSION_CHOICES = "aidants_fc_choix"
SESSION_FLOW = "aidants_fc_flux"
SESSION_IDENTITY = "aidants_fc_identite"
KEPT_CLAIMS = ("sub", "given_name", "family_name", "birthdate")

NO_CHOICES = "Choisissez d’abord les démarches et la durée du mandat."
UNKNOWN_STATE = (
    "Cette réponse de FranceConnect ne correspond à aucune connexion en cours (lien déjà utilisé ou modifié) : "
    "recommencez la connexion de l’usager."
)
EXPIRED_STATE = "La connexion FranceConnect a pris trop de temps : recommencez la connexion de l’usager."
PROVIDER_ERROR = "FranceConnect n’a pas transmis l’identité de l’usager (connexion annulée ou refusée). Recommencez."
OTHER_ORGANISATION = "Vous avez changé d’organisation pendant la connexion FranceConnect : recommencez le mandat."
NO_IDENTITY = "Aucune identité FranceConnect n’attend votre confirmation : recommencez le mandat."


def _refuse(aidant_user: User, message: str, code: str) -> DomainError:
    aidant = permissions.current_aidant(aidant_user)
    journal_append(
        action=ActionJournal.FRANCECONNECT_REFUSE,
        actor=aidant_user,
        organisation=aidant.organisation_id if aidant else None,
        payload={"motif": code},
    )
    return DomainError(message, code=code)


def _organisation_id(aidant_user: User) -> int | None:
    aidant = permissions.current_aidant(aidant_user)
    return aidant.organisation_id if aidant else None


def choices_keep(session, *, aidant_user: User, demarches, duree: str) -> None:
    demarches, duree = mandats.mandat_choices_check(aidant_user=aidant_user, demarches=demarches, duree=duree)
    session[SESSION_CHOICES] = {"organisation": _organisation_id(aidant_user), "demarches": demarches, "duree": duree}
    session.pop(SESSION_IDENTITY, None)


def choices(session, aidant_user: User) -> dict | None:
    """The démarches and duration chosen for the mandate being created, if they are still the aidant's."""
    kept = session.get(SESSION_CHOICES)
    if not kept or kept.get("organisation") != _organisation_id(aidant_user):
        return None
    return kept


def authorization_begin(session, *, aidant_user: User, redirect_uri: str) -> str:
    """Start a sign-in at FranceConnect: a new single-use state and nonce, the URL to send the browser to."""
    kept = choices(session, aidant_user)
    if kept is None:
        raise DomainError(NO_CHOICES, code="sans_choix")
    try:
        where = franceconnect.endpoints()
    except franceconnect.FranceConnectError as error:
        raise _refuse(aidant_user, error.message, error.code) from None
    state, nonce = franceconnect.new_state(), franceconnect.new_nonce()
    session[SESSION_FLOW] = {
        "state": state,
        "nonce": nonce,
        "expires": time.time() + settings.FRANCECONNECT_STATE_TTL,
        "organisation": kept["organisation"],
    }
    return franceconnect.authorization_url(where, state=state, nonce=nonce, redirect_uri=redirect_uri)


def callback_identity(session, *, aidant_user: User, params, redirect_uri: str, logout_redirect_uri: str) -> str:
    """Check FranceConnect's answer and keep the verified identity; the URL that comes next (provider logout)."""
    flow = session.pop(SESSION_FLOW, None)  # single use: consumed before anything is checked
    session.modified = True
    state = params.get("state", "")
    if not flow or not state or not hmac.compare_digest(str(flow["state"]), str(state)):
        raise _refuse(aidant_user, UNKNOWN_STATE, "state_inconnu")
    if time.time() >= flow["expires"]:
        raise _refuse(aidant_user, EXPIRED_STATE, "state_expire")
    kept = choices(session, aidant_user)
    if kept is None or flow["organisation"] != kept["organisation"]:
        raise _refuse(aidant_user, OTHER_ORGANISATION, "organisation_changee")
    if params.get("error") or not params.get("code"):
        raise _refuse(aidant_user, PROVIDER_ERROR, "fournisseur_erreur")
    try:
        identity = franceconnect.identity(code=params["code"], redirect_uri=redirect_uri, nonce=flow["nonce"])
    except franceconnect.FranceConnectError as error:
        raise _refuse(aidant_user, error.message, error.code) from None
    claims = {key: identity.claims.get(key) for key in KEPT_CLAIMS}
    error = mandats.identity_error(claims)
    if error:
        raise _refuse(aidant_user, f"FranceConnect : {error}", "identite_incomplete")
    session[SESSION_IDENTITY] = {
        "claims": claims,
        "organisation": kept["organisation"],
        "expires": time.time() + settings.FRANCECONNECT_IDENTITY_TTL,
    }
    try:
        where = franceconnect.endpoints()
    except franceconnect.FranceConnectError:
        where = None
    if where is None or not where.end_session:
        return logout_redirect_uri
    logout_state = franceconnect.new_state()
    return franceconnect.logout_url(
        where, id_token=identity.id_token, state=logout_state, post_logout_redirect_uri=logout_redirect_uri
    )


def identity_pending(session, aidant_user: User) -> dict | None:
    """The verified identity waiting for the aidant's confirmation (dropped once expired or of another org)."""
    pending = session.get(SESSION_IDENTITY)
    if not pending:
        return None
    if time.time() >= pending["expires"] or pending["organisation"] != _organisation_id(aidant_user):
        session.pop(SESSION_IDENTITY, None)
        return None
    return pending


def mandat_confirm(session, *, aidant_user: User, totp_code: str) -> Mandat:
    """Create the mandate for the verified identity and the kept choices, confirmed by a fresh TOTP code."""
    pending, kept = identity_pending(session, aidant_user), choices(session, aidant_user)
    if pending is None or kept is None:
        raise DomainError(NO_IDENTITY, code="sans_identite")
    mandat = mandats.mandat_create(
        aidant_user=aidant_user,
        claims=pending["claims"],
        demarches=kept["demarches"],
        duree=kept["duree"],
        totp_code=totp_code,
    )
    session.pop(SESSION_IDENTITY, None)
    session.pop(SESSION_CHOICES, None)
    return mandat
