"""`cnfs aidants client-oidc creer`: register an online service as a client of the provider (the national team)."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction


def add_arguments(sub) -> None:
    client = sub.add_parser("client-oidc", help="Les services en ligne clients du fournisseur d’identité.")
    actions = client.add_subparsers(dest="action", required=True, title="actions")
    create = actions.add_parser(
        "creer", help="Enregistrer un service en ligne ; affiche son identifiant et son secret."
    )
    create.add_argument("--nom", required=True, help="Nom du service en ligne, montré à l’aidant.")
    create.add_argument(
        "--redirect-uri", required=True, action="append", dest="redirect_uris", help="Adresse de retour (répétable)."
    )
    create.add_argument("--client-id", default="", help="Identifiant choisi (sinon tiré au hasard).")


@transaction.atomic
def handle(command, options) -> None:
    from oauth2_provider.models import Application

    client_id = options["client_id"] or secrets.token_urlsafe(24)
    if Application.objects.filter(client_id=client_id).exists():
        raise CommandError(f"Un service en ligne a déjà l’identifiant « {client_id} ».")
    secret = secrets.token_urlsafe(48)
    application = Application(
        name=options["nom"],
        client_id=client_id,
        client_secret=secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(options["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
    )
    try:
        application.full_clean()
    except ValidationError as error:
        messages = "; ".join(m for values in error.message_dict.values() for m in values)
        raise CommandError(f"Service en ligne refusé : {messages}") from None
    application.save()
    command.stdout.write(f"Service en ligne « {application.name} » enregistré.")
    command.stdout.write(f"client_id : {client_id}")
    command.stdout.write(
        f"client_secret : {secret} (affiché une seule fois : il n’est gardé que sous forme d’empreinte)"
    )
