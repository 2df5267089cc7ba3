"""`cnfs activite import FICHIER.csv` and `cnfs activite retention`: activity records and beneficiaries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cnfs.activite.imports import ALL_OR_NOTHING, VALID_ONLY
from cnfs.core.errors import DomainError


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date invalide : {value} (attendu AAAA-MM-JJ).") from None


class Command(BaseCommand):
    help = "Importe des comptes rendus d’activité (CSV) ou anonymise les suivis sans activité depuis 24 mois."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        imp = sub.add_parser("import", help="Importer un fichier CSV de comptes rendus d’activité.")
        imp.add_argument("fichier", metavar="FICHIER.csv")
        imp.add_argument(
            "--conseiller",
            metavar="COURRIEL",
            help="Conseiller de toutes les lignes (sinon la colonne « conseiller », son adresse électronique).",
        )
        mode = imp.add_mutually_exclusive_group()
        mode.add_argument(
            "--tout-ou-rien",
            dest="mode",
            action="store_const",
            const=ALL_OR_NOTHING,
            help="N’importer aucune ligne si une seule est rejetée (par défaut).",
        )
        mode.add_argument(
            "--valides-seulement",
            dest="mode",
            action="store_const",
            const=VALID_ONLY,
            help="Importer les lignes valides et rejeter les autres.",
        )
        imp.add_argument("--dry-run", action="store_true", help="Simuler : afficher le rapport sans rien enregistrer.")
        ret = sub.add_parser(
            "retention",
            help="Anonymiser les bénéficiaires sans activité depuis 24 mois et effacer les coordonnées des "
            "réservations d’ateliers et rendez-vous passés.",
        )
        ret.add_argument("--dry-run", action="store_true", help="Afficher ce qui serait anonymisé, sans rien changer.")
        ret.add_argument("--date", type=_date, help="Date du jour à retenir (AAAA-MM-JJ ; par défaut aujourd’hui).")

    def handle(self, *args, action, **options):
        if action == "import":
            return self.handle_import(**options)
        return self.handle_retention(**options)

    def handle_import(self, *, fichier, conseiller, mode, dry_run, **options):
        from cnfs.activite.imports import read_csv
        from cnfs.activite.services import accompagnements_import
        from cnfs.core.models import User

        path = Path(fichier)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        owner = None
        if conseiller:
            owner = User.objects.filter(email__iexact=conseiller.strip()).first()
            if owner is None:
                raise CommandError(f"Aucun compte n’a l’adresse {conseiller}.")
        try:
            rows = read_csv(path.read_bytes())
            report = accompagnements_import(rows=rows, conseiller=owner, mode=mode or ALL_OR_NOTHING, dry_run=dry_run)
        except DomainError as error:
            raise CommandError(error.message) from None
        for line in report.summary_lines(limit=200):
            self.stdout.write(line)
        if not report.written and not dry_run:
            raise CommandError("Import refusé : aucune ligne n’a été enregistrée.")

    def handle_retention(self, *, dry_run, date, **options):
        from cnfs.activite.services import RETENTION_MONTHS, beneficiaires_retention

        ids = beneficiaires_retention(today=date, dry_run=dry_run)
        verb = "seraient anonymisés" if dry_run else "anonymisés"
        if not ids:
            self.stdout.write(f"Aucun bénéficiaire sans activité depuis {RETENTION_MONTHS} mois : rien à faire.")
        else:
            self.stdout.write(f"{len(ids)} bénéficiaire(s) sans activité depuis {RETENTION_MONTHS} mois {verb} :")
            self.stdout.write("nº " + ", ".join(str(pk) for pk in ids))
        self.handle_purge(dry_run=dry_run, date=date)

    def handle_purge(self, *, dry_run, date):
        """The other retention rule: contacts of the public who booked an atelier or an appointment."""
        import datetime as dt

        from django.utils import timezone

        from cnfs.activite.ateliers.services import reservations_purge
        from cnfs.activite.ateliers.services._common import purge_days

        now = None if date is None else timezone.make_aware(dt.datetime.combine(date, dt.time()))
        counts = reservations_purge(now=now, dry_run=dry_run)
        verb = "seraient effacées" if dry_run else "effacées"
        self.stdout.write(
            f"Réservations d’ateliers et rendez-vous terminés depuis plus de {purge_days()} jours : coordonnées "
            f"{verb} pour {counts['reservations']} réservation(s) et {counts['rendezvous']} rendez-vous."
        )
