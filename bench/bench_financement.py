"""Benchmark of the national budget board and of the invariant check, on a synthetic programme.

    python bench/bench_financement.py            # 3,500 structures and signed conventions, 7,000 instalments
    python bench/bench_financement.py --smoke    # a few hundred, a few seconds (CI)

Runs on a throw-away in-memory SQLite database (tables created from the models), never on yours. Measures:
- the board's per-département totals (`selectors.by_departement`, grouped queries) against a naive baseline in the
  same run that reads each convention's paid total with its own query (the N+1 pattern the style guide forbids);
  both must give the same figures;
- `cnfs financement verifier` (every invariant, which must hold);
- the CSV export of every convention;
- signatures through the service (row locks, audit log, schedule), in milliseconds each.

Targets (full run): board under 0.5 s and at least 10 × faster than the baseline; verifier under 2 s.
The exit code is 1 when a target is missed (not with --smoke, whose sizes are too small to mean anything).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def setup_database() -> None:
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    # Tables straight from the models (with their constraints): much faster than replaying every migration.
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", verbosity=0, run_syncdb=True)


def best_of(repeat: int, func):
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - started)
    return best, result


def build(n_structures: int, n_grants: int, seed: int):
    """Synthetic territories, structures, signed conventions with paid and planned instalments, grants."""
    from cnfs.core.models import User
    from cnfs.financement import reference
    from cnfs.financement.models import Bareme, Convention, DemandeMobilier, Enveloppe, ModeleMobilier, Smic, Versement
    from cnfs.lieux.models import Lieu
    from cnfs.recrutement.models import Structure
    from cnfs.recrutement.tests.factories import make_siret
    from cnfs.territoires.models import Commune, Departement, Region

    rng = random.Random(seed)
    reference.seed(Enveloppe, Smic, Bareme)
    regions = Region.objects.bulk_create(Region(code=f"{r:02d}", nom=f"Région {r}") for r in range(1, 14))
    deps = Departement.objects.bulk_create(
        Departement(code=f"{d:02d}", nom=f"Département {d}", region=regions[d % 13]) for d in range(1, 102)
    )
    communes = Commune.objects.bulk_create(
        Commune(code=f"{d.code}001", nom=f"Chef-lieu {d.code}", search_name="x", departement=d, region=d.region)
        for d in deps
    )
    structures = Structure.objects.bulk_create(
        Structure(
            siret=make_siret(i),
            type="commune",
            nom=f"Structure {i}",
            adresse="1 place de la Mairie",
            commune=rng.choice(communes),
            contact_prenom="A",
            contact_nom="B",
            contact_email=f"s{i}@exemple.fr",
            postes_accordes=3,
        )
        for i in range(n_structures)
    )
    conseillers = Enveloppe.objects.get(destination="conseillers")
    bareme = Bareme.objects.get(montant_forfait=50_000_00)
    start = datetime.date(2022, 1, 1)
    conventions = Convention.objects.bulk_create(
        Convention(
            structure=s,
            enveloppe=conseillers,
            bareme=bareme,
            nombre_postes=(n := 2 if rng.random() < 0.1 else 1),
            date_debut=start,
            duree_mois=24,
            montant_par_poste=50_000_00,
            montant_total=50_000_00 * n,
            statut="validee",
            signee_le=start,
        )
        for s in structures
    )
    versements, paid = [], 0
    for c in conventions:
        half = c.montant_total // 2
        is_paid = rng.random() < 0.6
        paid += half if is_paid else 0
        versements.append(
            Versement(
                convention=c,
                numero=1,
                date_prevue=start,
                montant=half,
                statut="paye" if is_paid else "prevu",
                mandate_le=start if is_paid else None,
                paye_le=start if is_paid else None,
            )
        )
        versements.append(Versement(convention=c, numero=2, date_prevue=start, montant=c.montant_total - half))
    Versement.objects.bulk_create(versements, batch_size=2000)
    Enveloppe.objects.filter(pk=conseillers.pk).update(engage=sum(c.montant_total for c in conventions), verse=paid)
    # Equipment grants for places.
    modele = ModeleMobilier.objects.create(nom="Banque d’accueil", description="", cout_estime=2_000_00)
    lieux = Lieu.objects.bulk_create(
        Lieu(
            source="bench",
            source_id=f"l{i}",
            pivot="00000000000000",
            nom=f"Lieu {i}",
            commune=rng.choice(communes),
            code_postal="00000",
            adresse="x",
            date_maj=start,
        )
        for i in range(n_grants)
    )
    mobilier = Enveloppe.objects.get(destination="mobilier")
    grants = DemandeMobilier.objects.bulk_create(
        DemandeMobilier(
            lieu=lieu,
            modele=modele,
            enveloppe=mobilier,
            type_fabricant="fablab",
            nom_fabricant="Fablab",
            montant=2_000_00,
            devis="mobilier/devis/bench.pdf",
            statut=rng.choice(["accordee", "versee", "deposee"]),
            versee_le=start,
        )
        for lieu in lieux
    )
    engaged = sum(g.montant for g in grants if g.statut in ("accordee", "versee"))
    Enveloppe.objects.filter(pk=mobilier.pk).update(
        engage=engaged, verse=sum(g.montant for g in grants if g.statut == "versee")
    )
    extra = Structure.objects.bulk_create(
        Structure(
            siret=make_siret(n_structures + i),
            type="commune",
            nom=f"À signer {i}",
            adresse="x",
            commune=rng.choice(communes),
            contact_prenom="A",
            contact_nom="B",
            contact_email=f"x{i}@exemple.fr",
            postes_accordes=1,
        )
        for i in range(50)
    )
    anct = User.objects.create_user("anct@bench.localhost")
    anct.role_assignments.create(role="anct", scope_type="national")
    return anct, extra, bareme, conseillers


def naive_by_departement():
    """Baseline: one query per convention for its paid total, sums in Python (what the selector avoids)."""
    from cnfs.financement.enums import StatutVersement
    from cnfs.financement.models import Convention

    totals: dict[str, list[int]] = {}
    for c in Convention.objects.signees().select_related("structure__commune__departement"):
        code = c.structure.commune.departement.code
        paid = sum(c.versements.filter(statut=StatutVersement.PAYE).values_list("montant", flat=True))
        row = totals.setdefault(code, [0, 0])
        row[0] += c.montant_net
        row[1] += paid
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="petit jeu de données (quelques secondes)")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    # 3,500 conventions (≈ 3,850 posts, 192.5 M€) nearly fill the 200 M€ envelope, as the programme's 4,000 posts do.
    n_structures, n_grants, repeat = (300, 100, 2) if args.smoke else (3_500, 2_000, 3)

    started = time.perf_counter()
    setup_database()
    anct, to_sign, bareme, enveloppe = build(n_structures, n_grants, args.seed)
    print(
        f"{n_structures} conventions signées, {2 * n_structures} échéances, {n_grants} aides au mobilier "
        f"(base SQLite en mémoire, préparée en {time.perf_counter() - started:.1f} s)"
    )

    from cnfs.financement import exports, selectors, services
    from cnfs.financement.verification import verify

    t_board, rows = best_of(
        repeat, lambda: selectors.by_region(selectors.by_departement()) and selectors.by_departement()
    )
    t_naive, naive = best_of(1 if not args.smoke else repeat, naive_by_departement)
    same = {r.code: [r.engage_conventions, r.verse_conventions] for r in rows if r.conventions} == naive
    ratio = t_naive / t_board if t_board else float("inf")
    print(f"tableau de bord (totaux par département et région, requêtes groupées) : {t_board * 1000:.0f} ms")
    print(f"référence naïve (une requête par convention) : {t_naive * 1000:.0f} ms — rapport {ratio:.1f} ×")
    print(f"mêmes montants des deux côtés : {'oui' if same else 'NON'}")

    t_verify, report = best_of(repeat, verify)
    print(f"cnfs financement verifier : {t_verify * 1000:.0f} ms, {report.breach_count} anomalie(s)")

    def export_all():
        queryset = selectors.conventions_for(anct)
        return sum(1 for _ in exports.csv_lines(exports.CONVENTION_COLUMNS, exports.convention_rows(queryset)))

    t_export, lines = best_of(repeat, export_all)
    print(f"export CSV des conventions : {lines - 1} lignes en {t_export * 1000:.0f} ms")

    conventions = [
        services.convention_create(
            actor=anct,
            structure=s,
            bareme=bareme,
            nombre_postes=1,
            date_debut=datetime.date(2025, 1, 1),
            enveloppe=enveloppe,
        )
        for s in to_sign
    ]
    t0 = time.perf_counter()
    for convention in conventions:
        services.convention_sign(actor=anct, convention=convention)
    t_sign = (time.perf_counter() - t0) / len(conventions)
    print(f"signature par le service (verrou, journal, échéancier) : {t_sign * 1000:.1f} ms par convention")
    final = verify()
    print(f"invariants après les signatures : {'respectés' if final.ok else 'NON RESPECTÉS'}")

    ok = same and report.ok and final.ok
    if not args.smoke:
        ok = ok and t_board < 0.5 and ratio >= 10 and t_verify < 2
    print("Objectifs atteints." if ok else "Objectif manqué.")
    return 0 if ok or (args.smoke and same and report.ok and final.ok) else 1


if __name__ == "__main__":
    sys.exit(main())
