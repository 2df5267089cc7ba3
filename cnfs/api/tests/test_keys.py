"""API keys: hashed storage, creation and revocation by service, console command and admin, all audited."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django.utils import timezone

from cnfs.api.keys import generate_key, hash_key, hash_matches, parse_prefix
from cnfs.api.models import ApiKey
from cnfs.api.services import api_key_create, api_key_revoke
from cnfs.api.tests.conftest import bearer, login
from cnfs.core.errors import DomainError
from cnfs.core.models import AuditEvent
from cnfs.core.tests.factories import UserFactory
from cnfs.territoires.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db
KEY_RE = re.compile(r"cnfs_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


def database_dump() -> str:
    return "".join(serializers.serialize("json", model._default_manager.all()) for model in apps.get_models())


def test_generated_keys_parse_and_hash():
    raw, prefix = generate_key()
    assert KEY_RE.fullmatch(raw)
    assert parse_prefix(raw) == prefix
    assert parse_prefix(f"  {raw}\n") == prefix
    assert hash_matches(raw, hash_key(raw))
    assert not hash_matches(raw, hash_key(raw + "x"))
    assert generate_key()[0] != raw
    assert parse_prefix("cnfs_zzzzzzzz_" + "a" * 43) is None


def test_raw_key_is_stored_nowhere(make_key, client):
    key, raw = make_key()
    client.get("/api/v1/moi", **bearer(raw))  # a use writes last_used_at: still no key
    dump = database_dump()
    secret = raw.split("_", 2)[2]
    assert raw not in dump and secret not in dump
    assert key.key_hash == hash_key(raw) and key.key_hash in dump
    assert key.prefix in dump


def test_creation_is_audited_without_the_key(make_key):
    actor = UserFactory()
    key, raw = make_key(actor=actor, organisation="  Métropole de Lyon ", siret="200 046 977 00019")
    assert key.organisation == "Métropole de Lyon"
    assert key.siret == "20004697700019"
    assert key.created_by == actor
    event = AuditEvent.objects.get(action="api.cle_creer")
    assert event.actor == actor and event.target_id == str(key.pk)
    assert event.after["prefix"] == key.prefix and event.after["scopes"] == ["prefecture"]
    assert raw not in str(event.after)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"organisation": "  "}, "Indiquez le nom de l'organisation."),
        ({"organisation": "x" * 201}, "trop long"),
        ({"siret": "1234"}, "14 chiffres"),
        ({"scopes": []}, "au moins un rôle"),
        ({"scopes": ["admin"]}, "Rôle inconnu : admin"),
        ({"departement_codes": ["999"]}, "Département inconnu : 999"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "dans le futur"),
        ({"requests_per_minute": 0}, "au moins 1"),
    ],
)
def test_invalid_creation_is_refused_and_writes_nothing(make_key, kwargs, message):
    with pytest.raises(DomainError, match=message):
        make_key(**kwargs)
    assert not ApiKey.objects.exists()
    assert not AuditEvent.objects.exists()


def test_revocation_is_audited_and_not_repeated(make_key):
    actor = UserFactory()
    key, _ = make_key()
    api_key_revoke(actor=actor, api_key=key)
    assert key.revoked_at is not None
    event = AuditEvent.objects.get(action="api.cle_revoquer")
    assert event.actor == actor and event.before["revoked_at"] is None and event.after["revoked_at"]
    with pytest.raises(DomainError, match="déjà révoquée") as excinfo:
        api_key_revoke(actor=actor, api_key=key)
    assert excinfo.value.code == "conflit"
    assert AuditEvent.objects.filter(action="api.cle_revoquer").count() == 1


def test_active_queryset():
    key, _ = api_key_create(actor=None, organisation="A", scopes=["hub"])
    revoked, _ = api_key_create(actor=None, organisation="B", scopes=["hub"])
    api_key_revoke(actor=None, api_key=revoked)
    expired, _ = api_key_create(actor=None, organisation="C", scopes=["hub"])
    ApiKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert list(ApiKey.objects.active()) == [key]


# --- Console ----------------------------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("cle_api", *args, stdout=out)
    return out.getvalue()


def test_command_creates_lists_and_revokes(client):
    DepartementFactory(code="42")
    actor = UserFactory(email="equipe@anct.gouv.fr")
    out = run(
        "creer",
        "--organisation",
        "Conseil départemental de la Loire",
        "--scope",
        "prefecture",
        "--scope",
        "hub",
        "--departement",
        "42",
        "--expire-le",
        "2099-12-31",
        "--par",
        "equipe@anct.gouv.fr",
    )
    raw = KEY_RE.search(out)[0]
    key = ApiKey.objects.get()
    assert key.scopes == ["prefecture", "hub"] and key.read_only and key.created_by == actor
    assert key.expires_at.year == 2099
    assert client.get("/api/v1/moi", **bearer(raw)).json()["departements"] == ["42"]

    listing = run("lister")
    assert key.prefix in listing and "active" in listing and raw not in listing

    assert "révoquée" in run("revoquer", key.prefix, "--par", "equipe@anct.gouv.fr")
    assert client.get("/api/v1/moi", **bearer(raw)).status_code == 401
    assert AuditEvent.objects.filter(action="api.cle_revoquer", actor=actor).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["creer", "--organisation", "X", "--scope", "pirate"], "Rôle inconnu"),
        (["creer", "--organisation", "X", "--scope", "hub", "--expire-le", "31/12/2099"], "Date invalide"),
        (["creer", "--organisation", "X", "--scope", "hub", "--par", "personne@nulle.part"], "Aucun compte"),
        (["revoquer", "abcdef12"], "Aucune clé"),
    ],
)
def test_command_errors_are_clear(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ApiKey.objects.exists()


# --- Admin ------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    return login(client, admin, second_factor=True)


def test_admin_shows_the_key_once_and_stores_its_hash(admin_client, client):
    DepartementFactory(code="42")
    from cnfs.territoires.models import Departement

    response = admin_client.post(
        "/admin/api/apikey/add/",
        {
            "organisation": "Préfecture de la Loire",
            "siret": "",
            "scopes": ["prefecture"],
            "departements": [Departement.objects.get(code="42").pk],
            "read_only": "on",
            "requests_per_minute": "60",
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    assert "Copiez-la maintenant" in html
    raw = KEY_RE.search(html)[0]
    key = ApiKey.objects.get()
    assert key.key_hash == hash_key(raw) and key.prefix in raw
    assert AuditEvent.objects.filter(action="api.cle_creer").count() == 1

    change = admin_client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()
    assert key.key_hash in change and raw not in change
    assert "Préfecture de la Loire" in admin_client.get("/admin/api/apikey/").content.decode()

    response = admin_client.post("/admin/api/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True)
    assert "1 clé(s) révoquée(s)." in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_admin_refuses_a_past_expiry_in_french(admin_client):
    response = admin_client.post(
        "/admin/api/apikey/add/",
        {
            "organisation": "X",
            "scopes": ["hub"],
            "requests_per_minute": "60",
            "expires_at_0": "01/01/2001",
            "expires_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "La date d&#x27;expiration doit être dans le futur." in response.content.decode()
    assert not ApiKey.objects.exists()


def test_admin_cannot_delete_keys(admin_client, make_key):
    key, _ = make_key()
    assert admin_client.get(f"/admin/api/apikey/{key.pk}/delete/").status_code == 403
