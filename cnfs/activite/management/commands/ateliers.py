"""`cnfs ateliers rappels` and `cnfs ateliers purge-reservations`: jobs of ateliers and appointments for cron."""

from django.core.management.base import BaseCommand, CommandError

from cnfs.activite.ateliers import services
from cnfs.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Envoie les rappels des ateliers et rendez-vous 24 h avant (rappels) ou efface les coordonnées des "
        "inscriptions passées (purge-reservations). À lancer régulièrement (cron, toutes les heures)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        sub.add_parser("rappels", help="Envoyer les rappels des ateliers et rendez-vous des prochaines 24 heures.")
        purge = sub.add_parser(
            "purge-reservations",
            help="Effacer nom, courriel et téléphone des inscriptions et rendez-vous passés depuis N jours.",
        )
        purge.add_argument(
            "--jours",
            type=int,
            default=None,
            help=f"Délai après l’événement (par défaut ATELIERS_PURGE_JOURS, {services.DEFAULT_PURGE_DAYS} jours).",
        )

    def handle(self, *args, action, **options):
        if action == "rappels":
            sent = services.rappels_send()
            self.stdout.write(f"{sent} rappel(s) envoyé(s).")
            return
        try:
            counts = services.reservations_purge(days=options["jours"])
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Coordonnées effacées : {counts['reservations']} inscription(s) à des ateliers, "
            f"{counts['rendezvous']} rendez-vous."
        )
