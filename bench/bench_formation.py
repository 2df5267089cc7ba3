"""Training benchmark: the daily readiness recomputation and the CSV import of results, at programme scale.

Full run: 4,000 recruited advisors (the programme's target). The batch recomputation (`conseillers_update_readiness`,
a few queries for everyone) is compared with a baseline measured in the same run: the one-advisor gate
(`conseiller_update_readiness`) called once per advisor. Then a CSV of one result row per advisor is imported
(all-or-nothing) and imported again (every row unchanged, nothing written). `--smoke`: 200 advisors (CI).
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="petit jeu de données (quelques secondes)")
    parser.add_argument("--advisors", type=int, default=None)
    parser.add_argument("--database-url", default=None, help="par défaut : une base SQLite temporaire")
    return parser.parse_args()


def population(n: int, today: datetime.date):
    """n recruited advisors of one structure: a quarter waiting, a quarter in training, half in the field."""
    from cnfs.formation.catalogue import ensure_catalogue
    from cnfs.formation.models import Inscription, ModuleFormation, OrganismeFormation
    from cnfs.recrutement.models import Candidature, Contrat, MiseEnRelation, Structure
    from cnfs.territoires.models import Commune, Departement, Region

    ensure_catalogue()
    region = Region.objects.create(code="84", nom="Auvergne-Rhône-Alpes")
    dep = Departement.objects.create(code="42", nom="Loire", region=region)
    commune = Commune.objects.create(
        code="42218", nom="Saint-Étienne", search_name="saint etienne", departement=dep, region=region, population=1
    )
    structure = Structure.objects.create(
        siret="21420218600019",
        type="commune",
        nom="Mairie",
        adresse="1 place",
        commune=commune,
        contact_prenom="A",
        contact_nom="B",
        contact_email="a@exemple.fr",
        postes_accordes=n,
        postes_occupes=n,
    )
    organisme = OrganismeFormation.objects.create(nom="Organisme du banc d’essai")
    candidatures = Candidature.objects.bulk_create(
        Candidature(
            prenom="Camille",
            nom=f"Conseiller{i}",
            email=f"c{i}@exemple.fr",
            date_naissance=datetime.date(1990, 1, 1),
            code_postal="42000",
            commune=commune,
            demandeur_emploi=True,
            date_disponibilite=today,
            etape="recrute",
            cle_identite=f"c{i}",
        )
        for i in range(n)
    )
    mers = MiseEnRelation.objects.bulk_create(
        MiseEnRelation(structure=structure, candidature=c, statut="finalisee", date_recrutement=today)
        for c in candidatures
    )
    day = datetime.timedelta(days=1)
    Contrat.objects.bulk_create(
        Contrat(
            mise_en_relation=m,
            type="cdi",
            date_debut=today - day if i % 2 == 0 else today + 30 * day,
            heures_hebdomadaires=35,
        )
        for i, m in enumerate(mers)
    )
    socle = ModuleFormation.objects.get(code="fi-socle")
    # Training started for 3 advisors out of 4: with the contract pattern, half in the field, a quarter in training.
    Inscription.objects.bulk_create(
        Inscription(candidature=c, module=socle, organisme=organisme, heures_prevues=70, date_debut=today - 10 * day)
        for i, c in enumerate(candidatures)
        if i % 4 != 3
    )
    return organisme, candidatures


def main() -> None:
    args = parse_args()
    n = args.advisors or (200 if args.smoke else 4_000)
    workdir = Path(tempfile.mkdtemp(prefix="bench-formation-"))
    os.environ["CNFS_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from benchdb import migrate
    from django.db import connection

    from cnfs.formation import services
    from cnfs.formation.selectors import funnel
    from cnfs.recrutement.models import Candidature

    print(f"Base : {connection.vendor} ({os.environ['DATABASE_URL']}) — {n} conseillers recrutés")
    print("Charge de la machine (1, 5, 15 min) : " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
    migrate()
    today = datetime.date(2021, 8, 31)
    organisme, candidatures = population(n, today)

    started = time.perf_counter()
    moved = services.conseillers_update_readiness(today=today)
    batch = time.perf_counter() - started
    result = funnel()
    print(
        f"Recalcul groupé : {batch:.2f} s — {sum(moved.values())} changement(s) ; entonnoir {result.recrutes} "
        f"recrutés, {result.en_formation} en formation, {result.en_poste} en poste"
    )
    assert (result.recrutes, result.en_formation, result.en_poste) == (n, n // 4, n // 2), result
    started = time.perf_counter()
    again = services.conseillers_update_readiness(today=today)
    print(f"Recalcul groupé, rien à changer : {time.perf_counter() - started:.2f} s")
    assert sum(again.values()) == 0

    Candidature.objects.update(etape="recrute")
    started = time.perf_counter()
    for candidature in candidatures:
        services.conseiller_update_readiness(candidature=candidature, today=today)
    baseline = time.perf_counter() - started
    assert funnel() == result
    print(f"Référence, un conseiller à la fois : {baseline:.2f} s")
    print(f"Rapport référence / groupé : {baseline / batch:.1f}×")

    lines = ["email;code;heures_prevues;heures_realisees;date_debut;date_fin;resultat"]
    lines += [
        f"c{i}@exemple.fr;fi-socle;70;35;{today - datetime.timedelta(days=10):%d/%m/%Y};;en_cours"
        for i in range(n)
        if i % 4 != 3
    ]
    data = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    report = services.resultats_import(actor=None, organisme=organisme, data=data, origin="bench.csv", today=today)
    first = time.perf_counter() - started
    assert report.written and not report.rejected and report.updated == len(lines) - 1, report.summary_lines()[:5]
    started = time.perf_counter()
    rerun = services.resultats_import(actor=None, organisme=organisme, data=data, origin="bench.csv", today=today)
    second = time.perf_counter() - started
    assert rerun.unchanged == len(lines) - 1 and rerun.updated == 0
    print(f"Import CSV : {len(lines) - 1} lignes en {first:.2f} s ({(len(lines) - 1) / first:,.0f} lignes/s)")
    print(f"Import relancé (tout inchangé) : {second:.2f} s")


if __name__ == "__main__":
    main()
