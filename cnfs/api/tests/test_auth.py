"""Deny by default, role checks, sessions (CSRF, second factor) and API keys."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from cnfs.api.auth import SessionCnfs
from cnfs.api.models import ApiKey
from cnfs.api.services import api_key_revoke
from cnfs.api.tests.conftest import bearer, login
from cnfs.core.enums import Role, ScopeType
from cnfs.core.tests.factories import RoleAssignmentFactory, UserFactory
from cnfs.territoires.tests.factories import DepartementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cnfs.api.tests.urls")]

VALID = {
    "nom": "Camille",
    "age": 34,
    "ne_le": "1990-05-04",
    "genre": "atelier",
    "adresse": {"code_postal": "42000"},
}


def assert_json_error(response, status: int, fragment: str = "") -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert fragment in body["detail"]
    return body


def prefecture_of(code: str):
    return RoleAssignmentFactory(prefecture=True, departement=DepartementFactory(code=code, nom=f"Dép. {code}"))


# --- Sessions -------------------------------------------------------------------------------------------------


def test_anonymous_is_refused_with_401_in_french(client):
    assert_json_error(client.get("/api/v1/moi"), 401, "Authentification requise")
    assert_json_error(client.get("/api/test/prefecture"), 401, "Authentification requise")
    assert_json_error(client.post("/api/test/ecrire", VALID, content_type="application/json"), 401)


@pytest.mark.parametrize(
    ("make_caller", "status"),
    [
        (lambda: None, 401),
        (lambda: RoleAssignmentFactory(structure=True).user, 403),
        (lambda: RoleAssignmentFactory(candidat=True).user, 403),
        (lambda: prefecture_of("42").user, 200),
        (lambda: RoleAssignmentFactory(role=Role.ANCT, scope_type=ScopeType.NATIONAL).user, 200),
    ],
    ids=["anonyme", "structure", "candidat", "prefecture", "anct-national"],
)
def test_role_matrix_of_a_role_endpoint(client, make_caller, status):
    user = make_caller()
    if user is not None:
        login(client, user, second_factor=True)
    response = client.get("/api/test/prefecture")
    assert response.status_code == status
    if status == 403:
        assert_json_error(response, 403, "Votre rôle ne permet pas")


def test_wrong_territory_user_is_refused(client):
    login(client, prefecture_of("42").user, second_factor=True)
    assert client.get("/api/test/departement/42").status_code == 200
    assert_json_error(client.get("/api/test/departement/69"), 403, "périmètre")


def test_role_requiring_second_factor_is_refused_until_confirmed(client):
    user = prefecture_of("42").user
    login(client, user)
    assert_json_error(client.get("/api/test/prefecture"), 403, "Double authentification requise")
    login(client, user, second_factor=True)
    assert client.get("/api/test/prefecture").status_code == 200


def test_session_auth_checks_the_second_factor_itself(rf):
    """Defence in depth: even without SecondFactorRequiredMiddleware in front, the API refuses the session."""
    user = prefecture_of("42").user
    user.is_verified = lambda: False
    request = rf.get("/api/test/prefecture")
    request.user = user
    with pytest.raises(PermissionDenied, match="Double authentification requise"):
        SessionCnfs()(request)


def test_session_writes_need_the_csrf_token():
    user = RoleAssignmentFactory(structure=True).user
    client = login(Client(enforce_csrf_checks=True), user)
    payload = json.dumps(VALID)
    assert_json_error(client.post("/api/test/ecrire", payload, content_type="application/json"), 403, "CSRF")
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the documentation page does
    token = client.cookies["csrftoken"].value
    response = client.post("/api/test/ecrire", payload, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.json() == {"nom": "Camille"}


def test_inactive_user_session_is_not_accepted(client):
    user = UserFactory()
    login(client, user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/moi").status_code == 401


# --- API keys -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
def test_valid_key_is_accepted_in_either_header(client, make_key, header):
    key, raw = make_key()
    extra = bearer(raw) if header == "bearer" else {"HTTP_X_API_KEY": raw}
    response = client.get("/api/test/prefecture", **extra)
    assert response.status_code == 200
    assert key.prefix in response.json()["caller"]
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_key_without_the_role_is_refused_with_403(client, make_key):
    _, raw = make_key(scopes=["structure"])
    assert_json_error(client.get("/api/test/prefecture", **bearer(raw)), 403, "Votre rôle")
    assert client.get("/api/v1/moi", **bearer(raw)).status_code == 200


def test_national_team_key_passes_role_checks(client, make_key):
    _, raw = make_key(scopes=["anct"])
    assert client.get("/api/test/prefecture", **bearer(raw)).status_code == 200


@pytest.mark.parametrize(
    "garble",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),  # right prefix, wrong secret
        lambda raw: raw.replace(raw.split("_")[1], "deadbeef"),  # unknown prefix
        lambda raw: "n'importe quoi",
        lambda raw: "",
        lambda raw: raw + " " + raw,
        lambda raw: "cnfs_" + "é" * 60,
    ],
    ids=["mauvais-secret", "prefixe-inconnu", "texte", "vide", "double", "unicode"],
)
def test_wrong_key_is_refused_with_401(client, make_key, garble):
    _, raw = make_key()
    assert_json_error(client.get("/api/v1/moi", **bearer(garble(raw))), 401)
    assert_json_error(client.get("/api/v1/moi", HTTP_X_API_KEY=garble(raw)), 401)


def test_revoked_key_is_refused(client, make_key):
    key, raw = make_key()
    assert client.get("/api/v1/moi", **bearer(raw)).status_code == 200
    api_key_revoke(actor=None, api_key=key)
    assert_json_error(client.get("/api/v1/moi", **bearer(raw)), 401, "révoquée")


def test_expired_key_is_refused(client, make_key):
    key, raw = make_key(expires_at=timezone.now() + timedelta(days=1))
    assert client.get("/api/v1/moi", **bearer(raw)).status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_json_error(client.get("/api/v1/moi", **bearer(raw)), 401, "expiré")


def test_read_only_key_cannot_write(client, make_key):
    _, read_only = make_key(scopes=["structure"])
    _, writer = make_key(scopes=["structure"], read_only=False)
    url, body = "/api/test/ecrire", json.dumps(VALID)
    assert_json_error(client.post(url, body, content_type="application/json", **bearer(read_only)), 403, "lecture")
    response = client.post(url, body, content_type="application/json", **bearer(writer))
    assert response.status_code == 200


def test_key_writes_need_no_csrf_token(make_key):
    _, writer = make_key(scopes=["structure"], read_only=False)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/test/ecrire", json.dumps(VALID), content_type="application/json", **bearer(writer))
    assert response.status_code == 200


def test_key_restricted_to_a_departement(client, make_key):
    DepartementFactory(code="42")
    DepartementFactory(code="69", nom="Rhône")
    _, raw = make_key(departement_codes=["42"])
    assert client.get("/api/test/departement/42", **bearer(raw)).status_code == 200
    assert_json_error(client.get("/api/test/departement/69", **bearer(raw)), 403, "périmètre")


def test_key_last_used_is_written_at_most_once_a_minute(client, make_key, django_assert_num_queries):
    key, raw = make_key()
    client.get("/api/v1/moi", **bearer(raw))  # first use: written
    # key lookup + départements of the key; no UPDATE within the minute
    with django_assert_num_queries(2):
        assert client.get("/api/v1/moi", **bearer(raw)).status_code == 200
