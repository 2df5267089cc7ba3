"""The requester confirms their e-mail address: until the signed link is followed, the request is "à confirmer"
and the national team does not see it by default.

The link carries the request's id signed with a timestamp (`django.core.signing`, its own salt): it expires after
`AIDANTS_CONFIRMATION_DAYS` days, a forged or altered link fails the signature, and it serves once (the
confirmation date is set under a row lock; a second use is told the address is already confirmed).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cnfs.aidants.emails import queue_email, site_url
from cnfs.aidants.enums import ActionJournal, StatutDemandeHabilitation
from cnfs.aidants.models import DemandeHabilitation
from cnfs.aidants.services.journal import journal_append
from cnfs.core.errors import DomainError

SALT = "cnfs.aidants.demande.confirmation"
LINK_INVALID = "Ce lien de confirmation n’est pas valide : copiez-le en entier depuis le courriel reçu."
LINK_EXPIRED = "Ce lien de confirmation a expiré. Déposez à nouveau votre demande : un nouveau lien vous sera envoyé."
ALREADY_CONFIRMED = "Votre adresse est déjà confirmée : ce lien a déjà servi. Votre demande est en cours d’étude."
NOT_PENDING = "Cette demande n’est plus en attente de confirmation (elle a été remplacée ou instruite)."


def confirmation_days() -> int:
    return int(getattr(settings, "AIDANTS_CONFIRMATION_DAYS", 7))


def confirmation_token(demande: DemandeHabilitation) -> str:
    # The address is signed too: a link stays bound to the address it was sent to.
    return signing.TimestampSigner(salt=SALT).sign_object({"d": demande.pk, "e": demande.demandeur_email.lower()})


def confirmation_url(demande: DemandeHabilitation) -> str:
    return site_url() + reverse("aidants:demande_confirmer", args=[confirmation_token(demande)])


def send_confirmation(demande: DemandeHabilitation) -> None:
    """E-mail the signed link to the requester (after the commit of the request)."""
    queue_email(
        to=[demande.demandeur_email],
        template="demande_confirmation",
        context={"demande": demande, "url": confirmation_url(demande), "jours": confirmation_days()},
    )


@transaction.atomic
def demande_confirm_email(*, token: str, request=None) -> DemandeHabilitation:
    """Follow the link: the request becomes visible to the national team. French DomainError otherwise."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        data = signer.unsign_object(token, max_age=confirmation_days() * 86400)
    except signing.SignatureExpired:
        raise DomainError(LINK_EXPIRED, code="lien_expire") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise DomainError(LINK_INVALID, code="lien_invalide") from None
    if not isinstance(data, dict) or not isinstance(data.get("d"), int):
        raise DomainError(LINK_INVALID, code="lien_invalide")
    demande = DemandeHabilitation.objects.select_for_update().filter(pk=data["d"]).first()
    if demande is None or demande.demandeur_email.lower() != data.get("e"):
        raise DomainError(LINK_INVALID, code="lien_invalide")
    if demande.email_confirme_le is not None:
        raise DomainError(ALREADY_CONFIRMED, code="deja_confirme")
    if demande.statut != StatutDemandeHabilitation.SOUMISE:
        raise DomainError(NOT_PENDING, code="plus_en_attente")
    demande.email_confirme_le = timezone.now()
    demande.save(update_fields=["email_confirme_le", "updated_at"])
    journal_append(action=ActionJournal.DEMANDE_EMAIL_CONFIRME, payload={"demande": demande.pk})
    return demande
