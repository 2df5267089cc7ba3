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
    canonical_content,
    canonical_payload,
)

FIELD_SEPARATORS = len(HASHED_FIELDS) - 1

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
    texts = (action, str(getattr(usager, "uuid", usager) or ""), demarche or "")
    if any("\n" in text for text in texts):
        raise ValueError("Journal : un champ ne peut pas contenir de saut de ligne.")
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


# The canonical content of every row, built by the database itself in the exact format of canonical_content():
# the rows then cross the driver as four plain values and Python only hashes and compares.
_NL = {"postgresql": "E'\\n'", "sqlite": "char(10)"}
_CREATED_AT = {
    "postgresql": "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
    # Django stores SQLite datetimes in UTC as "YYYY-MM-DD HH:MM:SS[.ffffff]" (no fraction when it is zero).
    "sqlite": (
        "replace(CASE WHEN length(created_at) = 19 THEN created_at || '.000000' ELSE created_at END, ' ', 'T')"
        " || '+00:00'"
    ),
}
_TEXT = {"postgresql": "{}::text", "sqlite": "{}"}


def _content_sql(vendor: str) -> str:
    nl, text = _NL[vendor], _TEXT[vendor]
    parts = [
        text.format("seq"),
        _CREATED_AT[vendor],
        "action",
        f"COALESCE({text.format('actor_id')}, '')",
        f"COALESCE({text.format('organisation_id')}, '')",
        "usager",
        "demarche",
        f"COALESCE({text.format('mandat_id')}, '')",
        "payload",
        "previous_hash",
    ]
    return f" || {nl} || ".join(parts)


def canonical_select_sql(vendor: str) -> str | None:
    """SELECT seq, canonical content, previous_hash, entry_hash in chain order; None for other databases."""
    if vendor not in _NL:
        return None
    return f"SELECT seq, {_content_sql(vendor)}, previous_hash, entry_hash FROM aidants_journalentry ORDER BY seq"


# PostgreSQL checks the whole chain in one ordered pass, hashing with its own SHA-256 (no row crosses the driver):
# the same three rules as the Python walk below, in the same order, and the first failing entry only. The walk
# stops at the first failure: a tampered row near the start is found without reading the rest.
_PG_VERIFY_SQL = """
SELECT seq, rn, seq <> rn, previous_hash <> expected_previous FROM (
  SELECT seq, row_number() OVER w AS rn, previous_hash, entry_hash, content,
         COALESCE(lag(entry_hash) OVER w, %(genesis)s) AS expected_previous
  FROM (SELECT seq, previous_hash, entry_hash, {content} AS content FROM aidants_journalentry
        WHERE seq <= %(last)s) AS j
  WINDOW w AS (ORDER BY seq)
) AS c
WHERE seq <> rn OR previous_hash <> expected_previous
   OR encode(sha256(convert_to(content, 'UTF8')), 'hex') <> entry_hash
   OR length(content) - length(replace(content, E'\\n', '')) <> %(separators)s
ORDER BY seq LIMIT 1
"""


def _rows(chunk_size: int):
    """(seq, canonical content, previous_hash, entry_hash) in chain order, through a server-side cursor."""
    sql = canonical_select_sql(connection.vendor)
    if sql is None:  # another database: the same content, formatted by Python
        fields = JournalEntry.objects.order_by("seq").values_list(*HASHED_FIELDS, "entry_hash")
        for *values, stored in fields.iterator(chunk_size):
            yield values[0], canonical_content(*values).decode(), values[-1], stored
        return
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(chunk_size):
            yield from batch


def journal_verify(*, chunk_size: int = 20_000) -> VerificationReport:
    """Walk the whole chain in `seq` order and recompute every hash; stop at the first entry that does not match.

    Each entry must follow the previous one (`seq` without gap, `previous_hash` equal to the previous entry's
    hash) and hash to its stored `entry_hash`; its content must have exactly the ten fields (a newline slipped
    into a text field would let bytes move from one field to the next without changing the hash).
    """
    if connection.vendor == "postgresql" and canonical_select_sql(connection.vendor) is not None:
        return _verify_in_postgresql()
    sha256 = hashlib.sha256
    expected_previous = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for seq, content, previous, stored in _rows(chunk_size):
        if seq != expected_seq:
            reason = f"numéro attendu {expected_seq} : une entrée manque ou a été insérée"
            return VerificationReport(checked, min(seq, expected_seq), reason)
        if previous != expected_previous:
            return VerificationReport(checked, seq, "l’empreinte précédente ne correspond pas à l’entrée d’avant")
        if sha256(content.encode()).hexdigest() != stored or content.count("\n") != FIELD_SEPARATORS:
            return VerificationReport(checked, seq, "son contenu ne correspond plus à son empreinte")
        expected_previous = stored
        expected_seq += 1
        checked += 1
    return VerificationReport(checked)


def _verify_in_postgresql() -> VerificationReport:
    with connection.cursor() as cursor:
        # Entries appended meanwhile come after `last`: the verdict is about the chain as it was counted.
        cursor.execute("SELECT count(*), COALESCE(max(seq), 0) FROM aidants_journalentry")
        total, last = cursor.fetchone()
        sql = _PG_VERIFY_SQL.format(content=_content_sql("postgresql"))
        cursor.execute(sql, {"genesis": GENESIS_HASH, "last": last, "separators": FIELD_SEPARATORS})
        bad = cursor.fetchone()
    if bad is None:
        return VerificationReport(total)
    seq, rn, gap, wrong_previous = bad
    if gap:
        return VerificationReport(rn - 1, min(seq, rn), f"numéro attendu {rn} : une entrée manque ou a été insérée")
    if wrong_previous:
        return VerificationReport(rn - 1, seq, "l’empreinte précédente ne correspond pas à l’entrée d’avant")
    return VerificationReport(rn - 1, seq, "son contenu ne correspond plus à son empreinte")
