"""Business writes of the funding app: one function per action, each in one transaction.

Split by area: `enveloppes` (the committed and paid totals, under row locks), `conventions` (subsidy, quota,
signature, renewal, departures), `versements` (payment schedules), `mobilier` (equipment grants).
"""

from cnfs.financement.services.conventions import (
    convention_create,
    convention_decline,
    convention_release_on_departure,
    convention_sign,
    reconventionnement_initiate,
    smic_at,
    subsidy_per_post,
)
from cnfs.financement.services.enveloppes import enveloppe_update, lock_enveloppe
from cnfs.financement.services.mobilier import (
    demande_mobilier_create,
    demande_mobilier_decide,
    demande_mobilier_pay,
    enveloppe_mobilier,
    modele_create,
)
from cnfs.financement.services.versements import (
    check_schedule,
    default_schedule,
    versement_mandate,
    versement_pay,
    versements_plan,
)

__all__ = [
    "check_schedule",
    "convention_create",
    "convention_decline",
    "convention_release_on_departure",
    "convention_sign",
    "default_schedule",
    "demande_mobilier_create",
    "demande_mobilier_decide",
    "demande_mobilier_pay",
    "enveloppe_mobilier",
    "enveloppe_update",
    "lock_enveloppe",
    "modele_create",
    "reconventionnement_initiate",
    "smic_at",
    "subsidy_per_post",
    "versement_mandate",
    "versement_pay",
    "versements_plan",
]
