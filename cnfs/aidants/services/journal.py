"""Appending to and verifying the hash-chained journal."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
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
    usager_text = str(getattr(usager, "uuid", usager) or "")
    if any("\n" in text for text in (action, usager_text, demarche or "")):
        raise ValueError("Journal : un champ ne peut pas contenir de saut de ligne.")
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = JournalEntry(
        action=action,
        actor_id=actor_id,
        organisation_id=_id(organisation),
        usager=usager_text,
        demarche=demarche or "",
        mandat_id=_id(mandat),
        payload=canonical_payload(payload),
    )
    # No savepoint inside a caller's transaction (two round trips of each journaled act, the refused authorisation
    # check among them): an append that fails there leaves that transaction to be rolled back, as an act must not
    # outlive its entry. Bad input is refused above, before anything is written.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        head = JournalEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        entry.seq, entry.previous_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        entry.created_at = timezone.now()
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


# SQLite: the canonical content of every row, built by the database itself in the exact format of
# canonical_content(); the rows then cross the driver as four plain values and Python only hashes and compares.
# (PostgreSQL: `journal_scan` rebuilds it from COPY's output, in parallel.) Django stores SQLite datetimes in UTC as
# "YYYY-MM-DD HH:MM:SS[.ffffff]" (no fraction when it is zero).
_SQLITE_CREATED_AT = (
    "replace(CASE WHEN length(created_at) = 19 THEN created_at || '.000000' ELSE created_at END, ' ', 'T') || '+00:00'"
)


def canonical_select_sql(vendor: str) -> str | None:
    """SELECT seq, canonical content, previous_hash, entry_hash in chain order; None for other databases."""
    if vendor != "sqlite":
        return None
    parts = ["seq", _SQLITE_CREATED_AT, "action", "COALESCE(actor_id, '')", "COALESCE(organisation_id, '')", "usager",
             "demarche", "COALESCE(mandat_id, '')", "payload", "previous_hash"]  # fmt: skip
    content = " || char(10) || ".join(parts)
    return f"SELECT seq, {content}, previous_hash, entry_hash FROM aidants_journalentry ORDER BY seq"


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


def journal_verify(*, chunk_size: int = 20_000, workers: int | None = None, slices: int | None = None):
    """Walk the whole chain in `seq` order and recompute every hash; stop at the first entry that does not match.

    Each entry must follow the previous one (`seq` without gap, `previous_hash` equal to the previous entry's
    hash) and hash to its stored `entry_hash`; its content must have exactly the ten fields (a newline slipped
    into a text field would let bytes move from one field to the next without changing the hash).

    On PostgreSQL a large journal is cut into `slices` checked by `workers` processes in parallel (one CPU each by
    default), all in one snapshot; each slice is chained to the entry before it, so the verdict and the first bad
    entry are those of the walk in one pass.
    """
    if connection.vendor == "postgresql":
        return _verify_in_postgresql(workers, slices)
    sha256 = hashlib.sha256
    expected_previous = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for seq, content, previous, stored in _rows(chunk_size):
        if seq != expected_seq:
            return VerificationReport(checked, min(seq, expected_seq), _gap(expected_seq))
        if previous != expected_previous:
            return VerificationReport(checked, seq, REASONS[PREVIOUS])
        if sha256(content.encode()).hexdigest() != stored or content.count("\n") != FIELD_SEPARATORS:
            return VerificationReport(checked, seq, REASONS[CONTENT])
        expected_previous = stored
        expected_seq += 1
        checked += 1
    return VerificationReport(checked)


GAP, PREVIOUS, CONTENT = "numero", "precedente", "contenu"
REASONS = {
    PREVIOUS: "l’empreinte précédente ne correspond pas à l’entrée d’avant",
    CONTENT: "son contenu ne correspond plus à son empreinte",
}
# Below this size one connection checks the journal: opening more would cost more than it saves.
PARALLEL_FROM = 500_000


def default_workers(entries: int) -> int:
    """Connections that check a journal of `entries` in parallel: one per CPU (at most 8) for a large one."""
    return min(os.cpu_count() or 1, 8) if entries >= PARALLEL_FROM else 1


def _gap(expected: int) -> str:
    return f"numéro attendu {expected} : une entrée manque ou a été insérée"


# PostgreSQL checks one slice of the chain with its own SHA-256 (no row crosses the driver): the same three rules
# as the Python walk above, and the first failing entry only, in two passes that each do one thing. The links pass
# walks the `seq` index in order with narrow rows (numbering, and each `previous_hash` against the stored hash of
# the entry before it); the content pass reads the slice in whatever order is cheapest (the heap, sequentially) and
# recomputes every hash, counting the rows on the way. One query computing both in one ordered window cost twice as
# much: every row's full content went through the window's tuple store. A slice starts at `first`; its first link
# is checked against `seam`, the stored hash of the entry before it. A text field holding a newline is the only way
# the content can have more than nine.
_PG_CONTENT = (
    "seq::text || E'\\n' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') "
    "|| E'\\n' || action || E'\\n' || COALESCE(actor_id::text, '') || E'\\n' || COALESCE(organisation_id::text, '') "
    "|| E'\\n' || usager || E'\\n' || demarche || E'\\n' || COALESCE(mandat_id::text, '') || E'\\n' || payload "
    "|| E'\\n' || previous_hash"
)
_PG_RANGE = "seq <= %(high)s AND (%(low)s::bigint IS NULL OR seq >= %(low)s)"
_PG_LINKS_SQL = f"""
SELECT seq, rn, seq <> rn, previous_hash <> expected_previous FROM (
  SELECT seq, %(first)s - 1 + row_number() OVER w AS rn, previous_hash,
         COALESCE(lag(entry_hash) OVER w, %(seam)s) AS expected_previous
  FROM aidants_journalentry WHERE {_PG_RANGE}
  WINDOW w AS (ORDER BY seq)
) AS c
WHERE seq <> rn OR previous_hash <> expected_previous
ORDER BY seq LIMIT 1
"""
_PG_CONTENT_SQL = f"""
SELECT count(*), min(seq) FILTER (
  WHERE encode(sha256(convert_to({_PG_CONTENT}, 'UTF8')), 'hex') <> entry_hash
     OR strpos(action, E'\\n') + strpos(usager, E'\\n') + strpos(demarche, E'\\n') + strpos(payload, E'\\n')
        + strpos(previous_hash, E'\\n') <> 0
) FROM aidants_journalentry WHERE {_PG_RANGE}
"""
_PG_SEAM_SQL = "SELECT entry_hash FROM aidants_journalentry WHERE seq = %s"


def _slices(last: int, count: int) -> list[tuple[int | None, int, int]]:
    """(low bound or None for the first, high bound, first expected seq) of `count` contiguous slices of 1..last."""
    size = -(-last // count)
    bounds = [(start, min(start + size - 1, last)) for start in range(1, last + 1, size)]
    return [(None if i == 0 else low, high, low) for i, (low, high) in enumerate(bounds)]


def _check_slice(cursor, low: int | None, high: int, first: int) -> tuple:
    """(checked, first bad seq or None, reason, expected seq) of the entries low <= seq <= high (no lower bound
    for the first slice, so that an entry numbered before 1 is seen), numbered from `first` on."""
    if first == 1:
        seam = GENESIS_HASH
    else:
        cursor.execute(_PG_SEAM_SQL, [first - 1])
        found = cursor.fetchone()
        seam = found[0] if found else ""  # missing: the slice before this one reports that gap first
    bounds = {"low": low, "high": high}
    cursor.execute(_PG_LINKS_SQL, {"first": first, "seam": seam, **bounds})
    bad_link = cursor.fetchone()
    cursor.execute(_PG_CONTENT_SQL, bounds)
    count, bad_content = cursor.fetchone()
    # The walk stops at the lowest failing `seq`; on the same entry a broken link is reported before its content.
    # Every entry before a bad content is correctly numbered (else the links pass found an earlier one): its row
    # number is its `seq`.
    if bad_content is not None and (bad_link is None or bad_content < bad_link[0]):
        return bad_content - first, bad_content, CONTENT, bad_content
    if bad_link is not None:
        seq, rn, gap, wrong_previous = bad_link
        reason = GAP if gap else PREVIOUS
        return rn - first, min(seq, rn) if gap else seq, reason, rn
    if first + count <= high:  # entries missing at the end of the slice
        return count, first + count, GAP, first + count
    return count, None, "", None


def _verify_in_postgresql(workers: int | None, slices: int | None) -> VerificationReport:
    # Inside a caller's transaction, rows it appended are visible to this connection only: no workers then.
    alone = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if not alone:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # Entries appended meanwhile are not in this snapshot: the verdict is about the chain as it was counted.
        cursor.execute("SELECT COALESCE(max(seq), 0) FROM aidants_journalentry")
        (last,) = cursor.fetchone()
        workers = default_workers(last) if workers is None else workers
        if alone or workers <= 1 or last == 0:
            return _report([_check_slice(cursor, None, last, 1)])
        cursor.execute("SELECT pg_export_snapshot()")  # the workers' transactions see exactly this one's rows
        (snapshot,) = cursor.fetchone()
        return _report(_in_parallel(snapshot, _slices(last, max(workers, slices or workers * 4)), workers))


def _report(results) -> VerificationReport:
    """The verdict of the slices' (checked, first bad seq, reason, expected seq), taken in chain order."""
    checked = 0
    for count, bad, reason, expected in results:
        if bad is not None:
            return VerificationReport(checked + count, bad, _gap(expected) if reason == GAP else REASONS[reason])
        checked += count
    return VerificationReport(checked)


def _in_parallel(snapshot: str, slices: list, workers: int):
    """The slices' results in chain order, each slice checked by PostgreSQL through a connection of its own (the
    threads only wait), up to the first slice that finds a bad entry: the later ones not started are cancelled."""
    import psycopg
    from psycopg import sql

    params = connection.get_connection_params()

    def check(bounds):
        with psycopg.connect(**params) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with conn.cursor() as cursor:
                cursor.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
                result = _check_slice(cursor, *bounds)
            conn.rollback()
        return result

    with ThreadPoolExecutor(max_workers=min(workers, len(slices)), thread_name_prefix="journal-verify") as pool:
        futures = [pool.submit(check, bounds) for bounds in slices]
        try:
            for future in futures:
                result = future.result()
                yield result
                if result[1] is not None:
                    return
        finally:
            for future in futures:
                future.cancel()
