"""Bulk import of activity records (CRA) through the platform's own path, against a raw COPY of the same rows.

    python bench/bench_activite_import.py --database-url postgres://postgres@127.0.0.1:5432/cnfs_bench_activite
    (the database, whose name must contain "bench", is dropped and recreated)
    python bench/bench_activite_import.py --smoke      # a few seconds (SQLite temporary database unless given)

Synthetic but realistic rows (advisors, their places, communes, ages and situations that sum to the participants,
one to three topics) are imported three ways in the same run, each into emptied tables:
- raw COPY: the final rows, already formatted, written by psycopg's `cursor.copy` into the record and topic tables
  (PostgreSQL only; the baseline);
- platform, from rows: `services.accompagnements_import` on already parsed CSV rows (validation of every row in
  Python over maps loaded once, ids reserved from the sequence, COPY, one signal per batch);
- platform, from the CSV file: `imports.read_csv` + the same service.
Target (issue 6): the platform reaches at least 50 % of the raw COPY's rows per second. Exit code 1 when missed on
a full PostgreSQL run (not with --smoke).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEPARTEMENTS = ["01", "13", "33", "42", "59", "69", "75", "971"]
COLUMNS = [
    "conseiller",
    "date",
    "type",
    "canal",
    "lieu_id",
    "commune_id",
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
    "themes",
    "orientation",
]


def _fresh_postgres_database(url: str) -> None:
    """Drop and recreate the bench's own database, so that every run starts from the same empty tables."""
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"La base « {name} » sera recréée : son nom doit contenir « bench » (ex. cnfs_bench_activite)."
        )
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_world(n_conseillers: int, rng: random.Random):
    """Territories, advisors with two places each; returns (advisors [(id, email)], places {id: [place ids]},
    commune codes)."""
    from cnfs.activite.models import LieuActivite
    from cnfs.core.enums import Role, ScopeType
    from cnfs.core.models import RoleAssignment, User
    from cnfs.lieux.models import Lieu
    from cnfs.territoires.models import Commune, Departement, Region

    region, _ = Region.objects.get_or_create(code="99", defaults={"nom": "Région de banc"})
    communes = []
    for dep_code in DEPARTEMENTS:
        dep, _ = Departement.objects.get_or_create(
            code=dep_code, defaults={"nom": f"Dép. {dep_code}", "region": region}
        )
        for i in range(20):
            code = f"{dep_code}{i:03d}"[:5] if len(dep_code) == 2 else f"{dep_code}{i:02d}"
            communes.append(
                Commune(
                    code=code, nom=f"Commune {code}", search_name=f"commune {code}", departement=dep, region=region
                )
            )
    Commune.objects.bulk_create(communes, ignore_conflicts=True)
    codes = [c.code for c in communes]
    users = [User(email=f"cnfs-bench-{i}@exemple.fr", password="!") for i in range(n_conseillers)]
    User.objects.bulk_create(users, ignore_conflicts=True)
    users = list(User.objects.filter(email__startswith="cnfs-bench-").order_by("pk"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.CONSEILLER, scope_type=ScopeType.PERSONNEL) for u in users]
    )
    lieux = [
        Lieu(
            source="bench",
            source_id=f"bench-{u.pk}-{k}",
            pivot="00000000000000",
            nom=f"Lieu {u.pk}-{k}",
            commune_id=rng.choice(codes),
            code_postal="42000",
            adresse="1 rue du Banc",
            date_maj=dt.date(2024, 1, 1),
        )
        for u in users
        for k in range(2)
    ]
    Lieu.objects.bulk_create(lieux, batch_size=1000)
    LieuActivite.objects.bulk_create(
        [
            LieuActivite(conseiller_id=int(p.source_id.split("-")[1]), lieu=p, principal=p.source_id.endswith("-0"))
            for p in lieux
        ],
        batch_size=1000,
    )
    places: dict[int, list[int]] = {}
    for p in lieux:
        places.setdefault(int(p.source_id.split("-")[1]), []).append(p.pk)
    return [(u.pk, u.email) for u in users], places, codes


def _split(rng: random.Random, total: int, k: int) -> list[int]:
    counts = [0] * k
    for _ in range(total):
        counts[rng.randrange(k)] += 1
    return counts


