"""`cnfs financement`: reference data, invariant checks and the SMIC table of the programme's budget."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from cnfs.financement import reference, selectors
from cnfs.financement.models import Bareme, Enveloppe, Smic
from cnfs.financement.money import euros, parse_euros
from cnfs.financement.verification import verify


class Command(BaseCommand):
    help = (
        "Budget du programme. « verifier » contrôle chaque invariant des montants (engagé, versé, échéanciers, "
        "quotas) et sort en erreur (code 1) à la moindre anomalie ; « init » crée les enveloppes, la table du SMIC "
        "et les barèmes manquants ; « enveloppes » affiche l’état des enveloppes ; « smic DATE MENSUEL HORAIRE » "
        "ajoute une revalorisation du SMIC."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        sub.add_parser("verifier", help="contrôler chaque invariant des montants")
        sub.add_parser("init", help="créer les données de référence manquantes (sans rien écraser)")
        sub.add_parser("enveloppes", help="afficher les enveloppes : montant, engagé, versé, disponible")
        smic = sub.add_parser("smic", help="ajouter une revalorisation du SMIC")
        smic.add_argument("date_effet", help="date d’effet (AAAA-MM-JJ)")
        smic.add_argument("mensuel", help="montant mensuel brut (ex. 1 801,80)")
        smic.add_argument("horaire", help="montant horaire brut (ex. 11,88)")
        smic.add_argument("--source", default="", help="texte de référence")

    def handle(self, *args, **options):
        out = getattr(self.stdout, "_out", self.stdout)
        self.console = Console(file=out, highlight=False, width=None if out.isatty() else 140)
        getattr(self, f"_{options['action']}")(options)

    def _verifier(self, options):
        report = verify()
        for check in report.checks:
            mark = "OK " if check.ok else "ÉCHEC"
            self.console.print(f"[{mark}] {check.label} ({check.checked} contrôlé(s))")
            for breach in check.breaches:
                self.console.print(f"      - {breach}")
        if not report.ok:
            self.console.print(f"{report.breach_count} anomalie(s) détectée(s).")
            raise CommandError("Des invariants du budget ne sont pas respectés.", returncode=1)
        self.console.print("Tous les invariants du budget sont respectés.")

    def _init(self, options):
        created = reference.seed(Enveloppe, Smic, Bareme)
        self.console.print(
            f"Données de référence : {created['enveloppes']} enveloppe(s), {created['smic']} valeur(s) du SMIC, "
            f"{created['baremes']} barème(s) créé(s) ; les autres existaient déjà et n’ont pas été modifiés."
        )

    def _enveloppes(self, options):
        table = Table(title="Enveloppes budgétaires")
        for header in ("Enveloppe", "Montant", "Engagé", "Versé", "Disponible"):
            table.add_column(header, justify="left" if header == "Enveloppe" else "right")
        for row in selectors.envelope_rows():
            env = row.enveloppe
            table.add_row(env.libelle, euros(env.montant), euros(env.engage), euros(env.verse), euros(env.disponible))
        self.console.print(table)

    def _smic(self, options):
        try:
            day = datetime.date.fromisoformat(options["date_effet"])
        except ValueError as error:
            raise CommandError(f"Date invalide : {options['date_effet']} (attendu : AAAA-MM-JJ).") from error
        try:
            mensuel, horaire = parse_euros(options["mensuel"]), parse_euros(options["horaire"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if mensuel <= 0 or horaire <= 0:
            raise CommandError("Les montants du SMIC doivent être positifs.")
        if Smic.objects.filter(date_effet=day).exists():
            raise CommandError(f"Une valeur du SMIC existe déjà au {day:%d/%m/%Y}.")
        Smic.objects.create(
            date_effet=day, montant_mensuel_brut=mensuel, horaire_brut=horaire, source=options["source"]
        )
        self.console.print(f"SMIC au {day:%d/%m/%Y} : {euros(mensuel)} brut par mois ({euros(horaire)} de l’heure).")
