"""Benchmark of the territories: full load on a fresh SQLite file, idempotent second run, commune search latency.

    python bench/bench_territoires.py            # every commune (target: load under 30 s on SQLite)
    python bench/bench_territoires.py --smoke    # one département, a few seconds (CI)
    python bench/bench_territoires.py --database-url postgres://postgres@127.0.0.1:5432/bench_territoires

Baselines measured in the same run: the load against Django's bulk_create of the same rows, the search against a
naive scan (`LIKE '%…%'` on every commune).
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="un seul département (42), quelques secondes")
    parser.add_argument("--database-url", help="base à utiliser (par défaut : un fichier SQLite neuf et temporaire)")
    parser.add_argument("--queries", type=int, default=400, help="nombre de recherches chronométrées")
    return parser.parse_args()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def queries_for(communes: list[tuple[str, str, str]], count: int, rng: random.Random) -> list[str]:
    """What people type: name prefixes, names without accents or in capitals, "st" for "saint", postcodes."""
    from cnfs.territoires.normalize import normalize_name

    queries = []
    for _ in range(count):
        code, nom, postcodes = rng.choice(communes)
        kind = rng.randrange(6)
        if kind == 0:
            queries.append(nom[: rng.randint(3, max(3, len(nom)))])
        elif kind == 1:
            queries.append(normalize_name(nom).upper())
        elif kind == 2:
            queries.append(nom.replace("Saint-", "st ").replace("Sainte-", "ste "))
        elif kind == 3 and postcodes:
            queries.append(postcodes.split()[0][: rng.randint(2, 5)])
        elif kind == 4:
            queries.append(code)
        else:
            queries.append(rng.choice(["%%%", "x" * 2000, "'; DROP TABLE t; --", "😀", normalize_name(nom)[1:6]]))
    return queries


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-territoires-"))
    os.environ["CNFS_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from benchdb import migrate
    from django.db import connection, transaction
    from django.db.models import Sum

    from cnfs.territoires.models import Commune, CommuneSearchKey
    from cnfs.territoires.normalize import name_keys, normalize_name
    from cnfs.territoires.selectors import commune_search
    from cnfs.territoires.services import territoires_load
    from cnfs.territoires.sources import read_source

    departements = ["42"] if args.smoke else None
    scope = "département 42" if args.smoke else "toutes les communes"
    print(f"Base : {connection.vendor} ({os.environ['DATABASE_URL']}) — {scope}")
    print("Charge de la machine (1, 5, 15 min) : " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))

    started = time.perf_counter()
    how = migrate()
    print(f"Migrations : {time.perf_counter() - started:.1f} s ({how})")

    first = territoires_load(departements=departements)
    print(
        f"Premier chargement : {first.seconds:.1f} s — {first.communes.total} communes, "
        f"{first.communes_with_point} avec coordonnées, {first.search_keys.total} clés de recherche, "
        f"{first.epcis.total} EPCI, {first.departements.total} départements, {first.regions.total} régions, "
        f"{first.hubs.total} hubs"
    )
    population = Commune.objects.aggregate(total=Sum("population"))["total"]
    print(f"Population municipale en base : {population}")
    second = territoires_load(departements=departements)
    print(
        f"Second chargement (idempotent) : {second.seconds:.1f} s — "
        + ("aucune modification" if not second.changed else "MODIFICATIONS INATTENDUES")
    )

    rng = random.Random(2021)
    communes = list(Commune.objects.values_list("code", "nom", "codes_postaux_text"))
    queries = queries_for(communes, args.queries, rng)
    for query in queries[:20]:  # warm the caches
        commune_search(query)
    timings, found = [], 0
    for query in queries:
        started = time.perf_counter()
        found += bool(commune_search(query))
        timings.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(timings)

    def naive(query: str) -> list:
        text = normalize_name(query) if len(query) <= 100 else ""
        if not text:
            return []
        matches = Commune.objects.filter(search_name__contains=text) | Commune.objects.filter(
            codes_postaux_text__contains=text
        )
        return list(matches.select_related("departement").order_by("-population")[:20])

    naive_timings = []
    for query in queries:
        started = time.perf_counter()
        naive(query)
        naive_timings.append((time.perf_counter() - started) * 1000)
    naive_p50, naive_p95 = percentiles(naive_timings)
    print(
        f"Recherche ({len(queries)} requêtes, {found} avec résultat) : p50 {p50:.2f} ms, p95 {p95:.2f} ms — "
        f"référence balayage complet : p50 {naive_p50:.2f} ms, p95 {naive_p95:.2f} ms "
        f"(rapport p50 {naive_p50 / p50:.1f}×)"
    )

    # Baseline: the same communes and keys written with Django's bulk_create, on emptied tables.
    data = read_source(None, departements=departements)
    CommuneSearchKey.objects.all().delete()
    Commune.objects.all().delete()
    departement_ids = dict(Commune.departement.field.related_model.objects.values_list("code", "pk"))
    region_ids = dict(Commune.departement.field.related_model.objects.values_list("code", "region_id"))
    epci_ids = dict(Commune.epci.field.related_model.objects.values_list("code", "pk"))
    started = time.perf_counter()
    with transaction.atomic():
        objects = [
            Commune(
                code=row.code,
                nom=row.nom,
                search_name=normalize_name(row.nom),
                departement_id=departement_ids[row.departement],
                region_id=region_ids[row.departement],
                epci_id=epci_ids.get(row.epci),
                population=row.population,
                latitude=row.latitude,
                longitude=row.longitude,
                codes_postaux=list(row.codes_postaux),
                codes_postaux_text=" ".join(row.codes_postaux),
            )
            for row in data.communes
        ]
        Commune.objects.bulk_create(objects, batch_size=500)
        ids = dict(Commune.objects.values_list("code", "pk"))
        CommuneSearchKey.objects.bulk_create(
            [
                CommuneSearchKey(key=key, commune_id=ids[obj.code])
                for obj in objects
                for key in {*obj.codes_postaux, *name_keys(obj.search_name)}
            ],
            batch_size=500,
        )
    baseline = time.perf_counter() - started
    ours = first.seconds
    print(
        f"Référence bulk_create (communes et clés seulement) : {baseline:.1f} s — chargement complet cnfs : "
        f"{ours:.1f} s (rapport {baseline / ours:.1f}×)"
    )
    print("Charge de la machine (1, 5, 15 min) : " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
    if not args.database_url:
        shutil.rmtree(workdir, ignore_errors=True)
    if not args.smoke:
        verdict = "OK" if ours < 30 else "TROP LENT"
        print(f"Objectif chargement complet < 30 s sur SQLite : {verdict} ({ours:.1f} s)")


if __name__ == "__main__":
    main()
