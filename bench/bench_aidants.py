"""Benchmark of Aidants Connect at scale: the aidant's usager list, the authorisation check, the journal verifier.

    python bench/bench_aidants.py --smoke         # small data set in a temporary SQLite database (CI, seconds)
    python bench/bench_aidants.py --database-url postgres://postgres@127.0.0.1:5432/cnfs_bench_aidants \\
        --mandates 1000000 --entries 10000000 --reuse --explain

Generates (bench/aidants_data.py: COPY on PostgreSQL) about 3,000 organisations, their aidants, the usagers,
`--mandates` mandates (mostly expired, about a fifth active, 1 to 4 démarches each) and a journal of `--entries`
entries forming a valid hash chain (the rows `journal_append` writes; the append-only triggers stay in place).
Without `--reuse` a PostgreSQL database is dropped and created again (its name must contain "bench"); with
`--reuse` data already generated at the same sizes is kept (generated once otherwise).

Then times the real code paths, median and 95th percentile over many calls, each against a baseline in the same
run: the selector behind the aidant's usager list (`selectors.mandats_actifs` through the page's Paginator, page 1
and the last page, for the aidant of the organisation with the most active mandates) and `autorisation_require`
(allowed, and refused — that refusal is journaled, then rolled back); the list's baseline is a naive ORM version
(every mandate of the organisation, filtered and sorted in Python), the check's is the same code with index scans
disabled on PostgreSQL (`enable_indexscan`, `enable_indexonlyscan`, `enable_bitmapscan` off), a naive ORM version
on SQLite. Then `journal_verify()` over the whole journal (entries/s; on PostgreSQL slices of the chain checked
in parallel, one connection per core, `--workers` to choose), against the naive ORM walk and the bare SHA-256 floor.

Targets (issue 7): the list and the check under 20 ms (95th percentile), the verifier at least 200,000 entries/s.
The exit code is 1 when one is missed (not with --smoke).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

VERIFY_TARGET = 200_000
LATENCY_TARGET_MS = 20.0


def fmt(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def recreate_postgres_database(url: str, *, keep: bool) -> None:
    """Drop and create the bench database (or only create it when missing and `keep`)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"La base « {name} » sera effacée : son nom doit contenir « bench » (ou utilisez --reuse).")
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and keep:
            return
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def without_index_scans():
    """PostgreSQL: the same queries, planned as if there were no index (the baseline)."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
                cursor.execute(f"SET LOCAL {name} = off")
        yield


def queries_of(function, setup=None) -> str:
    """How many SQL queries one call makes (load-independent, unlike the times on a shared machine)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if setup:
        setup(0)
    with CaptureQueriesContext(connection) as captured:
        function(0)
    return f"[{len(captured)} requêtes]"


def timed(function, calls: int, setup=None) -> list[float]:
    """Milliseconds of each call (`setup` runs before each, untimed)."""
    times = []
    for i in range(calls):
        if setup:
            setup(i)
        started = time.perf_counter()
        function(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(len(times) * 0.95) - 1)]


def line(label: str, times: list[float], baseline: list[float] | None = None, note: str = "") -> None:
    text = f"{label:<44}: médiane {statistics.median(times):7.2f} ms, p95 {p95(times):7.2f} ms"
    if baseline:
        reference = statistics.median(baseline)
        text += f"  | référence {reference:8.2f} ms ({reference / statistics.median(times):.0f}×)"
    print(text + (f"  {note}" if note else ""))


def data_sizes():
    from cnfs.aidants.models import JournalEntry, Mandat

    return Mandat.objects.count(), JournalEntry.objects.count()


