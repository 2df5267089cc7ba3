"""`cnfs serve`: the development server, or gunicorn with N workers in production."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEFAULT_ADDRESS = "127.0.0.1:8000"


def default_workers() -> int:
    return int(os.environ.get("CNFS_WORKERS", "0")) or min(2 * (os.cpu_count() or 1) + 1, 8)


def gunicorn_argv(address: str, workers: int) -> list[str]:
    """The gunicorn command line serving the WSGI application (access log on stdout)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "cnfs.wsgi:application",
        "--bind",
        address,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


class Command(BaseCommand):
    help = (
        "Sert la plateforme sur http://127.0.0.1:8000 : serveur de développement, ou gunicorn avec "
        "plusieurs processus (--prod ou CNFS_SERVER=gunicorn)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "address", nargs="?", default=DEFAULT_ADDRESS, help=f"adresse:port (défaut : {DEFAULT_ADDRESS})"
        )
        parser.add_argument(
            "--prod",
            action="store_true",
            default=os.environ.get("CNFS_SERVER") == "gunicorn",
            help="sert avec gunicorn (équivaut à CNFS_SERVER=gunicorn)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="nombre de processus gunicorn (défaut : CNFS_WORKERS ou 2 × cœurs + 1)",
        )
        parser.add_argument("--noreload", action="store_true", help="serveur de développement sans rechargement")

    def handle(self, *args, address, prod, workers, noreload, **options):
        if ":" not in address:
            address = f"127.0.0.1:{address}" if address.isdigit() else f"{address}:8000"
        if not prod:
            call_command("runserver", address, use_reloader=not noreload)
            return
        workers = workers or default_workers()
        if workers < 1:
            raise CommandError("Le nombre de processus doit être au moins 1.")
        if not settings.DEBUG:
            # Hashed file names for far-future caching: gunicorn serves them through WhiteNoise.
            self.stdout.write("Préparation des fichiers statiques (collectstatic)…")
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"gunicorn sur http://{address} avec {workers} processus")
        sys.stdout.flush()
        argv = gunicorn_argv(address, workers)
        os.execv(argv[0], argv)
