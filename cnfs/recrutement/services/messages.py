"""Messages from structures to the candidates they are in relation with, and their read state."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.recrutement import notifications, permissions
from cnfs.recrutement.enums import StatutMiseEnRelation
from cnfs.recrutement.models import Candidature, Message, MiseEnRelation
from cnfs.recrutement.models.message import MESSAGE_MAX
from cnfs.recrutement.services._common import forbid, refuse

# A structure writes to the people it pre-selected or recruited, not to everyone it once looked at.
STATUTS_MESSAGE = frozenset(
    {StatutMiseEnRelation.PRESELECTIONNEE, StatutMiseEnRelation.RECRUTEE, StatutMiseEnRelation.FINALISEE}
)


def preselection_notice(mer: MiseEnRelation) -> Message:
    """The automatic message a pre-selection sends (called inside the pre-selection's transaction)."""
    structure = mer.structure
    return Message.objects.create(
        mise_en_relation=mer,
        automatique=True,
        corps=(
            f"{structure.nom} ({structure.commune.nom}) vous a pré-sélectionné·e pour un poste de conseiller "
            f"numérique. La structure va vous contacter pour un entretien ; vous pouvez aussi la joindre : "
            f"{structure.contact_prenom} {structure.contact_nom}, {structure.contact_email}."
        ),
    )


@transaction.atomic
def message_send(*, actor: User, mer: MiseEnRelation, corps: str, request=None) -> Message:
    """A structure manager writes to a candidate it pre-selected or recruited; the candidate is told by e-mail."""
    if not permissions.can_manage_structure(actor, mer.structure):
        forbid("Vous ne pouvez écrire qu’aux candidats de votre structure.")
    mer = MiseEnRelation.objects.select_related("structure__commune", "candidature").get(pk=mer.pk)
    if mer.statut not in STATUTS_MESSAGE:
        refuse(
            f"Cette mise en relation est « {mer.get_statut_display().lower()} » : "
            "écrivez seulement aux personnes pré-sélectionnées ou recrutées."
        )
    corps = (corps or "").strip()
    if not corps:
        refuse("Le message est vide.", field="corps")
    if len(corps) > MESSAGE_MAX:
        refuse(f"Le message ne doit pas dépasser {MESSAGE_MAX} caractères.", field="corps")
    message = Message.objects.create(mise_en_relation=mer, corps=corps, auteur=actor)
    audit_log(
        actor=actor,
        action="recrutement.message_send",
        target=message,
        after={"mise_en_relation": mer.pk, "longueur": len(corps)},
        request=request,
    )
    notifications.queue_email(
        recipients=[mer.candidature.email],
        template="message_structure",
        context={"structure": mer.structure, "candidature": mer.candidature},
    )
    return message


@transaction.atomic
def messages_mark_read(*, actor: User, candidature: Candidature) -> int:
    """The candidate has seen their messages: every unread one gets today's read time. Returns how many."""
    if candidature.user_id is None or candidature.user_id != actor.pk:
        forbid("Seule la personne destinataire peut marquer ses messages comme lus.")
    return Message.objects.filter(mise_en_relation__candidature=candidature, lu_le__isnull=True).update(
        lu_le=timezone.now()
    )
