"""`cnfs pilotage rebuild | verifier`: recompute the rollups from the activity records, or prove they match them."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from cnfs.pilotage.selectors import rollups_verify
from cnfs.pilotage.services import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Cumuls du pilotage : « rebuild » les recalcule depuis les comptes rendus d’activité ; « verifier » prouve "
        "qu’ils sont égaux à un regroupement (GROUP BY) des données brutes (code de sortie 1 sinon)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", title="actions", required=True)
        sub.add_parser("rebuild", help="recalcule tous les cumuls depuis les données brutes")
        verifier = sub.add_parser("verifier", help="compare les cumuls à un GROUP BY sur les données brutes")
        verifier.add_argument("--exemples", type=int, default=5, help="lignes différentes montrées par table")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["action"] == "rebuild":
            counts = rollups_rebuild()
            for name, count in counts.items():
                self.stdout.write(f"{name} : {count} lignes")
            self.stdout.write(self.style.SUCCESS(f"Cumuls recalculés en {time.perf_counter() - started:.1f} s."))
            return
        differences = rollups_verify(samples=options["exemples"])
        failed = [d for d in differences if not d.ok]
        for difference in differences:
            name = difference.spec.model._meta.verbose_name_plural
            if difference.ok:
                self.stdout.write(f"{name} : conformes")
                continue
            self.stdout.write(
                f"{name} : {difference.only_in_rollup} ligne(s) du cumul absentes ou différentes des données brutes, "
                f"{difference.only_in_raw} ligne(s) des données brutes absentes ou différentes du cumul"
            )
            for line in difference.samples:
                self.stdout.write(f"  - {line}")
        if failed:
            raise CommandError(
                f"{len(failed)} table(s) de cumul diffèrent des données brutes : lancez « cnfs pilotage rebuild »."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Tous les cumuls sont égaux aux données brutes ({time.perf_counter() - started:.1f} s)."
            )
        )
