"""Appending to and verifying the hash-chained journal."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from cnfs.aidants.models.journal import (
    GENESIS_HASH,
    HASHED_FIELDS,
    JournalEntry,
    canonical_payload,
    utc_text,
)

# Key of the PostgreSQL advisory lock that serialises appends (any constant unique to this chain).
CHAIN_LOCK_KEY = 7_420_001


def _lock_chain() -> None:
    """Serialise appends until the transaction ends, so two writers never read the same head and fork the chain.

    PostgreSQL: a transaction-scoped advisory lock. SQLite allows one writer at a time; the unique `seq` and
    `entry_hash` are the backstop on every database.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _id(obj) -> int | None:
    return None if obj is None else (obj if isinstance(obj, int) else obj.pk)


@transaction.atomic
def journal_append(
    *,
    action: str,
    actor=None,
    organisation=None,
    usager=None,
    demarche: str = "",
    mandat=None,
    payload: dict[str, Any] | None = None,
) -> JournalEntry:
    """Append one entry at the head of the chain. `usager` is an Usager (or its uuid): only the uuid is stored."""
    _lock_chain()
    head = JournalEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    seq, previous = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = JournalEntry(
        seq=seq,
        created_at=timezone.now(),
        action=action,
        actor_id=actor_id,
        organisation_id=_id(organisation),
        usager=str(getattr(usager, "uuid", usager) or ""),
        demarche=demarche or "",
        mandat_id=_id(mandat),
        payload=canonical_payload(payload),
        previous_hash=previous,
    )
    entry.entry_hash = entry.computed_hash()
    entry.save(force_insert=True)
    return entry


@dataclass
class VerificationReport:
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None

    def message(self) -> str:
        if self.ok:
            return f"Journal intègre : {self.checked} entrée(s) vérifiée(s), chaîne d’empreintes continue."
        return (
            f"Journal ALTÉRÉ : la première entrée en cause est la n° {self.first_bad_seq} ({self.reason}). "
            f"{self.checked} entrée(s) vérifiée(s) avant elle."
        )


def journal_verify(*, chunk_size: int = 20_000) -> VerificationReport:
    """Walk the whole chain in `seq` order and recompute every hash; stop at the first entry that does not match.

    Rows come through a server-side cursor (`iterator`) as plain tuples; the loop does one SHA-256 per row. It
    inlines `canonical_content()` for speed (a test proves both give the same bytes).
    """
    rows = JournalEntry.objects.order_by("seq").values_list(*HASHED_FIELDS, "entry_hash").iterator(chunk_size)
    sha256 = hashlib.sha256
    expected_previous = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for seq, created_at, action, actor, org, usager, demarche, mandat, payload, previous, stored in rows:
        if seq != expected_seq:
            reason = f"numéro attendu {expected_seq} : une entrée manque ou a été insérée"
            return VerificationReport(checked, seq if seq < expected_seq else expected_seq, reason)
        if previous != expected_previous:
            return VerificationReport(checked, seq, "l’empreinte précédente ne correspond pas à l’entrée d’avant")
        content = (
            f"{seq}\n{utc_text(created_at)}\n{action}\n{'' if actor is None else actor}\n"
            f"{'' if org is None else org}\n{usager}\n{demarche}\n{'' if mandat is None else mandat}\n"
            f"{payload}\n{previous}"
        )
        if sha256(content.encode()).hexdigest() != stored:
            return VerificationReport(checked, seq, "son contenu ne correspond plus à son empreinte")
        expected_previous = stored
        expected_seq += 1
        checked += 1
    return VerificationReport(checked)
