"""`cnfs formation import FICHIER --organisme PK`, `cnfs formation readiness`, `cnfs formation entonnoir`,
`cnfs formation parcours`: training results, the readiness gate, the funnel and the initial pathways."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cnfs.core.errors import DomainError
from cnfs.formation.importers import ALL_OR_NOTHING, VALID_ONLY


class Command(BaseCommand):
    help = "Formation des conseillers : import des résultats, passage en poste, entonnoir, parcours initiaux."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        imp = sub.add_parser("import", help="Importer un fichier CSV de résultats d’un organisme de formation.")
        imp.add_argument("location", metavar="FICHIER")
        imp.add_argument("--organisme", required=True, type=int, help="Identifiant de l’organisme de formation.")
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
        sub.add_parser(
            "readiness",
            help="Recalculer l’étape de chaque conseiller recruté (à lancer chaque jour : les dates passent).",
        )
        ent = sub.add_parser("entonnoir", help="Afficher recrutés → en formation → en poste.")
        ent.add_argument("--departement", help="Code INSEE du département.")
        ent.add_argument("--region", help="Code INSEE de la région.")
        sub.add_parser("parcours", help="Afficher les modules du parcours initial de chaque niveau Pix.")

    def handle(self, *args, action, **options):
        return getattr(self, f"handle_{action}")(**options)

    def handle_import(self, *, location, organisme, mode, dry_run, **options):
        from cnfs.formation.models import OrganismeFormation
        from cnfs.formation.services import resultats_import

        path = Path(location)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {location}")
        found = OrganismeFormation.objects.filter(pk=organisme).first()
        if found is None:
            raise CommandError(f"Organisme de formation introuvable : {organisme}")
        try:
            report = resultats_import(
                actor=None,
                organisme=found,
                data=path.read_bytes(),
                origin=location,
                mode=mode or ALL_OR_NOTHING,
                dry_run=dry_run,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for line in report.summary_lines():
            self.stdout.write(line)
        if not report.written and not dry_run:
            raise CommandError("Import refusé : aucune ligne n’a été enregistrée.")

    def handle_readiness(self, **options):
        from cnfs.formation.services import conseillers_update_readiness
        from cnfs.recrutement.enums import EtapeConseiller

        moved = conseillers_update_readiness()
        for etape, count in moved.items():
            self.stdout.write(f"{count} conseiller(s) passé(s) à l’étape « {EtapeConseiller(etape).label} ».")

    def handle_entonnoir(self, *, departement, region, **options):
        from cnfs.formation.selectors import Territoire, funnel

        territoire = Territoire(region=region, departement=departement)
        result = funnel(territoire)
        self.stdout.write(
            f"{territoire.label()} : {result.recrutes} recrutés, {result.en_formation} en formation, "
            f"{result.en_poste} en poste."
        )

    def handle_parcours(self, **options):
        from cnfs.formation.services import modules_parcours_initial

        for palier in (3, 2, 1):
            modules = modules_parcours_initial(palier)
            total = sum(m.duree_heures for m in modules)
            self.stdout.write(
                f"Niveau Pix {palier} : {total} h — " + ", ".join(f"{m.code} ({m.duree_heures} h)" for m in modules)
            )
