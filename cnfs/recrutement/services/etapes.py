"""The writes of `Candidature.etape` that other apps may call (the training app's readiness gate).

Recruitment services keep setting the stage of their own transitions (recruited, left); the stages in between
(in training, in the field) are decided by `cnfs.formation.services.conseiller_update_readiness`, which calls here.
"""

from __future__ import annotations

from django.db import transaction

from cnfs.core.models import AuditEvent, User
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


@transaction.atomic
def candidatures_set_etape(
    *, actor: User | None, changes: dict[int, tuple[str, str]], motifs: dict[str, str] | None = None
) -> dict[str, int]:
    """Many stage changes at once (a daily recomputation): {candidature pk: (expected stage, new stage)}.

    Each change is a conditional update (`etape` still equal to the expected stage, and both stages among the
    recruited ones), so a concurrent change is never overwritten; one audit event per change actually made.
    Returns {new stage: number of advisors moved into it}.
    """
    motifs = motifs or {}
    by_move: dict[tuple[str, str], list[int]] = {}
    for pk, (current, target) in changes.items():
        if current == target:
            continue
        if current not in ETAPES_DU_PARCOURS or target not in ETAPES_DU_PARCOURS:
            refuse(f"Le passage de « {current} » à « {target} » ne peut pas être fait ici.", field="etape")
        by_move.setdefault((current, target), []).append(pk)
    events, moved = [], {}
    for (current, target), pks in by_move.items():
        for i in range(0, len(pks), 500):
            chunk = pks[i : i + 500]
            done = list(Candidature.objects.filter(pk__in=chunk, etape=current).values_list("pk", "prenom", "nom"))
            Candidature.objects.filter(pk__in=[pk for pk, _, _ in done], etape=current).update(etape=target)
            moved[target] = moved.get(target, 0) + len(done)
            events.extend(
                AuditEvent(
                    actor=actor if actor is not None and actor.is_authenticated else None,
                    action="recrutement.candidature_set_etape",
                    target_type=Candidature._meta.label_lower,
                    target_id=str(pk),
                    target_repr=f"{prenom} {nom}"[:255],
                    before={"etape": current},
                    after={"etape": target, "motif": motifs.get(target, "")},
                )
                for pk, prenom, nom in done
            )
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return moved
