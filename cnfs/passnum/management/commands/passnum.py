"""`cnfs passnum releves --mois AAAA-MM`, `cnfs passnum expirer` and `cnfs passnum retention`: the monthly, the
end-of-validity and the daily retention jobs."""

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
        retention = sub.add_parser(
            "retention",
            help="Effacer les noms des bénéficiaires 12 mois après la fin d’encaissement de leur commande et "
            "supprimer les tentatives d’encaissement refusées de plus de 12 mois.",
        )
        retention.add_argument("--dry-run", action="store_true", help="Compter sans rien effacer.")
        retention.add_argument("--date", help="Date du jour à retenir (AAAA-MM-JJ ; par défaut aujourd’hui).")

    def handle(self, *args, **options):
        from cnfs.core.errors import DomainError
        from cnfs.passnum import services

        started = time.perf_counter()
        try:
            if options["action"] == "releves":
                created = services.releves_generer(mois=services.mois_parse(options["mois"]))
                message = f"{created} relevé(s) établi(s) pour {options['mois']}"
            elif options["action"] == "retention":
                message = _retention(services, options["date"], options["dry_run"])
            else:
                expired, avoirs = services.expirer()
                message = f"{expired} chèque(s) expiré(s), {avoirs} avoir(s) établi(s)"
        except DomainError as error:
            self.stderr.write(error.message)
            sys.exit(1)
        self.stdout.write(f"{message} ({time.perf_counter() - started:.2f} s)")


def _retention(services, date: str | None, dry_run: bool) -> str:
    import datetime

    from cnfs.core.errors import DomainError

    try:
        today = datetime.date.fromisoformat(date) if date else None
    except ValueError:
        raise DomainError(f"Date invalide : « {date} » (attendu AAAA-MM-JJ).") from None
    done = services.donnees_retention(today=today, dry_run=dry_run)
    verb = ("seraient effacés", "seraient supprimées") if dry_run else ("effacés", "supprimées")
    return (
        f"{done.noms_effaces} nom(s) de bénéficiaire {verb[0]} (commandes closes avant le "
        f"{done.limite_noms:%d/%m/%Y}), {done.tentatives_supprimees} tentative(s) refusée(s) {verb[1]} (antérieures "
        f"au {done.limite_tentatives:%d/%m/%Y})"
    )
