"""The one write of `Candidature.etape` that other apps may call (the training app's readiness gate).

Recruitment services keep setting the stage of their own transitions (recruited, left); the stages in between
(in training, in the field) are decided by `cnfs.formation.services.conseiller_update_readiness`, which calls here.
"""

from __future__ import annotations

from django.db import transaction

from cnfs.core.models import User
from cnfs.core.services import audit_log
from cnfs.recrutement.enums import EtapeConseiller
from cnfs.recrutement.models import Candidature
from cnfs.recrutement.services._common import refuse

# Stages another app may move an advisor between: never back to candidate nor to "left", which belong to the
# recruitment and departure services.
ETAPES_DU_PARCOURS = (EtapeConseiller.RECRUTE, EtapeConseiller.EN_FORMATION, EtapeConseiller.EN_POSTE)


@transaction.atomic
def candidature_set_etape(
    *, actor: User | None, candidature: Candidature, etape: str, motif: str = "", request=None
) -> bool:
    """Move a recruited advisor between recruited, in training and in the field; audited. True when it changed.

    The row is locked so that two concurrent recomputations do not both log the same change.
    """
    if etape not in ETAPES_DU_PARCOURS:
        refuse(f"L’étape « {etape} » ne peut pas être fixée ici.", field="etape")
    locked = Candidature.objects.select_for_update().get(pk=candidature.pk)
    if locked.etape not in ETAPES_DU_PARCOURS:
        refuse(
            f"{locked} n’est pas recruté·e (étape « {locked.get_etape_display().lower()} ») : "
            "son étape ne change pas ici."
        )
    candidature.etape = locked.etape
    if locked.etape == etape:
        return False
    before = {"etape": locked.etape}
    Candidature.objects.filter(pk=locked.pk).update(etape=etape)
    candidature.etape = etape
    audit_log(
        actor=actor,
        action="recrutement.candidature_set_etape",
        target=locked,
        before=before,
        after={"etape": etape, "motif": motif},
        request=request,
    )
    return True
