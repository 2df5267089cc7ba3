"""`cnfs aidants client-oidc creer`: registering an online service."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_creates_a_confidential_rs256_client_and_shows_its_secret_once():
    from oauth2_provider.models import Application

    out = io.StringIO()
    call_command(
        "aidants",
        "client-oidc",
        "creer",
        "--nom",
        "Service logement",
        "--redirect-uri",
        "https://service.example/retour",
        "--client-id",
        "service-logement",
        stdout=out,
    )
    application = Application.objects.get(client_id="service-logement")
    assert (application.algorithm, application.client_type) == ("RS256", "confidential")
    assert application.authorization_grant_type == "authorization-code"
    secret = out.getvalue().split("client_secret : ")[1].split(" ")[0]
    assert application.client_secret != secret  # only its hash is stored
    assert application.redirect_uris == "https://service.example/retour"


def test_refuses_a_bad_redirect_uri_or_a_taken_id_and_writes_nothing():
    from oauth2_provider.models import Application

    with pytest.raises(CommandError, match="Service en ligne refusé"):
        call_command("aidants", "client-oidc", "creer", "--nom", "X", "--redirect-uri", "ftp://service.example/")
    assert not Application.objects.exists()
    args = [
        "aidants",
        "client-oidc",
        "creer",
        "--nom",
        "X",
        "--redirect-uri",
        "https://a.example/",
        "--client-id",
        "x",
    ]
    call_command(*args, stdout=io.StringIO())
    with pytest.raises(CommandError, match="déjà l’identifiant"):
        call_command(*args, stdout=io.StringIO())
    assert Application.objects.count() == 1
