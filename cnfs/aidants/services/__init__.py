"""Writes of Aidants Connect, one module per area. Every act lands in the journal in the same transaction.

- `journal`: append (serialised, hash-chained) and verify;
- `habilitation`: organisation requests, their review, aidants' training and validation;
- `mandats`: the FranceConnect seam (`usager_from_identity`), mandates, authorisations, revocation, the check.

A refused action raises `DomainError` (French message) after journaling the attempt, which survives the refusal.
"""

from cnfs.aidants.services.habilitation import (
    aidant_record_training,
    aidant_validate,
    demande_accept,
    demande_ask_changes,
    demande_refuse,
    demande_submit,
)
from cnfs.aidants.services.journal import journal_append, journal_verify
from cnfs.aidants.services.mandats import (
    aidant_can_act,
    autorisation_require,
    autorisation_revoke,
    claims_from_aidant_form,
    mandat_create,
    mandat_renew,
    mandat_revoke,
    sub_hash,
    usager_from_identity,
)

__all__ = [
    "aidant_can_act",
    "aidant_record_training",
    "aidant_validate",
    "autorisation_require",
    "autorisation_revoke",
    "claims_from_aidant_form",
    "demande_accept",
    "demande_ask_changes",
    "demande_refuse",
    "demande_submit",
    "journal_append",
    "journal_verify",
    "mandat_create",
    "mandat_renew",
    "mandat_revoke",
    "sub_hash",
    "usager_from_identity",
]
