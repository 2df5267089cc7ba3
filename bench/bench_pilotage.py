"""Evaluation benchmark: N activity records, rollups, national dashboard and bulk import (issue 6, "Performance").

    python bench/bench_pilotage.py --database-url postgres://postgres@127.0.0.1:5432/cnfs_bench_pilotage
    python bench/bench_pilotage.py --database-url … --rows 2000000     # a smaller full run
    python bench/bench_pilotage.py --smoke                             # a few seconds, SQLite (CI)

1. Generates `--rows` records (default 10,000,000) spread over 4,000 advisors, 36 months and every département,
   with COPY on PostgreSQL (batched inserts on SQLite), then builds the rollups (`rollups_rebuild`).
2. National dashboard (every indicator, whole period) from the rollups against the same figures computed by
   GROUP BY on the raw table, in the same run: identical numbers, target < 100 ms and ≥ 50× faster.
3. Bulk import through the platform's import path (`cnfs.activite.services.accompagnements_import`: validation,
   insert, rollup upkeep) against a raw COPY of the same rows: target ≥ 50 % of COPY's rows per second.
   The rollup upkeep is detailed per table (time of its upsert statements; `pilotage_lot`: reading the batch back).
The database is created when missing; its activity tables are emptied first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TYPES = np.array(["individuel", "collectif", "ponctuel"])
TYPE_P = [0.62, 0.13, 0.25]
CANAUX = np.array(["lieu_activite", "autre_lieu", "domicile", "distance"])
CANAL_P = [0.70, 0.10, 0.08, 0.12]
ORIENTATIONS = np.array(
    ["", "france_services", "caf", "cpam", "mairie", "france_travail", "impots", "ccas", "association", "autre"]
)
ORIENTATION_P = [0.72, 0.06, 0.04, 0.04, 0.04, 0.03, 0.02, 0.02, 0.02, 0.01]
AGE_P = [0.04, 0.08, 0.20, 0.33, 0.35]
STATUT_P = [0.10, 0.22, 0.25, 0.33, 0.10]
DUREES = np.array([15, 30, 45, 60, 90, 120])
COPRIME_STEPS = np.array([1, 3, 5, 7, 9, 13, 15, 17, 19, 21])
FIRST_DAY = dt.date(2022, 1, 1)
NULL = "\\N"  # COPY's text format
MONTHS = 36


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="petit jeu (20 000 comptes rendus), quelques secondes")
    parser.add_argument("--database-url", help="base à utiliser (par défaut : un fichier SQLite neuf et temporaire)")
    parser.add_argument("--rows", type=int, help="comptes rendus générés (10 000 000 par défaut)")
    parser.add_argument("--conseillers", type=int, default=4000)
    parser.add_argument("--import-rows", type=int, help="lignes de l’import comparé à COPY (100 000 par défaut)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument(
        "--import-repeat",
        type=int,
        help="mesures de l’import et du COPY, en alternance (4 par défaut sur PostgreSQL, médiane retenue)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="garder les comptes rendus et les cumuls d’un passage précédent"
    )
    parser.add_argument(
        "--verifier",
        action="store_true",
        help="prouver tous les cumuls contre les données brutes à la fin (long au-delà de 500 000 comptes rendus)",
    )
    return parser.parse_args()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` when it does not exist."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# --- Reference data ----------------------------------------------------------------------------------------------
def reference_data(n_conseillers: int, rng: np.random.Generator) -> dict:
    """Régions, every département, ~12 communes each, 1,500 structures and the advisors (roles included)."""
    from cnfs.core.enums import Role, ScopeType
    from cnfs.core.models import RoleAssignment, User
    from cnfs.recrutement.models import Structure
    from cnfs.territoires.models import Commune, Departement, Region

    codes = [f"{i:02d}" for i in range(1, 96) if i != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
    if Departement.objects.count() < len(codes):
        region = Region.objects.get_or_create(code="B0", defaults={"nom": "Région de banc d’essai"})[0]
        Departement.objects.bulk_create(
            [Departement(code=c, nom=f"Département {c}", region=region) for c in codes], ignore_conflicts=True
        )
        deps = {d.code: d for d in Departement.objects.filter(code__in=codes)}
        communes = []
        for c in codes:
            for j in range(12):
                code = (c + f"{j:03d}")[:5] if len(c) == 2 else c + f"{j:02d}"
                communes.append(
                    Commune(
                        code=code,
                        nom=f"Commune {code}",
                        search_name=f"commune {code}",
                        departement=deps[c],
                        region=region,
                        population=int(rng.integers(200, 80000)),
                        latitude=46.0,
                        longitude=2.0,
                    )
                )
        Commune.objects.bulk_create(communes, ignore_conflicts=True)
    communes = list(Commune.objects.filter(departement__code__in=codes).values_list("code", "departement__code"))
    by_dep: dict[str, list[str]] = {}
    for code, dep in communes:
        by_dep.setdefault(dep, []).append(code)
    if Structure.objects.count() < 1500:
        any_commune = {dep: Commune.objects.filter(code=cs[0]).first() for dep, cs in by_dep.items()}
        deps_cycle = sorted(by_dep)
        Structure.objects.bulk_create(
            [
                Structure(
                    siret=f"{21000000000000 + i}",
                    type="commune",
                    nom=f"Structure de banc d’essai {i}",
                    adresse="1 place de la Mairie",
                    commune=any_commune[deps_cycle[i % len(deps_cycle)]],
                    contact_prenom="A",
                    contact_nom="B",
                    contact_email=f"structure{i}@banc.exemple",
                )
                for i in range(1500)
            ]
        )
    structures = list(Structure.objects.values_list("pk", "commune__departement__code"))
    existing = User.objects.filter(email__endswith="@conseiller.banc").count()
    if existing < n_conseillers:
        users = User.objects.bulk_create(
            [
                User(email=f"c{i}@conseiller.banc", first_name=f"C{i}", password="!")
                for i in range(existing, n_conseillers)
            ]
        )
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=u, role=Role.CONSEILLER, scope_type=ScopeType.PERSONNEL) for u in users]
        )
    advisors = list(User.objects.filter(email__endswith="@conseiller.banc").order_by("pk").values_list("pk", "email"))[
        :n_conseillers
    ]
    # Each advisor works for one structure, in its département; busier advisors record more (lognormal).
    s_index = rng.integers(0, len(structures), len(advisors))
    weights = rng.lognormal(0, 0.6, len(advisors))
    return {
        "advisor_ids": np.array([pk for pk, _ in advisors]),
        "advisor_emails": [email for _, email in advisors],
        "advisor_structure": np.array([structures[i][0] for i in s_index]),
        "advisor_dep": np.array([structures[i][1] for i in s_index]),
        "advisor_weight": weights / weights.sum(),
        "communes_by_dep": {dep: np.array(cs) for dep, cs in by_dep.items()},
    }


# --- Generated records -------------------------------------------------------------------------------------------
COLUMNS = [
    "conseiller_id",
    "structure_id",
    "commune_code",
    "departement_code",
    "date",
    "type",
    "canal",
    "duree_minutes",
    "participants",
    "participants_recurrents",
    "age_moins_12",
    "age_12_18",
    "age_18_35",
    "age_35_60",
    "age_plus_60",
    "statut_etudiant",
    "statut_sans_emploi",
    "statut_en_emploi",
    "statut_retraite",
    "statut_non_renseigne",
    "orientation",
    "materiel",
    "autonomie",
    "demarche_type",
    "notes",
    "created_at",
    "updated_at",
]


def generate(n: int, ref: dict, rng: np.random.Generator, last_day: dt.date | None = None) -> dict[str, np.ndarray]:
    """`n` records as columns. Counts by age and situation always sum to the participants (multinomial)."""
    advisor = rng.choice(len(ref["advisor_ids"]), size=n, p=ref["advisor_weight"])
    dep = ref["advisor_dep"][advisor]
    commune = np.empty(n, dtype=object)
    for code, communes in ref["communes_by_dep"].items():
        mask = dep == code
        commune[mask] = communes[rng.integers(0, len(communes), mask.sum())]
    days = ((last_day or (FIRST_DAY + dt.timedelta(days=MONTHS * 30.44))) - FIRST_DAY).days
    # Activity grows as advisors arrive: more records in later months.
    offset = (np.sqrt(rng.random(n)) * days).astype(np.int64)
    types = rng.choice(3, size=n, p=TYPE_P)
    participants = np.where(types == 1, rng.integers(3, 16, n), np.where(rng.random(n) < 0.9, 1, 2))
    ages = rng.multinomial(participants, AGE_P)
    statuts = rng.multinomial(participants, STATUT_P)
    return {
        "advisor": advisor,
        "conseiller_id": ref["advisor_ids"][advisor],
        "structure_id": ref["advisor_structure"][advisor],
        "commune_code": commune,
        "departement_code": dep,
        "offset": offset,
        "type": TYPES[types],
        "canal": np.where(types == 1, "lieu_activite", CANAUX[rng.choice(4, size=n, p=CANAL_P)]),
        "duree_minutes": DUREES[rng.integers(0, len(DUREES), n)],
        "participants": participants,
        "participants_recurrents": rng.binomial(participants, 0.3),
        "ages": ages,
        "statuts": statuts,
        "orientation": ORIENTATIONS[rng.choice(len(ORIENTATIONS), size=n, p=ORIENTATION_P)],
        "n_themes": rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.20]),
        "theme_start": rng.integers(0, 22, n),
        "theme_step": COPRIME_STEPS[rng.integers(0, len(COPRIME_STEPS), n)],
    }


def theme_codes() -> list[str]:
    from cnfs.activite.enums import Theme

    assert len(Theme.values) == 22, "the coprime steps below assume 22 topics"
    return list(Theme.values)


def record_lines(cols: dict, start: int, stop: int, first_id: int, now: str) -> tuple[str, str]:
    """Tab-separated COPY text of the records [start, stop) and of their topics."""
    themes = theme_codes()
    base = FIRST_DAY.toordinal()
    out, out_t = io.StringIO(), io.StringIO()
    ages, statuts = cols["ages"], cols["statuts"]
    for i in range(start, stop):
        pk = first_id + i
        structure = cols["structure_id"][i]
        structure = NULL if structure is None else structure
        day = dt.date.fromordinal(base + int(cols["offset"][i])).isoformat()
        a, s = ages[i], statuts[i]
        out.write(
            f"{pk}\t{cols['conseiller_id'][i]}\t{structure}\t{cols['commune_code'][i]}\t"
            f"{cols['departement_code'][i]}\t{day}\t{cols['type'][i]}\t{cols['canal'][i]}\t"
            f"{cols['duree_minutes'][i]}\t{cols['participants'][i]}\t{cols['participants_recurrents'][i]}\t"
            f"{a[0]}\t{a[1]}\t{a[2]}\t{a[3]}\t{a[4]}\t{s[0]}\t{s[1]}\t{s[2]}\t{s[3]}\t{s[4]}\t"
            f"{cols['orientation'][i]}\t\t\t\t\t{now}\t{now}\n"
        )
        t0, step = int(cols["theme_start"][i]), int(cols["theme_step"][i])
        for j in range(int(cols["n_themes"][i])):
            out_t.write(f"{pk}\t{themes[(t0 + j * step) % 22]}\n")
    return out.getvalue(), out_t.getvalue()


def copy_records(cols: dict, first_id: int, chunk: int = 200_000, progress: bool = False) -> None:
    from django.db import connection

    from cnfs.activite.models import Accompagnement, AccompagnementTheme

    table, theme_table = Accompagnement._meta.db_table, AccompagnementTheme._meta.db_table
    names = ", ".join(["id", *COLUMNS])
    now = dt.datetime.now(dt.UTC).isoformat()
    n = len(cols["conseiller_id"])
    with connection.cursor() as cursor:
        for start in range(0, n, chunk):
            records, topics = record_lines(cols, start, min(n, start + chunk), first_id, now)
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                copy.write(records)
            with cursor.copy(f"COPY {theme_table} (accompagnement_id, theme) FROM STDIN") as copy:
                copy.write(topics)
            if progress:
                print(f"  … {min(n, start + chunk):,} comptes rendus", flush=True)


def drop_secondary_indexes(tables: list[str]) -> list[str]:
    """Drop the plain (non-constraint) indexes of `tables` before a bulk load; return their definitions."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS ("
            "SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [tables],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def create_indexes(definitions: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for definition in definitions:
            cursor.execute(definition)


