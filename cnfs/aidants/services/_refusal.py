"""Refusals that the journal keeps: the attempt is written after the refused transaction has rolled back."""

from __future__ import annotations

from cnfs.aidants.enums import ActionJournal
from cnfs.core.errors import DomainError


class Refused(DomainError):
    """A refused act. Carries what the attempt was about, for its journal entry (identifiers only, no names)."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        organisation=None,
        usager=None,
        demarche: str = "",
        mandat=None,
        field: str | None = None,
    ):
        super().__init__(message, field=field, code=code)
        self.organisation = organisation
        self.usager = usager
        self.demarche = demarche
        self.mandat = mandat


def journal_refusal(refusal: Refused, *, actor, attempted: str) -> DomainError:
    """Write the attempt to the journal (outside the rolled-back work) and return the error to raise."""
    from cnfs.aidants.services.journal import journal_append

    journal_append(
        action=ActionJournal.TENTATIVE_REFUSEE,
        actor=actor,
        organisation=refusal.organisation,
        usager=refusal.usager,
        demarche=refusal.demarche,
        mandat=refusal.mandat,
        payload={"tentative": attempted, "motif": refusal.code},
    )
    return DomainError(refusal.message, field=refusal.field, code=refusal.code)
