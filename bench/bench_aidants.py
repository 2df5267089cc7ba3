"""Benchmark of the Aidants Connect journal: chain verification throughput.

    python bench/bench_aidants.py                 # 1,000,000 entries in a temporary SQLite database
    python bench/bench_aidants.py --smoke         # 20,000 entries, a few seconds (CI)
    python bench/bench_aidants.py --entries 10000000 --database-url postgres://postgres@127.0.0.1:5432/cnfs_bench

Fills an empty journal with a valid hash chain (bulk inserts; the rows are those `journal_append` would write),
then times `journal_verify()` — the code behind `cnfs aidants journal verifier` — and, in the same run, two
baselines over the same rows: the naive walk (ORM instances, `computed_hash()` per entry), and the bare SHA-256
loop over rows already in memory (the floor: what hashing alone costs).

Target (issue 7): at least 200,000 entries/s. The exit code is 1 when it is missed (not with --smoke).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = 200_000
ACTIONS = ["autorisation_verifiee", "mandat_cree", "autorisation_creee", "identite_usager", "mandat_revoque"]


def fill(n: int, batch: int = 20_000) -> float:
    """Write a valid chain of `n` entries; returns the seconds it took."""
    import uuid

    from cnfs.aidants.models import JournalEntry
    from cnfs.aidants.models.journal import GENESIS_HASH, canonical_content, canonical_payload

    if JournalEntry.objects.exists():
        sys.exit("Le journal de cette base n’est pas vide : le banc a besoin d’une base dédiée.")
    started = time.perf_counter()
    base = datetime.datetime(2026, 1, 5, 8, tzinfo=datetime.UTC)
    usagers = [str(uuid.UUID(int=i + 1)) for i in range(1000)]
    previous = GENESIS_HASH
    rows = []
    for seq in range(1, n + 1):
        created_at = base + datetime.timedelta(milliseconds=seq * 7)
        fields = (
            seq,
            created_at,
            ACTIONS[seq % len(ACTIONS)],
            1000 + seq % 300,
            1 + seq % 40,
            usagers[seq % len(usagers)],
            "social" if seq % 3 else "",
            seq // 3 or None,
            canonical_payload({"autorisation": seq, "motif": None}),
            previous,
        )
        digest = hashlib.sha256(canonical_content(*fields)).hexdigest()
        rows.append(
            JournalEntry(
                seq=seq,
                created_at=created_at,
                action=fields[2],
                actor_id=fields[3],
                organisation_id=fields[4],
                usager=fields[5],
                demarche=fields[6],
                mandat_id=fields[7],
                payload=fields[8],
                previous_hash=previous,
                entry_hash=digest,
            )
        )
        previous = digest
        if len(rows) == batch:
            JournalEntry.objects.bulk_create(rows)
            rows.clear()
            if seq % (batch * 25) == 0:
                print(f"  … {seq:,} entrées écrites".replace(",", " "), flush=True)
    if rows:
        JournalEntry.objects.bulk_create(rows)
    return time.perf_counter() - started


def naive_verify(limit: int) -> tuple[int, float]:
    """The obvious walk: model instances, one `computed_hash()` each (on the first `limit` entries)."""
    from cnfs.aidants.models import JournalEntry

    started = time.perf_counter()
    count = 0
    previous = None
    for entry in JournalEntry.objects.order_by("seq")[:limit].iterator(chunk_size=2000):
        assert entry.computed_hash() == entry.entry_hash and (previous is None or entry.previous_hash == previous)
        previous = entry.entry_hash
        count += 1
    return count, time.perf_counter() - started


def bare_hash_floor(limit: int) -> tuple[int, float]:
    """SHA-256 over canonical contents already in memory: the cost of hashing alone."""
    from cnfs.aidants.models import JournalEntry
    from cnfs.aidants.models.journal import HASHED_FIELDS, canonical_content

    contents = [
        canonical_content(*row) for row in JournalEntry.objects.order_by("seq").values_list(*HASHED_FIELDS)[:limit]
    ]
    sha256 = hashlib.sha256
    started = time.perf_counter()
    for content in contents:
        sha256(content).hexdigest()
    return len(contents), time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="petit jeu de données (quelques secondes)")
    parser.add_argument("--entries", type=int, default=None, help="nombre d’entrées du journal")
    parser.add_argument("--database-url", default=None, help="base dédiée (journal vide) ; SQLite temporaire sinon")
    parser.add_argument("--repeat", type=int, default=3, help="nombre de vérifications chronométrées (meilleure)")
    args = parser.parse_args()
    n = args.entries or (20_000 if args.smoke else 1_000_000)
    tmp = Path(tempfile.mkdtemp(prefix="bench-aidants-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cnfs.settings",
            "CNFS_VAR_DIR": str(tmp),
            "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cnfs.aidants.services import journal_verify

    try:
        print(
            f"Banc du journal Aidants Connect — {platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} cœurs, base {connection.vendor}{' (fournie)' if args.database_url else ' temporaire'}"
        )
        call_command("migrate", verbosity=0, interactive=False)
        seconds = fill(n)
        print(f"Journal : {n:,} entrées chaînées écrites en {seconds:.1f} s".replace(",", " "))

        best = None
        for _ in range(max(1, args.repeat)):
            started = time.perf_counter()
            report = journal_verify()
            elapsed = time.perf_counter() - started
            if not report.ok or report.checked != n:
                print(f"ÉCHEC : {report.message()}")
                return 1
            best = elapsed if best is None else min(best, elapsed)
        rate = n / best
        sample = min(n, 200_000)
        naive_n, naive_s = naive_verify(sample)
        floor_n, floor_s = bare_hash_floor(sample)
        naive_rate, floor_rate = naive_n / naive_s, floor_n / floor_s
        print(
            f"Vérification (journal_verify)   : {rate:12,.0f} entrées/s  ({n:,} entrées en {best:.2f} s)".replace(
                ",", " "
            )
        )
        print(
            f"Référence naïve (ORM et instances): {naive_rate:12,.0f} entrées/s  (sur {naive_n:,})".replace(",", " ")
        )
        print(f"Plancher SHA-256 seul (mémoire) : {floor_rate:12,.0f} entrées/s  (sur {floor_n:,})".replace(",", " "))
        print(f"Rapport vérification / naïve    : {rate / naive_rate:.1f}×")
        print(f"Part du plancher atteinte       : {rate / floor_rate:.0%}")
        met = rate >= TARGET
        print(f"Objectif ≥ {TARGET:,} entrées/s : {'atteint' if met else 'MANQUÉ'}".replace(",", " "))
        return 0 if met or args.smoke else 1
    finally:
        connection.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
