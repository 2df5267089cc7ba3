"""`cnfs recrutement import-pix|import-zones FICHIER` and `cnfs recrutement export JEU [FICHIER]`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cnfs.core.errors import DomainError
from cnfs.recrutement.importers.common import ALL_OR_NOTHING, VALID_ONLY


def _read(location: str) -> bytes:
    path = Path(location)
    if not path.is_file():
        raise CommandError(f"Fichier introuvable : {location}")
    return path.read_bytes()


def _import_arguments(parser) -> None:
    parser.add_argument("location", metavar="FICHIER")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--tout-ou-rien",
        dest="mode",
        action="store_const",
        const=ALL_OR_NOTHING,
        help="Ne rien enregistrer si une seule ligne est rejetée (par défaut).",
    )
    mode.add_argument(
        "--valides-seulement",
        dest="mode",
        action="store_const",
        const=VALID_ONLY,
        help="Enregistrer les lignes valides et rejeter les autres.",
    )
    parser.add_argument("--dry-run", action="store_true", help="Simuler : afficher le rapport sans rien enregistrer.")


class Command(BaseCommand):
    help = (
        "Fichiers du recrutement : import des résultats Pix des candidats, import des zones prioritaires "
        "(QPV, ZRR / FRR) des structures, exports CSV ou XLSX."
    )

    def add_arguments(self, parser):
        from cnfs.recrutement.exports import DATASETS

        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        _import_arguments(
            sub.add_parser("import-pix", help="Importer l’export CSV d’une campagne Pix Orga (niveau et compétences).")
        )
        _import_arguments(
            sub.add_parser("import-zones", help="Importer les drapeaux QPV et ZRR / FRR (par SIRET ou code INSEE).")
        )
        exp = sub.add_parser("export", help="Exporter un tableau (toutes les données, comme l’équipe nationale).")
        exp.add_argument("dataset", choices=list(DATASETS), metavar="JEU", help=f"un de : {', '.join(DATASETS)}")
        exp.add_argument("destination", nargs="?", default="-", help="Fichier de sortie (par défaut : la sortie).")
        exp.add_argument("--format", choices=["csv", "xlsx"], default=None, help="csv ou xlsx (selon l’extension).")

    def handle(self, *args, action, **options):
        if action == "export":
            return self.handle_export(**options)
        from cnfs.recrutement.services.imports import pix_import, zones_import

        service = pix_import if action == "import-pix" else zones_import
        data = _read(options["location"])
        try:
            report = service(
                data=data,
                origin=options["location"],
                mode=options["mode"] or ALL_OR_NOTHING,
                dry_run=options["dry_run"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.refused and not options["dry_run"]:
            raise CommandError("Import refusé : aucune ligne n’a été enregistrée.")

    def handle_export(self, *, dataset, destination, format, **options):
        from cnfs.recrutement.exports import DATASETS, write_csv, write_xlsx

        fmt = format or ("xlsx" if destination.lower().endswith(".xlsx") else "csv")
        spec = DATASETS[dataset]
        queryset = spec.all_rows()
        if fmt == "xlsx":
            if destination == "-":
                raise CommandError("Le format XLSX s’écrit dans un fichier : indiquez sa destination.")
            with open(destination, "wb") as fh:
                count = write_xlsx(spec, queryset, fh)
        elif destination == "-":
            count = write_csv(spec, queryset, sys.stdout)
        else:
            with open(destination, "w", encoding="utf-8-sig", newline="") as fh:
                count = write_csv(spec, queryset, fh)
        if destination != "-":
            self.stderr.write(f"{count} ligne(s) exportée(s) dans {destination}.")