def bench_list(org_id: int, calls: int, pg: bool, explain: bool) -> tuple[list[float], list[float]]:
    from django.core.paginator import Paginator
    from django.db.models import Prefetch

    from cnfs.aidants import selectors
    from cnfs.aidants.models import Autorisation, Mandat
    from cnfs.recrutement.views._helpers import PAGE_SIZE

    def page(number):
        result = Paginator(selectors.mandats_actifs(org_id), PAGE_SIZE).get_page(number)
        rows = list(result.object_list)
        assert rows and all(m.usager.family_name for m in rows)
        return result

    def naive(number):
        """Every mandate of the organisation as an instance, filtered and sorted in Python."""
        active = [m for m in Mandat.objects.select_related("usager").filter(organisation_id=org_id) if m.is_active()]
        active.sort(key=lambda m: (m.usager.family_name, m.usager.given_names, m.fin, m.pk))
        rows = active[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        Prefetch  # noqa: B018 — the prefetch of the real selector, done by hand
        by_mandat = {}
        for a in Autorisation.objects.filter(mandat__in=[m.pk for m in rows], revoked_at__isnull=True):
            by_mandat.setdefault(a.mandat_id, []).append(a)
        return rows, by_mandat

    last = page(1).paginator.num_pages
    results = {}
    for number, label in ((1, "page 1"), (last, f"page {last} (dernière)")):
        page(number)  # warm
        times = timed(lambda i, n=number: page(n), calls)
        # The baseline is the naive version on both databases: with index scans off, the selector's per-row
        # lookups of the usager's names would each become a sequential scan (hours, not a reference).
        base = timed(lambda i, n=number: naive(n), max(3, calls // 10))
        results[label] = (times, base, queries_of(lambda i, n=number: page(n)))
        if explain and pg:
            offset = (number - 1) * PAGE_SIZE
            qs = selectors.mandats_actifs(org_id).rows_queryset(slice(offset, offset + PAGE_SIZE))
            print(f"\nEXPLAIN liste des usagers, {label} :\n{qs.explain(analyze=True, buffers=True)}")
            print(f"EXPLAIN nombre de mandats actifs :\n{_count_explain(selectors.mandats_actifs(org_id).by_name)}\n")
    return results


def _count_explain(queryset) -> str:
    from django.db import connection

    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({sql}) s", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def bench_check(org_id: int, user, calls: int, pg: bool, explain: bool, rng: random.Random):
    from django.db import transaction
    from django.db.models import Exists, OuterRef

    from cnfs.aidants.models import Autorisation, Mandat, Usager
    from cnfs.aidants.services import aidant_can_act, autorisation_require
    from cnfs.core.errors import DomainError

    allowed = list(
        Autorisation.objects.active()
        .filter(mandat__organisation_id=org_id)
        .values_list("mandat__usager_id", "demarche")
        .order_by("pk")[:5000]
    )
    active_for = Autorisation.objects.active().filter(
        mandat__organisation_id=org_id, mandat__usager_id=OuterRef("mandat__usager_id"), demarche=OuterRef("demarche")
    )
    refused = list(
        Autorisation.objects.filter(mandat__organisation_id=org_id, mandat__revoked_at__isnull=True)
        .exclude(Exists(active_for))
        .values_list("mandat__usager_id", "demarche")
        .order_by("pk")[:5000]
    )
    pairs_ok = rng.sample(allowed, min(calls, len(allowed)))
    pairs_no = rng.sample(refused, min(calls, len(refused)))
    usagers = Usager.objects.in_bulk({u for u, _ in pairs_ok + pairs_no})

    def fresh(_i):  # what a new request starts with: no cached scope nor aidant
        user.__dict__.pop("_cnfs_aidant", None)
        user.__dict__.pop("_cnfs_scope", None)

    def allow(i):
        usager_id, demarche = pairs_ok[i % len(pairs_ok)]
        assert autorisation_require(aidant_user=user, usager=usagers[usager_id], demarche=demarche).pk

    def refuse(i):
        usager_id, demarche = pairs_no[i % len(pairs_no)]
        with transaction.atomic():  # the refusal is journaled: rolled back to keep the bench's journal as generated
            assert not aidant_can_act(user, usagers[usager_id], demarche)
            transaction.set_rollback(True)

    def naive_allow(i):
        usager_id, demarche = pairs_ok[i % len(pairs_ok)]
        found = [
            a
            for a in Autorisation.objects.select_related("mandat").filter(demarche=demarche)
            if a.mandat.organisation_id == org_id and a.mandat.usager_id == usager_id and a.is_active()
        ]
        assert found

    results = {}
    allow(0)
    cases = [("autorisée", allow, pairs_ok)]
    if pairs_no:
        cases.append(("refusée (expirée ou révoquée, journalisée)", refuse, pairs_no))
    for label, function, pairs in cases:
        if not pairs:
            continue
        times = timed(function, calls, fresh)
        if pg:
            with without_index_scans():
                base = timed(function, max(3, calls // 10), fresh)
        elif function is allow:
            base = timed(naive_allow, max(3, calls // 10), fresh)
        else:
            base = None
        results[label] = (times, base, queries_of(function, fresh))
    if explain and pg:
        usager_id, demarche = pairs_ok[0]
        qs = Autorisation.objects.filter(
            mandat__organisation_id=org_id, mandat__usager_id=usager_id, demarche=demarche
        ).select_related("mandat")  # the query of autorisation_require (it picks the active one in Python)
        print(f"\nEXPLAIN autorisation_require :\n{qs.explain(analyze=True, buffers=True)}\n")
    del DomainError, Mandat
    return results


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
    parser.add_argument("--mandates", type=int, default=None, help="nombre de mandats (1 000 000 sur PostgreSQL)")
    parser.add_argument("--entries", type=int, default=None, help="entrées du journal (10 000 000 sur PostgreSQL)")
    parser.add_argument("--database-url", default=None, help="base dédiée ; SQLite temporaire sinon")
    parser.add_argument("--reuse", action="store_true", help="garder les données déjà générées entre deux passes")
    parser.add_argument("--calls", type=int, default=None, help="appels chronométrés par mesure (200)")
    parser.add_argument("--repeat", type=int, default=None, help="vérifications du journal chronométrées (meilleure)")
    parser.add_argument("--explain", action="store_true", help="afficher les plans EXPLAIN ANALYZE (PostgreSQL)")
    parser.add_argument("--skip-verify", action="store_true", help="ne pas chronométrer le vérificateur")
    parser.add_argument(
        "--workers", type=int, default=None, help="connexions du vérificateur en parallèle (une par cœur par défaut)"
    )
    args = parser.parse_args()
    pg_url = args.database_url if args.database_url and args.database_url.startswith("postgres") else None
    big = bool(pg_url) and not args.smoke
    mandates = args.mandates or (2_000 if args.smoke else 1_000_000 if big else 50_000)
    entries = args.entries or (20_000 if args.smoke else 10_000_000 if big else 500_000)
    calls = args.calls or (20 if args.smoke else 200)
    repeat = args.repeat or (1 if entries > 2_000_000 else 3)
    if pg_url:
        recreate_postgres_database(pg_url, keep=args.reuse)
    tmp = Path(tempfile.mkdtemp(prefix="bench-aidants-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cnfs.settings",
            "CNFS_VAR_DIR": str(tmp),
            "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from aidants_data import generate
    from benchdb import migrate
    from django.db import connection
    from django.db.models import Count

    from cnfs.aidants.models import Aidant, Mandat
    from cnfs.aidants.services import journal_verify
    from cnfs.aidants.services.journal import default_workers

    rng = random.Random(11)
    pg = connection.vendor == "postgresql"
    ok = True
    try:
        print(
            f"Banc Aidants Connect — {platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} cœurs, base {connection.vendor}{' (fournie)' if args.database_url else ' temporaire'}"
        )
        migrate()
        have = data_sizes()
        if have[1] == 0 and have[0] in (0, mandates):  # nothing yet, or the mandates of an interrupted run
            started = time.perf_counter()
            made = generate(mandates=mandates, entries=entries, log=lambda m: print(m, flush=True))
            print(
                f"Données générées en {time.perf_counter() - started:.0f} s : "
                f"{fmt(made.organisations)} organisations, "
                f"{fmt(made.aidants)} aidants, {fmt(made.usagers)} usagers, {fmt(made.mandats)} mandats, "
                f"{fmt(made.autorisations)} autorisations, {fmt(made.entries)} entrées du journal"
            )
            print("  (" + ", ".join(f"{k} {v:.0f} s" for k, v in made.seconds.items()) + ")")
        elif have[0] != mandates or have[1] < entries:
            sys.exit(
                f"La base contient déjà {fmt(have[0])} mandats et {fmt(have[1])} entrées : relancez sans --reuse "
                "pour la régénérer, ou donnez ces tailles."
            )
        else:
            print(f"Données réutilisées : {fmt(have[0])} mandats, {fmt(have[1])} entrées du journal")
            if pg:  # a migration may have just rewritten rows (backfill): measure tables as autovacuum leaves them
                with connection.cursor() as cursor:
                    for table in ("aidants_usager", "aidants_mandat", "aidants_autorisation"):
                        cursor.execute(f"VACUUM ANALYZE {table}")

        top = (
            Mandat.objects.active()
            .values("organisation_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "organisation_id")
            .first()
        )
        org_id, active = top["organisation_id"], top["n"]
        total = Mandat.objects.filter(organisation_id=org_id).count()
        user = Aidant.objects.filter(organisation_id=org_id).select_related("user").order_by("pk").first().user
        print(
            f"Organisation mesurée : n° {org_id}, {fmt(active)} mandats actifs sur {fmt(total)} ; "
            f"{calls} appels par mesure ; référence : "
            + ("mêmes requêtes sans parcours d’index" if pg else "version ORM naïve")
        )
        for label, (times, base, queries) in bench_list(org_id, calls, pg, args.explain).items():
            line(f"Liste des usagers, {label}", times, base, queries)
            ok &= p95(times) < LATENCY_TARGET_MS
        for label, (times, base, queries) in bench_check(org_id, user, calls, pg, args.explain, rng).items():
            line(f"autorisation_require, {label}", times, base, queries)
            ok &= p95(times) < LATENCY_TARGET_MS
        print(f"Objectif < {LATENCY_TARGET_MS:.0f} ms (p95) : {'atteint' if ok else 'MANQUÉ'}")
        print(f"Charge de la machine (load average 1, 5, 15 min) : {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        if not args.skip_verify:
            n = data_sizes()[1]
            best = None
            for _ in range(max(1, repeat)):
                started = time.perf_counter()
                report = journal_verify(workers=args.workers)
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
            workers = args.workers or (default_workers(n) if pg else 1)
            print(
                f"Vérification (journal_verify)   : {fmt(rate):>12} entrées/s  ({fmt(n)} entrées en {best:.2f} s, "
                f"{workers} connexion(s))"
            )
            print(f"Référence naïve (ORM, instances): {fmt(naive_rate):>12} entrées/s  (sur {fmt(naive_n)})")
            print(f"Plancher SHA-256 seul (mémoire) : {fmt(floor_rate):>12} entrées/s  (sur {fmt(floor_n)})")
            print(f"Rapport vérification / naïve    : {rate / naive_rate:.1f}×")
            print(f"Part du plancher atteinte       : {rate / floor_rate:.0%}")
            met = rate >= VERIFY_TARGET
            print(f"Objectif ≥ {fmt(VERIFY_TARGET)} entrées/s : {'atteint' if met else 'MANQUÉ'}")
            ok &= met
        print(f"Charge de la machine (load average 1, 5, 15 min) : {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("Commande : " + " ".join(sys.argv))
        return 0 if ok or args.smoke else 1
    finally:
        connection.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