def make_rows(n: int, advisors, places, codes, rng: random.Random, end: dt.date) -> list[dict[str, str]]:
    from cnfs.activite.enums import Orientation, Theme

    themes = list(Theme.values)
    orientations = ["", "", "", "", *Orientation.values]
    rows = []
    for _ in range(n):
        pk, email = rng.choice(advisors)
        collective = rng.random() < 0.1
        participants = rng.randint(3, 15) if collective else 1
        at_place = rng.random() < 0.8
        row = {
            "conseiller": email,
            "date": (end - dt.timedelta(days=rng.randint(0, 1095))).isoformat(),
            "type": "collectif" if collective else rng.choice(["individuel", "ponctuel"]),
            "canal": "lieu_activite" if at_place else rng.choice(["autre_lieu", "domicile", "distance"]),
            "lieu_id": str(rng.choice(places[pk])) if at_place else "",
            "commune_id": "" if at_place else rng.choice(codes),
            "duree_minutes": str(rng.choice([15, 30, 45, 60, 90, 120])),
            "participants": str(participants),
            "participants_recurrents": str(rng.randint(0, participants)),
            "themes": "|".join(
                sorted(set(rng.choices([t for t in themes if t != "demarche_en_ligne"], k=rng.randint(1, 3))))
            ),
            "orientation": rng.choice(orientations),
        }
        for name, value in zip(COLUMNS[9:14], _split(rng, participants, 5), strict=True):
            row[name] = str(value)
        for name, value in zip(COLUMNS[14:19], _split(rng, participants, 5), strict=True):
            row[name] = str(value)
        rows.append(row)
    return rows


def to_csv(rows) -> bytes:
    out = io.StringIO()
    out.write(";".join(COLUMNS) + "\n")
    for row in rows:
        out.write(";".join(row[c] for c in COLUMNS) + "\n")
    return out.getvalue().encode()


def empty_tables(connection) -> None:
    from cnfs.activite.models import Accompagnement, AccompagnementTheme
    from cnfs.pilotage.rollups import SPECS

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # CASCADE: appointments point at their record; the rollups start empty too, as on the first run.
            rollup_tables = ", ".join(f'"{spec.table}"' for spec in SPECS)
            cursor.execute(
                f'TRUNCATE "{AccompagnementTheme._meta.db_table}", "{Accompagnement._meta.db_table}", '
                f"{rollup_tables} RESTART IDENTITY CASCADE"
            )
        else:
            AccompagnementTheme.objects.all().delete()
            Accompagnement.objects.all().delete()
            for spec in SPECS:
                spec.model.objects.all().delete()


