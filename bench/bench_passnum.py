"""Pass numérique: redemption throughput under 32 concurrent clients against pgbench, and monthly statements.

    python bench/bench_passnum.py --database-url postgres://postgres@127.0.0.1:5432/cnfs_bench_passnum
    (the database, whose name must contain "bench", is dropped and recreated; so is `<name>_pgbench`)
    python bench/bench_passnum.py --smoke      # a few seconds (SQLite temporary database unless given)

1. Vouchers: an order of 2,000,000 vouchers (200,000 booklets of 10) is written with COPY. 32 client processes,
   each with its own connection, call the real `services.cheque_encaisser` for `--seconds` seconds, each on its
   own codes plus, one call in ten, a hot set of codes every client races on. Baseline in the same run: `pgbench`
   (32 clients) running a single-row `UPDATE pgbench_accounts … WHERE aid = random` on a scratch database.
   Target: accepted redemptions per second ≥ 50 % of pgbench's TPS; after the run, no voucher was accepted twice.
   Also printed: the CPU time the Python clients used (they share the machine with the server), the same UPDATE
   under `pgbench -M prepared`, and the database's side alone: pgbench's C client, 32 clients, running the very
   statement the service prepares (`encaissement._SPEND_AND_LOG` with a client place's parameters) on vouchers
   drawn at random among those unused.
2. Statements: vouchers redeemed last month at 20,000 qualified places; `services.releves_generer` builds their
   statements (one INSERT … SELECT … GROUP BY). Target: under 5 s (the raw GROUP BY SELECT is printed beside it).
Exit code 1 when a target is missed on a full PostgreSQL run (not with --smoke).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _fresh_postgres_database(url: str, name: str | None = None, template: str | None = None) -> str:
    """Drop and recreate the database `name` (empty, or a copy of `template`)."""
    import psycopg

    parsed = urlparse(url)
    name = name or parsed.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"La base « {name} » sera recréée : son nom doit contenir « bench ».")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def _template_name(url: str) -> str:
    return urlparse(url).path.lstrip("/") + "_modele"


def _template_exists(url: str) -> bool:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_template_name(url)]).fetchone() is not None
        )


def _save_template(url: str) -> None:
    """Keep the freshly issued vouchers as `<name>_modele`: later `--reuse` runs start from a copy of it."""
    from django.db import connections

    connections.close_all()  # CREATE DATABASE … TEMPLATE needs the source without other sessions
    _fresh_postgres_database(url, _template_name(url), template=urlparse(url).path.lstrip("/"))


def _issue(commande, n_carnets: int, per: int, du, is_pg: bool) -> None:
    """The order's booklets and vouchers, by COPY on PostgreSQL."""
    from django.db import connection

    from cnfs.passnum import codes
    from cnfs.passnum.models import Carnet, Cheque

    au = commande.date_limite_encaissement
    if is_pg:
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY passnum_carnet (commande_id, numero, statut, public, consentement, beneficiaire_nom) FROM STDIN"
            ) as copy:
                for n in range(1, n_carnets + 1):
                    copy.write_row((commande.pk, n, "emis", "", False, ""))
            cursor.execute("SELECT min(id) FROM passnum_carnet WHERE commande_id = %s", [commande.pk])
            first = cursor.fetchone()[0]
            with cursor.copy(
                "COPY passnum_cheque (code, carnet_id, commande_id, valeur, statut, valable_du, "
                "valable_jusqu_au) FROM STDIN"
            ) as copy:
                for i in range(n_carnets * per):
                    copy.write_row((codes.new_code(), first + i // per, commande.pk, 1000, "emis", du, au))
            cursor.execute("ANALYZE passnum_cheque")
    else:
        carnets = Carnet.objects.bulk_create(
            [Carnet(commande=commande, numero=n) for n in range(1, n_carnets + 1)], batch_size=2000
        )
        Cheque.objects.bulk_create(
            [
                Cheque(
                    code=codes.new_code(), carnet=c, commande=commande, valeur=1000, valable_du=du, valable_jusqu_au=au
                )
                for c in carnets
                for _ in range(per)
            ],
            batch_size=2000,
        )


def setup_vouchers(n_carnets: int, per: int, n_clients: int, is_pg: bool):
    """The order, its booklets and vouchers (COPY on PostgreSQL), and one qualified place + account per client."""

    from cnfs.core.enums import Role
    from cnfs.lieux.tests.factories import LieuFactory
    from cnfs.passnum.enums import StatutCommande
    from cnfs.passnum.models import Commande
    from cnfs.passnum.tests import factories as f
    from cnfs.territoires.tests.factories import CommuneFactory

    commune = CommuneFactory()
    buyer = f.CommanditaireFactory()
    actor = f.member(Role.COMMANDITAIRE, buyer.pk)
    # An order holds at most 500,000 vouchers: 2 million are four orders.
    per_order = max(1, min(n_carnets, 500_000 // per))
    commandes = [
        f.commande(actor, buyer, nb_carnets=min(per_order, n_carnets - k), per=per, issue=False)
        for k in range(0, n_carnets, per_order)
    ]
    today = dt.date.today()
    started = time.perf_counter()
    for commande in commandes:
        _issue(commande, commande.nb_carnets, per, dt.date(today.year, 1, 1), is_pg)
    Commande.objects.filter(pk__in=[c.pk for c in commandes]).update(statut=StatutCommande.EMISE)
    load = time.perf_counter() - started
    clients = []
    for _ in range(n_clients):
        place = f.LieuQualifieFactory(lieu=LieuFactory(commune=commune))
        clients.append((place.lieu_id, f.member(Role.LIEU_PASS, place.lieu_id).pk))
    return commandes, clients, load


def reused_vouchers(n_cheques: int, n_clients: int):
    """The order and client places of a database copied from the template, checked against the arguments."""
    from cnfs.core.enums import Role
    from cnfs.core.models import RoleAssignment
    from cnfs.passnum.models import Cheque, Commande

    commandes = list(Commande.objects.order_by("pk"))
    found = Cheque.objects.count()
    users = dict(RoleAssignment.objects.filter(role=Role.LIEU_PASS).order_by("pk").values_list("object_id", "user_id"))
    clients = [(int(lieu_id), user_id) for lieu_id, user_id in users.items()]
    if found != n_cheques or len(clients) < n_clients:
        raise SystemExit(
            f"La base modèle contient {found} chèques et {len(clients)} lieux clients "
            f"(demandé : {n_cheques} et {n_clients}) : relancez sans --reuse pour la régénérer."
        )
    return commandes, clients[:n_clients], 0.0


WARM_UP_CALLS = 20


def _client(index, lieu_id, user_id, own, hot, start, seconds, results):
    from django.conf import settings
    from django.db import connections

    connections.close_all()  # never share the parent's connection
    from cnfs.core.models import User
    from cnfs.lieux.models import Lieu
    from cnfs.passnum.services import EncaissementRefuse, cheque_encaisser

    settings.PASSNUM_MAX_FAILURES_PER_USER = settings.PASSNUM_MAX_FAILURES_PER_LIEU = 10**9
    # As in production (DEBUG=0): no copy of every SQL statement kept in `connection.queries`.
    settings.DEBUG = False
    lieu = Lieu.objects.select_related("commune__departement", "commune__region").get(pk=lieu_id)
    user = User.objects.get(pk=user_id)
    rng = random.Random(index)
    # Warm-up on the client's last own codes, outside the timed window: connection, first queries, imports.
    warmed = 0
    for code in own[-WARM_UP_CALLS:]:
        cheque_encaisser(code=code, lieu=lieu, user=user)
        warmed += 1
    own = own[:-WARM_UP_CALLS]
    accepted = refused = 0
    latencies = []
    start.wait()
    cpu = time.process_time()
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline and i < len(own):
        code = rng.choice(hot) if i % 10 == 9 else own[i]
        i += 1
        began = time.perf_counter()
        try:
            cheque_encaisser(code=code, lieu=lieu, user=user)
            accepted += 1
        except EncaissementRefuse:
            refused += 1
        latencies.append(time.perf_counter() - began)
    cpu = time.process_time() - cpu
    connections.close_all()
    results.put((accepted, refused, warmed, latencies, cpu))


def run_redemptions(commandes, clients, seconds: float):
    from django.db import connections

    from cnfs.passnum.models import Cheque

    all_codes = list(Cheque.objects.filter(commande__in=commandes).order_by("id").values_list("code", flat=True))
    hot, rest = all_codes[:500], all_codes[500:]
    n = len(clients)
    connections.close_all()
    ctx = mp.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_client, args=(i, lieu, user, rest[i::n], hot, start, seconds, results))
        for i, (lieu, user) in enumerate(clients)
    ]
    for p in procs:
        p.start()
    _wait_for_warm_up(n)
    began = time.perf_counter()
    start.set()
    totals = [results.get() for _ in procs]
    elapsed = time.perf_counter() - began
    for p in procs:
        p.join()
    latencies = sorted(x for *_, lat, _cpu in totals for x in lat)
    return {
        "accepted": sum(t[0] for t in totals),
        "refused": sum(t[1] for t in totals),
        "warmed": sum(t[2] for t in totals),
        "elapsed": elapsed,
        "p50": _percentile(latencies, 50),
        "p95": _percentile(latencies, 95),
        "client_cpu": sum(t[4] for t in totals),
    }


def _wait_for_warm_up(n: int) -> None:
    """Until every client has made its warm-up redemptions (read from the attempt log), at most 120 s."""
    from cnfs.passnum.models import TentativeEncaissement

    deadline = time.monotonic() + 120
    while TentativeEncaissement.objects.count() < n * WARM_UP_CALLS and time.monotonic() < deadline:
        time.sleep(0.2)
    from django.db import connections

    connections.close_all()
    time.sleep(0.5)


def _percentile(values: list[float], p: int) -> float:
    return values[min(len(values) - 1, len(values) * p // 100)] if values else 0.0


def double_spend_check():
    from django.db.models import Count

    from cnfs.passnum.enums import ResultatTentative, StatutCheque
    from cnfs.passnum.models import Cheque, TentativeEncaissement

    accepted = TentativeEncaissement.objects.filter(resultat=ResultatTentative.ACCEPTE)
    twice = accepted.values("cheque_id").annotate(n=Count("id")).filter(n__gt=1).count()
    return twice, accepted.count(), Cheque.objects.filter(statut=StatutCheque.UTILISE).count()


def pgbench_tps(url: str, clients: int, seconds: int, *mode: str) -> float:
    parsed = urlparse(url)
    name = _fresh_postgres_database(url, parsed.path.lstrip("/") + "_pgbench")
    conn = _pg_args(url)
    subprocess.run(["pgbench", "-i", "-q", "-s", "10", *conn, name], check=True, capture_output=True)
    script = (
        "\\set aid random(1, 100000 * :scale)\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n"
    )
    return _pgbench(url, name, clients, seconds, script, *mode)[0]


def _pg_args(url: str) -> list[str]:
    """pgbench's connection options for `url`."""
    parsed = urlparse(url)
    return ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres"]


def _pgbench(url: str, name: str, clients: int, seconds: int, script_text: str, *extra: str) -> tuple[float, int]:
    """pgbench's TPS and number of transactions for `script_text` run by `clients` clients for `seconds` s."""
    conn = _pg_args(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(script_text)
    try:
        out = subprocess.run(
            ["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), *extra, "-f", script.name, *conn]
            + [name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script.name)
    done = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))
    return float(re.search(r"tps = ([\d.]+)", out).group(1)), done


def pgbench_redemptions(url: str, clients: int, seconds: int, lieu_id: int, user_id: int, keep: int):
    """The database's side of a redemption: pgbench (its C client, prepared statements) running the very statement
    that `cheque_encaisser` prepares on PostgreSQL, each time on a voucher drawn among those not yet used, with one
    client place's parameters; the `keep` unused vouchers of highest id are left to the statements' phase. Returns
    accepted redemptions per second and the number of calls (refused draws, a voucher drawn twice, are calls, not
    redemptions), or None when no voucher is left to draw."""
    import psycopg
    from django.db import connection
    from django.utils import timezone

    from cnfs.core.models import User
    from cnfs.lieux.models import Lieu
    from cnfs.passnum.enums import ResultatTentative, StatutCheque
    from cnfs.passnum.models import TentativeEncaissement
    from cnfs.passnum.services import encaissement

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_codes AS SELECT row_number() OVER () AS i, code FROM ("
            "SELECT code FROM passnum_cheque WHERE statut IN (%s, %s) ORDER BY id DESC OFFSET %s) AS unused",
            [StatutCheque.EMIS, StatutCheque.DISTRIBUE, keep],
        )
        cursor.execute("ALTER TABLE bench_codes ADD PRIMARY KEY (i)")
        cursor.execute("ANALYZE bench_codes")
        cursor.execute("SELECT count(*), min(code) FROM bench_codes")
        n_codes, sample = cursor.fetchone()
        if not n_codes:
            cursor.execute("DROP TABLE bench_codes")
            return None
    now = timezone.now()
    params = encaissement._spend_pg_params(
        sample,
        typed=sample,
        lieu=Lieu.objects.get(pk=lieu_id),
        user=User.objects.get(pk=user_id),
        now=now,
        today=timezone.localdate(now),
    )
    sql = psycopg.ClientCursor(connection.connection).mogrify(encaissement._SPEND_AND_LOG, params)
    drawn = f"passnum_cheque.code = '{sample}'"
    if sql.count(drawn) != 1:
        raise SystemExit("L’instruction d’encaissement n’a plus la forme attendue par ce banc (code = …).")
    sql = sql.replace(drawn, "passnum_cheque.code = (SELECT code FROM bench_codes WHERE i = :i)")
    accepted = TentativeEncaissement.objects.filter(resultat=ResultatTentative.ACCEPTE)
    before = accepted.count()
    connection.close()
    script = f"\\set i random(1, {n_codes})\n{sql};\n"
    tps, calls = _pgbench(url, urlparse(url).path.lstrip("/"), clients, seconds, script, "-M", "prepared")
    spent = accepted.count() - before
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_codes")
    return tps * spent / max(calls, 1), calls


def _siret(n: int) -> str:
    from cnfs.passnum.tests.factories import luhn_valid

    def keyed(prefix: str) -> str:
        return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))

    return keyed(keyed(f"{70000000 + n:08d}") + "0001")


STATEMENT_VOUCHERS_PER_PLACE = 10


def run_statements(n_places: int):
    from django.db import connection

    from cnfs.lieux.models import Lieu
    from cnfs.lieux.tests.factories import LieuFactory
    from cnfs.passnum import services
    from cnfs.passnum.models import LieuQualifie
    from cnfs.passnum.tests.factories import valid_iban
    from cnfs.territoires.models import Commune

    commune = Commune.objects.first()
    # Own source ids: in a database copied from the template, the factory's sequence restarts on the clients' places.
    lieux = Lieu.objects.bulk_create(
        [LieuFactory.build(commune=commune, source_id=f"releve-{i}") for i in range(n_places)], batch_size=2000
    )
    places = LieuQualifie.objects.bulk_create(
        [
            LieuQualifie(
                lieu=lieu,
                siret=_siret(i),
                iban=valid_iban(10_000 + i),
                bic="AGRIFRPP",
                titulaire_compte=f"Lieu {i}",
                statut="qualifiee",
                services=["premiers_pas"],
            )
            for i, lieu in enumerate(lieux)
        ],
        batch_size=2000,
    )
    first = min(p.pk for p in places)
    today = dt.date.today()
    mois = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    redeemed = dt.datetime.combine(mois + dt.timedelta(days=14), dt.time(10), tzinfo=dt.UTC)
    per_place = STATEMENT_VOUCHERS_PER_PLACE
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE passnum_cheque SET statut = 'utilise', redeemed_at = %s, redeemed_month = %s, "
            "redeemed_by_place_id = %s + (id %% %s) WHERE statut IN ('emis', 'distribue') AND id IN "
            "(SELECT id FROM passnum_cheque WHERE statut IN ('emis', 'distribue') ORDER BY id DESC LIMIT %s)",
            [redeemed, mois, first, n_places, n_places * per_place],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE passnum_cheque")
        started = time.perf_counter()
        cursor.execute(
            "SELECT redeemed_by_place_id, count(*), sum(valeur) FROM passnum_cheque WHERE redeemed_month = %s "
            "AND statut = 'utilise' GROUP BY redeemed_by_place_id",
            [mois],
        )
        raw_rows = len(cursor.fetchall())
        raw = time.perf_counter() - started
    started = time.perf_counter()
    created = services.releves_generer(mois=mois)
    elapsed = time.perf_counter() - started
    return created, raw_rows, elapsed, raw


def _load_average() -> str:
    return ", ".join(f"{x:.2f}".replace(".", ",") for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="petite exécution de quelques secondes (CI)")
    parser.add_argument("--database-url", default=None, help="base PostgreSQL (défaut : SQLite temporaire)")
    parser.add_argument("--cheques", type=int, default=None, help="chèques émis (défaut 2 000 000, smoke 2 000)")
    parser.add_argument("--clients", type=int, default=None, help="clients concurrents (défaut 32)")
    parser.add_argument("--seconds", type=int, default=None, help="durée de chaque mesure (défaut 20 s, smoke 2 s)")
    parser.add_argument("--lieux", type=int, default=None, help="lieux des relevés (défaut 20 000, smoke 100)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL : repartir d’une copie de la base modèle « <base>_modele » (créée au premier passage) "
        "au lieu de réémettre les chèques",
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="PostgreSQL : (ré)émettre les chèques, enregistrer la base modèle, s’arrêter (sans mesure ni verrou)",
    )
    args = parser.parse_args()
    if args.prepare_only:
        args.reuse = True
    is_pg = bool(args.database_url and args.database_url.startswith("postgres"))
    n_cheques = args.cheques or (2_000 if args.smoke else 2_000_000)
    n_clients = args.clients or (32 if is_pg else 1)
    seconds = args.seconds or (2 if args.smoke else 20)
    n_places = args.lieux or (100 if args.smoke else 20_000)

    tmp = Path(tempfile.mkdtemp(prefix="cnfs-bench-passnum-"))
    os.environ["CNFS_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    reuse = is_pg and args.reuse and not args.prepare_only and _template_exists(args.database_url)
    if is_pg:
        _fresh_postgres_database(args.database_url, template=_template_name(args.database_url) if reuse else None)
    import django

    django.setup()
    from benchdb import migrate

    migrate()
    print(f"commande : python bench/bench_passnum.py {' '.join(sys.argv[1:])}")
    if reuse:
        commandes, clients, load = reused_vouchers(n_cheques, n_clients)
        print(
            f"chèques émis : {n_cheques:,} (copie de la base modèle {_template_name(args.database_url)})".replace(
                ",", " "
            )
        )
    else:
        commandes, clients, load = setup_vouchers(n_cheques // 10, 10, n_clients, is_pg)
        print(f"chèques émis : {n_cheques:,} en {load:.1f} s ({'COPY' if is_pg else 'bulk_create'})".replace(",", " "))
        if is_pg and args.reuse:
            _save_template(args.database_url)
            print(f"base modèle enregistrée : {_template_name(args.database_url)}")
    if args.prepare_only:
        return 0
    print(f"charge de la machine (1, 5, 15 min) avant les mesures : {_load_average()}")
    run = run_redemptions(commandes, clients, seconds)
    accepted, refused, elapsed = run["accepted"], run["refused"], run["elapsed"]
    rate = accepted / elapsed
    print(
        f"encaissements ({n_clients} clients, {elapsed:.1f} s, après {run['warmed']} encaissements "
        f"d’échauffement hors mesure) : {accepted} acceptés ({rate:.0f}/s), {refused} refusés "
        f"({(accepted + refused) / elapsed:.0f} appels/s) ; latence par appel p50 {run['p50'] * 1000:.1f} ms, "
        f"p95 {run['p95'] * 1000:.1f} ms"
    )
    calls = accepted + refused
    print(
        f"temps CPU des {n_clients} processus clients (Python, Django) : {run['client_cpu']:.1f} s sur "
        f"{elapsed * (os.cpu_count() or 1):.1f} s-cœur disponibles, {run['client_cpu'] / max(calls, 1) * 1e6:.0f} µs "
        "par appel"
    )
    print(f"charge de la machine après les encaissements : {_load_average()}")
    twice, logged, used = double_spend_check()
    print(f"double dépense : {twice} chèque(s) accepté(s) deux fois ; acceptés journalisés {logged}, utilisés {used}")
    ok = twice == 0 and logged == used == accepted + run["warmed"]
    if is_pg:
        tps = pgbench_tps(args.database_url, n_clients, seconds)
        ratio = rate / tps
        print(
            f"pgbench (UPDATE d’une ligne, {n_clients} clients, protocole par défaut) : {tps:.0f} TPS ; ratio "
            f"encaissements/pgbench {ratio:.0%} (objectif ≥ 50 %)"
        )
        prepared_tps = pgbench_tps(args.database_url, n_clients, seconds, "-M", "prepared")
        print(f"pgbench, même UPDATE en instructions préparées (-M prepared) : {prepared_tps:.0f} TPS")
        print(f"charge de la machine après pgbench : {_load_average()}")
        keep = n_places * STATEMENT_VOUCHERS_PER_PLACE
        server = pgbench_redemptions(args.database_url, n_clients, seconds, *clients[0], keep=keep)
        if server is None:
            print("côté base seulement : plus aucun chèque à tirer (--cheques plus grand)")
        else:
            server_rate, server_calls = server
            twice, logged, used = double_spend_check()
            print(
                f"côté base seulement : pgbench exécutant l’instruction préparée de l’encaissement ({n_clients} "
                f"clients, {server_calls} appels) : {server_rate:.0f} encaissements/s, {server_rate / tps:.0%} de "
                f"l’UPDATE pgbench ({server_rate / prepared_tps:.0%} de sa version préparée) ; double dépense : "
                f"{twice}, acceptés journalisés {logged}, utilisés {used}"
            )
        ok = ok and ratio >= 0.5 and twice == 0 and logged == used
    else:
        print("pgbench : PostgreSQL seulement (--database-url)")
    created, raw_rows, elapsed, raw = run_statements(n_places)
    print(
        f"relevés mensuels : {created} lieux en {elapsed:.2f} s (objectif < 5 s) ; SELECT GROUP BY brut "
        f"{raw_rows} lignes en {raw:.2f} s"
    )
    ok = ok and created == n_places and elapsed < 5
    if not ok and not args.smoke:
        print("OBJECTIF MANQUÉ")
        return 1
    if twice or logged != used or created != n_places:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