def insert_records_sqlite(cols: dict, first_id: int) -> None:
    from django.db import connection

    from cnfs.activite.models import Accompagnement, AccompagnementTheme

    records, topics = record_lines(cols, 0, len(cols["conseiller_id"]), first_id, dt.datetime.now(dt.UTC).isoformat())
    rows = [line.split("\t") for line in records.splitlines()]
    theme_rows = [line.split("\t") for line in topics.splitlines()]
    names = ", ".join(["id", *COLUMNS])
    marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {Accompagnement._meta.db_table} ({names}) VALUES ({marks})", rows)
        cursor.executemany(
            f"INSERT INTO {AccompagnementTheme._meta.db_table} (accompagnement_id, theme) VALUES (%s, %s)", theme_rows
        )


def import_rows(cols: dict, ref: dict) -> list[dict]:
    """The same records as the import path reads them from a CSV file (texts, advisor named by e-mail)."""
    themes = theme_codes()
    base = FIRST_DAY.toordinal()
    rows = []
    for i in range(len(cols["conseiller_id"])):
        a, s = cols["ages"][i], cols["statuts"][i]
        t0, step = int(cols["theme_start"][i]), int(cols["theme_step"][i])
        canal = cols["canal"][i]
        rows.append(
            {
                "conseiller": ref["advisor_emails"][cols["advisor"][i]],
                "date": dt.date.fromordinal(base + int(cols["offset"][i])).isoformat(),
                "type": str(cols["type"][i]),
                # No place of activity in the bench: records held at one are recorded in another place.
                "canal": "autre_lieu" if canal == "lieu_activite" else str(canal),
                "commune_id": str(cols["commune_code"][i]),
                "duree_minutes": str(cols["duree_minutes"][i]),
                "participants": str(cols["participants"][i]),
                "participants_recurrents": str(cols["participants_recurrents"][i]),
                "age_moins_12": str(a[0]),
                "age_12_18": str(a[1]),
                "age_18_35": str(a[2]),
                "age_35_60": str(a[3]),
                "age_plus_60": str(a[4]),
                "statut_etudiant": str(s[0]),
                "statut_sans_emploi": str(s[1]),
                "statut_en_emploi": str(s[2]),
                "statut_retraite": str(s[3]),
                "statut_non_renseigne": str(s[4]),
                "orientation": str(cols["orientation"][i]),
                "themes": "|".join(themes[(t0 + j * step) % 22] for j in range(int(cols["n_themes"][i]))),
            }
        )
    return rows


