"""Turning a line of the global suggestion into a proposal: a new mise en relation the structure then examines.

Nothing is assigned without a person: the proposal only puts the candidate in the structure's list ("nouvelle");
the structure pre-selects, interviews and recruits as for any other candidate.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from cnfs.core.models import User
from cnfs.recrutement import permissions
from cnfs.recrutement.enums import ETAPES_DISPONIBLES, StatutMiseEnRelation
from cnfs.recrutement.models import Candidature, MiseEnRelation, Structure
from cnfs.recrutement.services._common import forbid, refuse
from cnfs.recrutement.services.recrutements import _audit, distance_km
from cnfs.recrutement.services.structures import lock_structure


@transaction.atomic
def suggestion_propose(*, actor: User, structure: Structure, candidature: Candidature, request=None) -> MiseEnRelation:
    """Propose a candidate to a structure that has an open post (national team, or the hub of its département).

    Refused when the candidate is no longer available, lives beyond their own radius, is already in relation
    with this structure, or when the structure has no open post left.
    """
    if not permissions.can_propose(actor, structure):
        forbid("Vous ne pouvez pas proposer de candidats à cette structure.")
    structure = lock_structure(structure)
    structure = Structure.objects.select_related("commune__departement").get(pk=structure.pk)
    candidature = Candidature.objects.select_related("commune__departement").get(pk=candidature.pk)
    if structure.postes_disponibles <= 0:
        refuse("Cette structure n’a plus de poste ouvert : la proposition n’est pas enregistrée.")
    if candidature.etape not in ETAPES_DISPONIBLES:
        refuse("Ce candidat n’est plus disponible : il est déjà recruté.")
    distance = distance_km(structure, candidature)
    if distance is None or distance > candidature.distance_max:
        refuse("Ce candidat ne souhaite pas travailler aussi loin de chez lui.")
    if MiseEnRelation.objects.filter(structure=structure, candidature=candidature).exists():
        refuse("Ce candidat est déjà en relation avec cette structure.")
    try:
        with transaction.atomic():
            mer = MiseEnRelation.objects.create(
                structure=structure,
                candidature=candidature,
                statut=StatutMiseEnRelation.NOUVELLE,
                distance_km=round(distance, 1),
            )
    except IntegrityError:  # proposed by someone else at the same moment
        refuse("Ce candidat est déjà en relation avec cette structure.")
    _audit(actor, "suggestion_propose", mer, None, request)
    return mer
