"""`cnfs passnum releves --mois AAAA-MM` and `cnfs passnum expirer`: the monthly and the end-of-validity jobs."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Pass numérique : relevés mensuels des lieux, expiration des chèques et avoirs aux commanditaires."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        releves = sub.add_parser("releves", help="Établir les relevés d’un mois clos (idempotent).")
        releves.add_argument("--mois", required=True, help="Mois clos, au format AAAA-MM.")
        sub.add_parser("expirer", help="Expirer les chèques des commandes échues et établir les avoirs.")

    def handle(self, *args, **options):
        from cnfs.core.errors import DomainError
        from cnfs.passnum import services

        started = time.perf_counter()
        try:
            if options["action"] == "releves":
                created = services.releves_generer(mois=services.mois_parse(options["mois"]))
                message = f"{created} relevé(s) établi(s) pour {options['mois']}"
            else:
                expired, avoirs = services.expirer()
                message = f"{expired} chèque(s) expiré(s), {avoirs} avoir(s) établi(s)"
        except DomainError as error:
            self.stderr.write(error.message)
            sys.exit(1)
        self.stdout.write(f"{message} ({time.perf_counter() - started:.2f} s)")