def timed(fn, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main() -> int:
    args = parse_args()
    n_rows = args.rows or (20_000 if args.smoke else 10_000_000)
    n_import = args.import_rows or (2_000 if args.smoke else 100_000)
    n_conseillers = 200 if args.smoke else args.conseillers
    workdir = Path(tempfile.mkdtemp(prefix="bench-pilotage-"))
    os.environ["CNFS_VAR_DIR"] = str(workdir)
    if args.database_url and args.database_url.startswith("postgres"):
        ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from benchdb import migrate
    from django.db import connection, transaction

    from cnfs.activite.models import Accompagnement, AccompagnementTheme
    from cnfs.activite.services import accompagnements_import
    from cnfs.pilotage.permissions import NATIONAL
    from cnfs.pilotage.selectors import Filters, dashboard_figures, rollups_verify
    from cnfs.pilotage.services import rollups_rebuild

    postgres = connection.vendor == "postgresql"
    command = "python bench/bench_pilotage.py " + " ".join(sys.argv[1:])
    print(f"Commande : {command}")
    print(f"Base : {connection.vendor} ({os.environ['DATABASE_URL']})")
    print("Charge de la machine (1, 5, 15 min) : " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
    migrate()
    rng = np.random.default_rng(args.seed)
    ref = reference_data(n_conseillers, rng)
    print(f"Référentiel : {len(ref['advisor_ids'])} conseillers, {len(ref['communes_by_dep'])} départements")

    # 1. Generation and rollups.
    acc_table = Accompagnement._meta.db_table
    existing = Accompagnement.objects.count()
    if not (args.reuse and existing):
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute(f"TRUNCATE {acc_table}, {AccompagnementTheme._meta.db_table} CASCADE")
            else:
                cursor.execute(f"DELETE FROM {AccompagnementTheme._meta.db_table}")
                cursor.execute(f"DELETE FROM {acc_table}")
        started = time.perf_counter()
        cols = generate(n_rows, ref, rng)
        t_gen = time.perf_counter() - started
        started = time.perf_counter()
        t_index = 0.0
        with transaction.atomic():
            if postgres:
                # A bulk load as a DBA does it: generated rows are consistent by construction, so the per-row
                # foreign key triggers are skipped and the secondary indexes are built once at the end.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                indexes = drop_secondary_indexes([acc_table, AccompagnementTheme._meta.db_table])
                copy_records(cols, 1, progress=n_rows >= 1_000_000)
                t_index = time.perf_counter()
                create_indexes(indexes)
                t_index = time.perf_counter() - t_index
            else:
                insert_records_sqlite(cols, 1)
        t_copy = time.perf_counter() - started
        n_themes = int(cols["n_themes"].sum())
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{acc_table}', 'id'), {n_rows})")
                cursor.execute(f"ANALYZE {acc_table}")
                cursor.execute(f"ANALYZE {AccompagnementTheme._meta.db_table}")
        how = "COPY" if postgres else "INSERT par lots"
        print(
            f"1. Génération : {n_rows:,} comptes rendus ({n_themes:,} thèmes) tirés en {t_gen:.1f} s, écrits "
            f"({how}) en {t_copy:.1f} s dont {t_index:.1f} s d’index — {n_rows / t_copy:,.0f} comptes rendus/s"
        )
        del cols
    else:
        print(f"1. Génération : {existing:,} comptes rendus déjà en base, cumuls tenus à jour (--reuse)")
    if not (args.reuse and existing):
        started = time.perf_counter()
        counts = rollups_rebuild()
        t_rebuild = time.perf_counter() - started
        print(
            f"   Cumuls (rollups_rebuild, cnfs pilotage rebuild) : {t_rebuild:.1f} s — "
            + ", ".join(f"{name} {count:,}" for name, count in counts.items())
        )
    if postgres:
        from cnfs.pilotage.rollups import SPECS

        with connection.cursor() as cursor:
            for spec in SPECS:
                cursor.execute(f"ANALYZE {spec.table}")

    # 2. National dashboard: rollups vs GROUP BY on the raw table.
    filters = Filters()

    def from_rollups():
        return dashboard_figures(NATIONAL, filters, funnel=False, coverage=False)

    def from_raw():
        return dashboard_figures(NATIONAL, filters, funnel=False, coverage=False, raw=True)

    from_rollups()  # warm the connection and the caches of the database
    ms_rollups, fig_rollups = timed(from_rollups, 7)
    ms_raw, fig_raw = timed(from_raw, 1 if n_rows >= 1_000_000 else 3)
    same = [(s.key, s.lignes) for s in fig_rollups.sections] == [(s.key, s.lignes) for s in fig_raw.sections]
    ratio = ms_raw / ms_rollups
    print(
        f"2. Tableau de bord national (tous les indicateurs, toute la période, {len(fig_rollups.sections)} rubriques, "
        f"{fig_rollups.totaux['accompagnements']:,} accompagnements) : cumuls {ms_rollups:.1f} ms (médiane de 7), "
        f"GROUP BY sur les données brutes {ms_raw:.0f} ms — {ratio:.0f}× plus rapide, chiffres "
        + ("identiques" if same else "DIFFÉRENTS")
    )

    # 2 bis. A département over a period that starts and ends inside a month: the daily rollups answer, read over
    # their key through the département's advisors (`RollupConseiller`).
    from cnfs.pilotage.permissions import DashboardScope

    top = fig_rollups.section("departements")
    dep = max(top.lignes, key=lambda ligne: ligne.valeurs[0]).libelle.rsplit("(", 1)[1].rstrip(")") if top else "75"
    dep_scope = DashboardScope(label=f"Département {dep}", departements=frozenset({dep}))
    dep_filters = Filters(date_debut=FIRST_DAY + dt.timedelta(days=45), date_fin=FIRST_DAY + dt.timedelta(days=410))
    ms_dep, fig_dep = timed(lambda: dashboard_figures(dep_scope, dep_filters, funnel=False, coverage=False), 7)
    ms_dep_raw, fig_dep_raw = timed(
        lambda: dashboard_figures(dep_scope, dep_filters, funnel=False, coverage=False, raw=True), 1
    )
    same_dep = [(s.key, s.lignes) for s in fig_dep.sections] == [(s.key, s.lignes) for s in fig_dep_raw.sections]
    print(
        f"   Département {dep}, du {dep_filters.date_debut:%d/%m/%Y} au {dep_filters.date_fin:%d/%m/%Y} (cumuls "
        f"{fig_dep.grain}s, {fig_dep.totaux['accompagnements']:,} accompagnements) : {ms_dep:.1f} ms (médiane de 7), "
        f"GROUP BY sur les données brutes {ms_dep_raw:.0f} ms, chiffres "
        + ("identiques" if same_dep else "DIFFÉRENTS")
    )
    same = same and same_dep

    # 3. Import path vs raw COPY of the same rows, measured alike: each phase starts on a VACUUM and a CHECKPOINT
    # (no dead rows, dirty pages or pending full-page writes left by the previous one), the two phases alternate
    # (COPY then import, then import then COPY, …: neither always runs first, on colder caches), and the median of
    # each is compared. The
    # COPY writes into the same indexed tables as the import, inside a transaction rolled back; so are the imports
    # (each run of the bench, `--reuse` or not, then measures the same work), but the last one when the rollups are
    # checked afterwards (`--verifier`, or a small data set).
    verify = args.verifier or n_rows <= 500_000
    last_day = dt.date.today() - dt.timedelta(days=1)
    cols = generate(n_import, ref, np.random.default_rng(args.seed + 1), last_day=last_day)
    rows = import_rows(cols, ref)
    # Exactly the rows the import writes: no host structure (no recruitment in the bench), no place.
    cols["canal"] = np.where(cols["canal"] == "lieu_activite", "autre_lieu", cols["canal"])
    cols["structure_id"] = np.full(n_import, None, dtype=object)
    from cnfs.pilotage import rollups

    def wal() -> tuple[int, int] | None:
        """WAL written so far (bytes, full-page images): what each phase costs the server's log."""
        if not postgres:
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT wal_bytes, wal_fpi FROM pg_stat_wal")
            return tuple(int(v) for v in cursor.fetchone())

    def wal_since(before) -> str:
        after = wal()
        if before is None or after is None:
            return ""
        return f", WAL {(after[0] - before[0]) / 2**20:,.0f} Mo dont {after[1] - before[1]:,} pages entières"

    def checkpoint() -> None:
        """A clean start for the next phase: the dead rows that the previous phase left (each one rolls back) are
        vacuumed, in the raw tables both phases write and in the rollup tables, then dirty pages are flushed.
        Without it, on a server without autovacuum, every rolled-back phase slowed the following ones."""
        if postgres:
            tables = [acc_table, AccompagnementTheme._meta.db_table, *(spec.table for spec in rollups.SPECS)]
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {', '.join(tables)}")
                cursor.execute("CHECKPOINT")

    def run_import(keep: bool) -> dict:
        spent = [0.0]
        apply_changes, apply_inserted = rollups.apply_changes, rollups.apply_inserted

        def timed_apply(before, after):  # measures the rollup upkeep's share of the import
            started = time.perf_counter()
            apply_changes(before, after)
            spent[0] += time.perf_counter() - started

        def timed_inserted(ids):  # the import's set-based path on PostgreSQL
            started = time.perf_counter()
            apply_inserted(ids)
            spent[0] += time.perf_counter() - started

        by_table: dict[str, float] = {}

        def timed_statement(execute, sql, params, many, context):  # the share of each rollup table
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                words = sql.split(None, 3)
                if words[:2] == ["INSERT", "INTO"] and "pilotage_" in words[2]:
                    name = words[2].strip('"')
                    by_table[name] = by_table.get(name, 0.0) + time.perf_counter() - started

        rollups.apply_changes, rollups.apply_inserted = timed_apply, timed_inserted
        try:
            with transaction.atomic():
                started = time.perf_counter()
                with connection.execute_wrapper(timed_statement):
                    report = accompagnements_import(rows=rows, actor=None)
                seconds = time.perf_counter() - started
                transaction.set_rollback(not keep)
        finally:
            rollups.apply_changes, rollups.apply_inserted = apply_changes, apply_inserted
        return {"seconds": seconds, "rollups": spent[0], "by_table": by_table, "report": report}

    def run_copy() -> float:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {acc_table}")
                first_id = cursor.fetchone()[0] + 1
            # Formatted beforehand: the baseline times the server's work only, not the Python that makes the text.
            records, topics = record_lines(cols, 0, n_import, first_id, dt.datetime.now(dt.UTC).isoformat())
            names = ", ".join(["id", *COLUMNS])
            started = time.perf_counter()
            with connection.cursor() as cursor:
                with cursor.copy(f"COPY {acc_table} ({names}) FROM STDIN") as copy:
                    copy.write(records)
                with cursor.copy(
                    f"COPY {AccompagnementTheme._meta.db_table} (accompagnement_id, theme) FROM STDIN"
                ) as copy:
                    copy.write(topics)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)  # the COPY baseline leaves nothing behind
        return seconds

    repeat = args.import_repeat or (1 if args.smoke or not postgres else 4)
    imports: list[dict] = []
    copies: list[float] = []
    for turn in range(repeat):
        phases = ["copy", "import"] if turn % 2 == 0 else ["import", "copy"]
        for phase in phases if postgres else ["import"]:
            checkpoint()
            load = os.getloadavg()[0]
            wal_before = wal()
            if phase == "copy":
                copies.append(run_copy())
                print(
                    f"   COPY n° {len(copies)} : {copies[-1]:.2f} s (charge {load:.1f}{wal_since(wal_before)})",
                    flush=True,
                )
            else:
                imports.append(run_import(keep=verify and turn == repeat - 1))
                done = imports[-1]
                if done["report"].rejected:
                    rejected = done["report"].rejected
                    print(f"ÉCHEC : l’import a rejeté {len(rejected)} ligne(s), par exemple {rejected[:3]}")
                    return 1
                print(
                    f"   Import n° {len(imports)} : {done['seconds']:.2f} s dont {done['rollups']:.2f} s pour les "
                    "cumuls ("
                    + ", ".join(
                        f"{name} {seconds:.2f} s"
                        for name, seconds in sorted(done["by_table"].items(), key=lambda kv: -kv[1])
                    )
                    + f") (charge {load:.1f}{wal_since(wal_before)})",
                    flush=True,
                )
    t_import = statistics.median(run["seconds"] for run in imports)
    t_rollups = statistics.median(run["rollups"] for run in imports)
    t_copy = statistics.median(copies) if copies else None
    share = (t_copy / t_import) if t_copy else None
    line = (
        f"3. Import ({n_import:,} lignes) par accompagnements_import (validation, écriture, cumuls) : "
        f"{t_import:.2f} s (médiane de {len(imports)}, dont {t_rollups:.2f} s pour les cumuls) — "
        f"{n_import / t_import:,.0f} lignes/s"
    )
    if t_copy:
        line += (
            f" ; COPY brut des mêmes lignes (et de leurs thèmes) dans les mêmes tables : {t_copy:.2f} s "
            f"(médiane de {len(copies)}) — {n_import / t_copy:,.0f} lignes/s ; "
            f"l’import atteint {100 * share:.0f} % du débit de COPY"
        )
    else:
        line += " (comparaison avec COPY : PostgreSQL seulement)"
    print(line)

    differences = []
    if verify:
        started = time.perf_counter()
        differences = [d for d in rollups_verify() if not d.ok]
        print(
            "Vérification des cumuls après l’import (rollups_verify, cnfs pilotage verifier) : "
            + ("conformes" if not differences else "DIFFÉRENCES")
            + f" ({time.perf_counter() - started:.1f} s)"
        )
    else:
        print("Vérification complète des cumuls : --verifier (ou cnfs pilotage verifier), longue à ce volume")

    failures = []
    if not same or differences:
        failures.append("chiffres différents entre cumuls et données brutes")
    if not args.smoke and postgres:
        if ms_rollups >= 100:
            failures.append(f"tableau de bord {ms_rollups:.0f} ms ≥ 100 ms")
        if ratio < 50:
            failures.append(f"rapport {ratio:.0f}× < 50×")
        if share is not None and share < 0.5:
            failures.append(f"import à {100 * share:.0f} % de COPY < 50 %")
    if failures:
        print("ÉCHEC : " + " ; ".join(failures))
        return 1
    print("Objectifs atteints." if not args.smoke else "Essai rapide terminé (objectifs vérifiés sur PostgreSQL).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
