"""`cnfs maillage`: coverage indicators, least covered communes and a placement proposal on the command line."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cnfs.lieux.maillage import selectors
from cnfs.lieux.maillage.coverage import TIME_BANDS
from cnfs.territoires.models import Departement

MAX_SITES = 1000


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %".replace(".", ",")


def _int(value: int) -> str:
    return f"{int(value):,}".replace(",", "\u202f")


class Command(BaseCommand):
    help = (
        "Maillage territorial, temps d’accès estimés aux lieux et implantation de nouveaux sites. Part de la "
        "population à 10, 20 et 30 minutes estimées d’un lieu, communes les moins bien desservies et, avec "
        "--placer K, proposition de K nouveaux sites. Temps estimés : distance à vol d’oiseau × facteur de "
        "détour ÷ vitesse, en attendant un calculateur d’itinéraires."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departement", help="code du département (défaut : la France entière)")
        parser.add_argument("--label", help="ne compter que les lieux portant ce label (ex. france_services)")
        parser.add_argument("--placer", type=int, metavar="K", help="proposer K nouveaux sites")
        parser.add_argument("--seuil", type=int, default=selectors.DEFAULT_THRESHOLD, help="seuil en minutes (30)")
        parser.add_argument(
            "--toutes-communes",
            action="store_true",
            help="candidats : toutes les communes (défaut : les communes sans lieu)",
        )
        parser.add_argument("--exact", action="store_true", help="optimum exact (PLNE) au lieu de l’heuristique")
        parser.add_argument("--csv", metavar="FICHIER", help="écrire le temps estimé de chaque commune en CSV")
        parser.add_argument("--limite", type=int, default=15, help="communes les moins desservies à afficher")

    def handle(self, *args, **options):
        out = getattr(self.stdout, "_out", self.stdout)
        console = Console(file=out, highlight=False, width=None if out.isatty() else 140)
        try:
            label = selectors.normalise_label(options["label"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        code = options["departement"]
        if code is not None and not Departement.objects.filter(code=code).exists():
            raise CommandError(f"Département inconnu : {code}.")
        k = options["placer"]
        if k is not None and not 1 <= k <= MAX_SITES:
            raise CommandError(f"--placer attend un nombre de sites entre 1 et {MAX_SITES}.")
        if not 1 <= options["seuil"] <= 240:
            raise CommandError("--seuil attend un nombre de minutes entre 1 et 240.")
        codes = None if code is None else [code]
        started = time.perf_counter()
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            disable=options["verbosity"] == 0,
        ) as progress:
            task = progress.add_task("Lecture des communes et des lieux, calcul du lieu le plus proche…", total=None)
            report = selectors.territory_coverage(codes, label, limit=options["limite"])
            if not len(report.indices):
                raise CommandError(
                    "Aucune commune géolocalisée sur ce territoire : "
                    "chargez les communes avec « cnfs territoires load »."
                )
            proposal = None
            if k is not None:
                progress.update(task, description=f"Choix de {k} sites (seuil {options['seuil']} min)…")
                proposal = selectors.propose_sites(
                    codes,
                    k=k,
                    threshold=options["seuil"],
                    label=label,
                    candidates=selectors.CANDIDATES_ALL
                    if options["toutes_communes"]
                    else selectors.CANDIDATES_WITHOUT_PLACE,
                    method="milp" if options["exact"] else "greedy",
                )
            progress.update(task, description="Terminé", completed=1, total=1)
        state = report.state
        title = "France entière" if code is None else f"Département {code}"
        console.print(f"[bold]Maillage territorial — {title}[/bold] — lieux : {selectors.label_name(label)}")
        console.print(state.model.description)
        self._indicators(console, report, code)
        self._least_covered(console, report)
        if proposal is not None:
            self._proposal(console, proposal)
        if options["csv"]:
            count = self._write_csv(Path(options["csv"]), report)
            console.print(f"{_int(count)} communes écrites dans {options['csv']}.")
        console.print(f"Durée : {time.perf_counter() - started:.2f} s")

    def _indicators(self, console, report, code):
        names = selectors.departement_names(report.by_departement.keys())
        table = Table(title="Part de la population à moins de … minutes estimées d’un lieu")
        for header in ("Territoire", "Population", *[f"≤ {m} min" for m in TIME_BANDS], "Au-delà de 30 min"):
            table.add_column(header, justify="left" if header == "Territoire" else "right")
        rows = [("Ensemble", report.total)]
        if code is None or len(report.by_departement) > 1:
            rows += [(f"{names.get(c, c)} ({c})", item) for c, item in sorted(report.by_departement.items())]
        for name, item in rows:
            table.add_row(
                name,
                _int(item.population),
                *[_percent(item.share(m)) for m in TIME_BANDS],
                f"{_int(item.beyond_population)} hab. ({_int(item.beyond_communes)} communes)",
            )
        console.print(table)

    def _least_covered(self, console, report):
        if not len(report.least_covered):
            console.print("Aucune commune au-delà de 30 minutes estimées.")
            return
        table = Table(title="Communes les moins bien desservies (au-delà de 30 min, les plus peuplées d’abord)")
        for header in ("Commune", "Dépt", "Population", "Distance", "Temps estimé", "Lieu le plus proche"):
            table.add_column(header)
        for i in report.least_covered:
            row = selectors.commune_row(report.state, int(i))
            table.add_row(
                f"{row['nom']} ({row['code']})",
                row["departement"],
                _int(row["population"]),
                "—" if row["km"] is None else f"{row['km']:.1f} km".replace(".", ","),
                "—" if row["minutes"] is None else f"{row['minutes']:.0f} min",
                row["lieu"] or "—",
            )
        console.print(table)

    def _proposal(self, console, proposal):
        seuil = int(proposal.threshold)
        table = Table(title=f"Sites proposés ({proposal.method}) : habitants passant à {seuil} min ou moins")
        for header in ("N°", "Commune", "Dépt", "Habitants ajoutés", "Cumul"):
            table.add_column(header, justify="right" if header != "Commune" else "left")
        for site in proposal.sites:
            table.add_row(
                str(site["rank"]),
                f"{site['nom']} ({site['code']})",
                site["departement"],
                _int(site["gain"]),
                _int(site["cumulative"]),
            )
        console.print(table)
        console.print(
            f"{len(proposal.sites)} sites : +{_int(proposal.total)} habitants à {seuil} min ou moins, sur "
            f"{_int(proposal.demand_population)} au-delà aujourd’hui ({proposal.seconds:.2f} s)."
        )

    def _write_csv(self, path: Path, report) -> int:
        try:
            handle = path.open("w", encoding="utf-8-sig", newline="")
        except OSError as error:
            raise CommandError(f"Impossible d’écrire {path} : {error.strerror}.") from error
        with handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(
                [
                    "Code INSEE",
                    "Commune",
                    "Code département",
                    "Population",
                    "Distance à vol d’oiseau au lieu le plus proche (km)",
                    "Temps de trajet estimé (min)",
                    "Lieu le plus proche",
                ]
            )
            for i in report.indices:
                row = selectors.commune_row(report.state, int(i))
                writer.writerow(
                    [
                        row["code"],
                        row["nom"],
                        row["departement"],
                        row["population"],
                        "" if row["km"] is None else f"{row['km']:.2f}".replace(".", ","),
                        "" if row["minutes"] is None else f"{row['minutes']:.1f}".replace(".", ","),
                        row["lieu"],
                    ]
                )
        return len(report.indices)