def raw_copy(valid: list[dict], connection) -> float:
    """The baseline: the final rows, formatted beforehand, COPY'd with explicit ids; returns seconds."""
    from django.db import transaction

    from cnfs.activite.imports import _columns
    from cnfs.activite.models import Accompagnement, AccompagnementTheme

    columns, attnames = _columns()
    now = dt.datetime.now(dt.UTC).isoformat()

    def text(v):
        return "\\N" if v is None else str(v)

    main = io.StringIO()
    topics = io.StringIO()
    for pk, values in enumerate(valid, start=1):
        main.write("\t".join([str(pk), *(text(values[a]) for a in attnames), now, now]) + "\n")
        for theme in values["themes"]:
            topics.write(f"{pk}\t{theme}\n")
    main_bytes, topic_bytes = main.getvalue().encode(), topics.getvalue().encode()
    names = ", ".join(['"id"', *(f'"{c}"' for c in columns), '"created_at"', '"updated_at"'])
    table, theme_table = Accompagnement._meta.db_table, AccompagnementTheme._meta.db_table
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            copy.write(main_bytes)
        with cursor.copy(f'COPY "{theme_table}" ("accompagnement_id", "theme") FROM STDIN') as copy:
            copy.write(topic_bytes)
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, len(valid)])
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="petite exécution de quelques secondes (CI)")
    parser.add_argument("--rows", type=int, default=None, help="lignes importées (défaut 200 000, smoke 5 000)")
    parser.add_argument("--conseillers", type=int, default=None, help="conseillers (défaut 4 000, smoke 200)")
    parser.add_argument("--repeat", type=int, default=None, help="mesures de chaque méthode (défaut 2, smoke 1)")
    parser.add_argument("--database-url", default=None, help="base PostgreSQL (défaut : SQLite temporaire)")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    n_rows = args.rows or (5_000 if args.smoke else 200_000)
    n_conseillers = args.conseillers or (200 if args.smoke else 4_000)
    repeat = args.repeat or (1 if args.smoke else 2)
    tmp = Path(tempfile.mkdtemp(prefix="bench-activite-"))
    os.environ["CNFS_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.database_url and args.database_url.startswith("postgres"):
        _fresh_postgres_database(args.database_url)
    import django

    django.setup()
    from benchdb import migrate
    from django.db import connection

    from cnfs.activite.imports import read_csv
    from cnfs.activite.models import Accompagnement, AccompagnementTheme
    from cnfs.activite.services import accompagnements_import
    from cnfs.activite.validation import Referentiel, clean_accompagnement

    print(f"Banc d’import des comptes rendus d’activité — base {connection.vendor}, {os.cpu_count()} cœurs")
    print("Charge de la machine (1, 5, 15 min) : " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    migrate()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    advisors, places, codes = setup_world(n_conseillers, rng)
    today = dt.date(2026, 6, 30)
    rows = make_rows(n_rows, advisors, places, codes, rng, today)
    data = to_csv(rows)
    print(
        f"Données : {n_rows} lignes ({len(data) / 1e6:.1f} Mo en CSV), {len(advisors)} conseillers, "
        f"{sum(len(p) for p in places.values())} lieux ; préparées en {time.perf_counter() - started:.1f} s"
    )

    def platform_rows() -> float:
        empty_tables(connection)
        t0 = time.perf_counter()
        report = accompagnements_import(rows=rows, today=today)
        elapsed = time.perf_counter() - t0
        assert report.created == n_rows, report.summary_lines(limit=5)
        return elapsed

    def platform_csv() -> float:
        empty_tables(connection)
        t0 = time.perf_counter()
        report = accompagnements_import(rows=read_csv(data), today=today)
        elapsed = time.perf_counter() - t0
        assert report.created == n_rows, report.summary_lines(limit=5)
        return elapsed

    results: dict[str, float] = {}
    if connection.vendor == "postgresql":
        by_email = {email: pk for pk, email in advisors}
        ref = Referentiel.load(conseiller_ids=list(by_email.values()), commune_codes=codes, today=today)
        valid = [clean_accompagnement(r, conseiller_id=by_email[r["conseiller"]], ref=ref) for r in rows]

        def baseline() -> float:
            empty_tables(connection)
            return raw_copy(valid, connection)

        results["COPY brut (lignes déjà formatées)"] = min(baseline() for _ in range(repeat))
    results["plateforme, lignes lues"] = min(platform_rows() for _ in range(repeat))
    results["plateforme, depuis le fichier CSV"] = min(platform_csv() for _ in range(repeat))
    assert Accompagnement.objects.count() == n_rows
    themes = AccompagnementTheme.objects.count()
    count = Accompagnement.objects.count()
    print(f"Contrôle : {count} comptes rendus et {themes} thèmes en base après le dernier import")

    base = results.get("COPY brut (lignes déjà formatées)")
    for label, seconds in results.items():
        ratio = f" — {n_rows / seconds / (n_rows / base) * 100:.0f} % du COPY brut" if base else ""
        speed = f"{n_rows / seconds:,.0f}".replace(",", " ")
        print(f"{label:40s} {seconds:7.2f} s  {speed:>10s} lignes/s{ratio}")
    if base is None:
        print("COPY brut : PostgreSQL seulement (--database-url postgres://…) ; pas de ratio sur SQLite.")
        return 0
    ratio = base / results["plateforme, lignes lues"]
    target = ratio >= 0.5
    print(f"Objectif ≥ 50 % du COPY brut (lignes lues) : {'atteint' if target else 'MANQUÉ'} ({ratio * 100:.0f} %)")
    return 0 if target or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
