"""`cnfs aidants journal verifier`: recompute the hash chain of the Aidants Connect journal."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Aidants Connect : vérification du journal infalsifiable, tâches planifiées du cycle de vie."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="area", required=True, title="domaines")
        journal = sub.add_parser("journal", help="Le journal des actes des aidants.")
        actions = journal.add_subparsers(dest="action", required=True, title="actions")
        actions.add_parser(
            "verifier", help="Recalculer chaque empreinte ; code de sortie 1 et première entrée altérée sinon."
        )
        # ac-life: scheduled lifecycle tasks (idempotent; run them daily).
        sub.add_parser("inactivite", help="Avertir puis désactiver les aidants sans activité depuis des mois.")
        sub.add_parser("echeances", help="Annoncer la fin prochaine des mandats longs ; journaliser les échus.")
        sub.add_parser("anonymiser", help="Anonymiser les usagers dont tous les mandats ont pris fin il y a un an.")
        from cnfs.aidants.idp import commands as idp_commands  # ac-idp: `client-oidc creer`

        idp_commands.add_arguments(sub)

    def handle(self, *args, **options):
        if options["area"] == "client-oidc":  # ac-idp
            from cnfs.aidants.idp import commands as idp_commands

            return idp_commands.handle(self, options)
        if options["area"] != "journal":
            from cnfs.aidants.management.lifecycle import run

            self.stdout.write(run(options["area"]))
            return
        from cnfs.aidants.services import journal_verify

        started = time.perf_counter()
        report = journal_verify()
        elapsed = time.perf_counter() - started
        if report.ok:
            self.stdout.write(f"{report.message()} ({elapsed:.2f} s)")
            return
        self.stderr.write(report.message())
        sys.exit(1)
