"""`cnfs demo`: French-looking, deterministic, idempotent demo data for every installed app."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cnfs.demo import SCALES, DemoError, run_demo

DEMO_PASSWORD = "cnfs-demo-2021"


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les données de démonstration (un compte par rôle, puis les objets de chaque "
        "application). Déterministe pour une graine donnée ; relancer ne crée pas de doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=list(SCALES), default="small", help="volume de données (défaut : small)"
        )
        parser.add_argument("--seed", type=int, default=2021, help="graine du hasard (défaut : 2021)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="accepte de tourner avec DEBUG désactivé (les comptes reçoivent alors un mot de passe inutilisable)",
        )

    def handle(self, *args, scale, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Les données de démonstration ne se chargent qu’en développement (DEBUG activé). "
                "Ajoutez --force pour les charger malgré tout, sans mot de passe connu."
            )
        out = getattr(self.stdout, "_out", self.stdout)
        # Wide enough off a terminal (logs, tests) that no e-mail address is cut.
        width = None if out.isatty() else 140
        console = Console(file=out, highlight=False, width=width)
        started = time.perf_counter()
        console.print(f"Données de démonstration — échelle {SCALES[scale].label}, graine {seed}")
        password = DEMO_PASSWORD if settings.DEBUG else None
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["verbosity"] == 0,
        ) as bar:

            def progress(iterable, description, total=None):
                yield from bar.track(iterable, total=total, description=description)

            try:
                result = run_demo(scale=scale, seed=seed, password=password, progress=progress)
            except DemoError as error:
                raise CommandError(error.message) from error

        ctx = result.context
        for step, label, count in ctx.summary:
            console.print(f"  {step} : {count} {label}")
        for warning in ctx.warnings:
            console.print(f"[yellow]Attention :[/yellow] {warning}")
        if settings.DEBUG:
            table = Table(title="Comptes de démonstration")
            for column in ("Rôle", "Adresse électronique", "Périmètre"):
                table.add_column(column, no_wrap=column == "Adresse électronique")
            for row in ctx.shared.get("account_rows", []):
                table.add_row(*row)
            console.print(table)
            console.print(f"Mot de passe de tous ces comptes : [bold]{DEMO_PASSWORD}[/bold]")
            console.print(
                "Les rôles Équipe nationale, Préfecture, Hub, Aidant et Responsable enrôlent une application "
                "TOTP à leur première connexion."
            )
        else:
            console.print(f"{len(ctx.shared.get('account_rows', []))} comptes sans mot de passe utilisable.")
        elapsed = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        console.print(f"Terminé en {elapsed} s.")
