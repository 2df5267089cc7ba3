"""The `cnfs` console command: Django's management commands under one name (`cnfs migrate`, `cnfs demo`…).

`cnfs`, `cnfs --help` and `cnfs help` list the platform's own commands in French; `cnfs help <commande>` details one.
"""

from __future__ import annotations

import os
import sys

HELP_FLAGS = {"-h", "--help", "help"}

# Shown first, in this order; other commands of our apps follow in alphabetical order.
FIRST_COMMANDS = ["serve", "worker", "demo", "territoires"]

DJANGO_COMMANDS = {
    "migrate": "Crée ou met à jour les tables de la base de données.",
    "createsuperuser": "Crée un compte d’administration.",
    "changepassword": "Change le mot de passe d’un compte.",
    "check": "Vérifie la configuration (--deploy : réglages de production).",
    "collectstatic": "Rassemble les fichiers statiques dans var/static.",
    "shell": "Console Python avec les modèles chargés.",
    "dbshell": "Console de la base de données.",
    "makemigrations": "Prépare les migrations après un changement de modèle (développeurs).",
}


def _first_line(text: str) -> str:
    """The first sentence: the listing stays one line per command."""
    first = (text or "").strip().split("\n")[0]
    return first.split(". ")[0].split(" : ")[0].rstrip(".") + "."


def platform_commands() -> list[tuple[str, str]]:
    """(name, French help) of every management command defined by a cnfs app."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    ours = {name: app for name, app in get_commands().items() if app.startswith("cnfs.")}
    names = [n for n in FIRST_COMMANDS if n in ours] + sorted(n for n in ours if n not in FIRST_COMMANDS)
    result = []
    for name in names:
        try:
            text = _first_line(load_command_class(ours[name], name).help)
        except Exception as error:  # a broken command must not hide the others from the help
            text = f"(aide indisponible : {error})"
        result.append((name, text))
    return result


def help_text() -> str:
    try:
        commands = platform_commands()
        problem = ""
    except Exception as error:  # e.g. DEBUG=0 without SECRET_KEY: still tell how to use the tool
        commands = [(name, "") for name in FIRST_COMMANDS]
        problem = f"\nLa configuration ne se charge pas : {error}\n"
    width = max(len(name) for name in [*dict(commands), *DJANGO_COMMANDS]) + 2
    lines = [
        "Usage : cnfs <commande> [options]",
        "",
        "cnfs — plateforme ouverte du programme national d’inclusion numérique.",
        problem,
        "Commandes de la plateforme :",
        *(f"  {name.ljust(width)}{text}" for name, text in commands),
        "",
        "Commandes Django courantes :",
        *(f"  {name.ljust(width)}{text}" for name, text in DJANGO_COMMANDS.items()),
        "",
        "Aide d’une commande : cnfs help <commande>   (ou cnfs <commande> --help)",
        "Toutes les commandes : cnfs help --commands",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "cnfs"
    if len(argv) == 1 or (len(argv) == 2 and argv[1] in HELP_FLAGS):
        sys.stdout.write(help_text())
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
