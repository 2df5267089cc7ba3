"""The hook between recruitment and funding: a validated departure frees the unused months of the post.

`departure_validated` is this app's signal; `connect()` (called from `FinancementConfig.ready`) listens to
`post_save` of `recrutement.Rupture` and, when a rupture is saved as validated, frees the money through
`services.convention_release_on_departure` inside the same transaction as the validation. The recruitment app is
not changed: it only saves its rupture.
"""

from __future__ import annotations

import django.dispatch
from django.db.models.signals import post_save

# Sent after money was freed: `convention_release_on_departure` results (sender=Rupture, rupture=…, montant=cents).
departure_validated = django.dispatch.Signal()

DISPATCH_UID = "cnfs.financement.rupture_validee"


def on_rupture_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    from cnfs.financement.services import convention_release_on_departure
    from cnfs.recrutement.enums import StatutRupture

    if raw or instance.statut != StatutRupture.VALIDEE:
        return
    if update_fields is not None and "statut" not in update_fields:
        return
    mer = instance.mise_en_relation
    freed = convention_release_on_departure(
        structure=mer.structure,
        date_depart=instance.date_rupture,
        date_prise_poste=mer.date_recrutement,
        rupture=instance,
        actor=instance.validated_by,
    )
    departure_validated.send(sender=sender, rupture=instance, montant=freed)


def connect() -> None:
    from cnfs.recrutement.models import Rupture

    post_save.connect(on_rupture_saved, sender=Rupture, dispatch_uid=DISPATCH_UID)
