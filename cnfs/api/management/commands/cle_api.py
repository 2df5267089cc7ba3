"""`cnfs cle_api creer|revoquer|lister`: partners' API keys from the console."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cnfs.api.models import ApiKey
from cnfs.api.services import api_key_create, api_key_revoke
from cnfs.core.enums import Role
from cnfs.core.errors import DomainError
from cnfs.core.models import User


def _date(value: str) -> datetime:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as error:
        raise CommandError(f"Date invalide : {value!r} (attendu : AAAA-MM-JJ).") from error
    # Valid through the whole given day, Paris time.
    return timezone.make_aware(datetime.combine(day, time.max))


class Command(BaseCommand):
    help = "Crée, révoque ou liste les clés d'API des organisations partenaires."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{creer,revoquer,lister}")
        creer = sub.add_parser("creer", help="Crée une clé ; elle n'est affichée qu'une fois.")
        creer.add_argument("--organisation", required=True, help="Nom de l'organisation partenaire.")
        creer.add_argument("--siret", default="", help="SIRET de l'organisation (14 chiffres).")
        creer.add_argument(
            "--scope",
            "--role",
            dest="scopes",
            action="append",
            required=True,
            metavar="ROLE",
            help=f"Rôle accordé (répétable) : {', '.join(Role.values)}.",
        )
        creer.add_argument(
            "--departement", dest="departements", action="append", default=[], help="Restreint à ce département."
        )
        creer.add_argument("--expire-le", dest="expires_at", type=_date, help="Dernier jour de validité (AAAA-MM-JJ).")
        creer.add_argument("--ecriture", action="store_true", help="Autorise les écritures (lecture seule sinon).")
        creer.add_argument("--requetes-par-minute", dest="rpm", type=int, default=120, help="Débit maximal.")
        creer.add_argument("--par", dest="actor", help="Adresse du compte qui crée la clé (journal d'audit).")
        revoquer = sub.add_parser("revoquer", help="Révoque une clé, désignée par son préfixe.")
        revoquer.add_argument("prefix", help="Préfixe de la clé (8 caractères, visible dans la liste).")
        revoquer.add_argument("--par", dest="actor", help="Adresse du compte qui révoque (journal d'audit).")
        sub.add_parser("lister", help="Liste les clés (jamais leur valeur).")

    def handle(self, *args, **options):
        actor = self._actor(options.get("actor"))
        try:
            getattr(self, f"_{options['action']}")(actor, options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _actor(self, email):
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"Aucun compte avec l'adresse {email}.")
        return user

    def _creer(self, actor, options):
        key, raw_key = api_key_create(
            actor=actor,
            organisation=options["organisation"],
            siret=options["siret"],
            scopes=options["scopes"],
            departement_codes=options["departements"],
            expires_at=options["expires_at"],
            read_only=not options["ecriture"],
            requests_per_minute=options["rpm"],
        )
        self.stdout.write(self.style.SUCCESS(f"Clé créée pour {key.organisation} (préfixe {key.prefix})."))
        self.stdout.write("Copiez-la maintenant, elle ne sera plus jamais affichée :")
        self.stdout.write(raw_key)

    def _revoquer(self, actor, options):
        prefix = options["prefix"].strip().lower()
        key = ApiKey.objects.filter(prefix=prefix).first()
        if key is None:
            raise CommandError(f"Aucune clé avec le préfixe {prefix!r}.")
        api_key_revoke(actor=actor, api_key=key)
        self.stdout.write(self.style.SUCCESS(f"Clé {key.prefix} ({key.organisation}) révoquée."))

    def _lister(self, actor, options):
        keys = ApiKey.objects.prefetch_related("departements").order_by("organisation", "created_at")
        if not keys:
            self.stdout.write("Aucune clé d'API.")
            return
        for key in keys:
            state = "révoquée" if key.is_revoked else "expirée" if key.is_expired() else "active"
            deps = ", ".join(d.code for d in key.departements.all()) or "national"
            mode = "lecture seule" if key.read_only else "lecture et écriture"
            used = f"{timezone.localtime(key.last_used_at):%d/%m/%Y %H:%M}" if key.last_used_at else "jamais"
            self.stdout.write(
                f"{key.prefix}  {state:9}  {key.organisation} — rôles : {', '.join(key.scopes)} — {deps} — "
                f"{mode} — dernière utilisation : {used}"
            )
