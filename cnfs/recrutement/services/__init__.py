"""Business writes of the recruitment chain: one function per action, each in one transaction.

Split by area: `structures` (structures, requests, amendments, opinions, committee), `candidatures`,
`recrutements` (matches, recruitments, contracts, departures).
"""

from cnfs.recrutement.services._common import DoublonError
from cnfs.recrutement.services.candidatures import candidature_create, candidature_update
from cnfs.recrutement.services.inscriptions import (
    account_confirm,
    candidat_signup,
    confirmation_resend,
    structure_signup,
)
from cnfs.recrutement.services.messages import message_send, messages_mark_read
from cnfs.recrutement.services.recrutements import (
    contrat_renewal_request,
    contrat_renewal_validate,
    current_contract,
    distance_km,
    mise_en_relation_preselect,
    mise_en_relation_reject,
    recrutement_cancel,
    recrutement_record,
    recrutement_validate,
    rupture_declare,
    rupture_justificatif_set,
    rupture_validate,
)
from cnfs.recrutement.services.structures import (
    avenant_decide,
    avenant_request,
    avis_prefet_give,
    comite_decide,
    demande_close,
    demande_create,
    demande_submit,
    demande_update,
    lock_structure,
    session_comite_create,
    structure_create,
)

__all__ = [
    "DoublonError",
    "account_confirm",
    "candidat_signup",
    "confirmation_resend",
    "demande_update",
    "message_send",
    "messages_mark_read",
    "rupture_justificatif_set",
    "structure_signup",
    "avenant_decide",
    "avenant_request",
    "avis_prefet_give",
    "candidature_create",
    "candidature_update",
    "comite_decide",
    "contrat_renewal_request",
    "contrat_renewal_validate",
    "current_contract",
    "demande_close",
    "demande_create",
    "demande_submit",
    "distance_km",
    "lock_structure",
    "mise_en_relation_preselect",
    "mise_en_relation_reject",
    "recrutement_cancel",
    "recrutement_record",
    "recrutement_validate",
    "rupture_declare",
    "rupture_validate",
    "session_comite_create",
    "structure_create",
]
