"""`cnfs lieux import FICHIER|URL` and `cnfs lieux export [FICHIER]`: the places of the national schema."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cnfs.core.errors import DomainError
from cnfs.lieux.importers.plan import ALL_OR_NOTHING, VALID_ONLY
from cnfs.lieux.importers.reading import MAX_BYTES

URL_TIMEOUT = 60


def fetch(location: str) -> bytes:
    """Bytes of a local file or of an http(s) URL, with French errors."""
    if location.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(location, timeout=URL_TIMEOUT) as response:  # noqa: S310 - scheme checked
                data = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise CommandError(f"Téléchargement refusé par le serveur ({exc.code}) : {location}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise CommandError(f"Téléchargement impossible ({exc}) : {location}") from None
        return data
    path = Path(location)
    if not path.is_file():
        raise CommandError(f"Fichier introuvable : {location}")
    return path.read_bytes()


class Command(BaseCommand):
    help = "Importe ou exporte les lieux de médiation numérique (schéma national v1.0.1, ou v0.1.1 à l’import)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        imp = sub.add_parser("import", help="Importer un fichier CSV ou JSON (chemin ou URL).")
        imp.add_argument("location", metavar="FICHIER|URL")
        imp.add_argument("--source", help="Source imposée à toutes les lignes (sinon la colonne « source »).")
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
        exp = sub.add_parser("export", help="Exporter les lieux au format CSV du schéma v1.0.1.")
        exp.add_argument("destination", nargs="?", default="-", help="Fichier de sortie (par défaut : la sortie).")

    def handle(self, *args, action, **options):
        if action == "import":
            return self.handle_import(**options)
        return self.handle_export(**options)

    def handle_import(self, *, location, source, mode, dry_run, **options):
        from cnfs.lieux.services import lieux_import

        data = fetch(location)
        try:
            report = lieux_import(
                data=data, origin=location, source=source, mode=mode or ALL_OR_NOTHING, dry_run=dry_run
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for line in report.summary_lines():
            self.stdout.write(line)
        if not report.written and not dry_run:
            raise CommandError("Import refusé : aucune ligne n’a été enregistrée.")

    def handle_export(self, *, destination, **options):
        from cnfs.lieux.exports import write_csv
        from cnfs.lieux.models import Lieu

        queryset = Lieu.objects.all()
        if destination == "-":
            count = write_csv(queryset, sys.stdout)
        else:
            with open(destination, "w", encoding="utf-8", newline="") as fh:
                count = write_csv(queryset, fh)
            self.stderr.write(f"{count} lieu(x) exporté(s) dans {destination}.")
