import json
import re

import pytest
from django.db import OperationalError, connection
from openapi_spec_validator import validate

from cnfs.api.api import api
from cnfs.api.tests.conftest import bearer, login
from cnfs.core.tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def test_health_checks_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_in_french_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "erreur" and body["database"] == "indisponible"
    assert "base de données" in body["detail"]


def test_api_root_points_to_the_documentation(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["docs"] == "/api/v1/docs"


def test_docs_page_is_public_french_and_uses_local_assets_only(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Documentation de l’API" in html
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for url in assets:
        assert url.startswith("/static/"), f"ressource externe : {url}"
    assert "http://" not in html and "https://" not in html
    # CSP: no inline script but JSON data; external scripts carry the request's nonce.
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    scripts = re.findall(r"<script\b([^>]*)>", html)
    for attrs in scripts:
        assert f'nonce="{nonce}"' in attrs or 'type="application/json"' in attrs


def test_docs_static_files_are_served(client):
    for path in ("/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui.css", "/static/api/docs.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content)


def test_openapi_document_is_valid_and_describes_the_security(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/health" in schema["paths"] and "/api/v1/moi" in schema["paths"]
    assert "security" not in schema["paths"]["/api/v1/health"]["get"]
    security = {name for entry in schema["paths"]["/api/v1/moi"]["get"]["security"] for name in entry}
    assert security == {"CleApiBearer", "CleApiEntete", "SessionCnfs"}
    schemes = schema["components"]["securitySchemes"]
    assert schemes["CleApiBearer"]["scheme"] == "bearer"
    assert schemes["CleApiEntete"]["name"] == "X-Api-Key"


def test_every_protected_operation_refuses_anonymous_callers(client):
    """Deny by default: any endpoint another app registers without `auth=None` answers 401 to anonymous calls."""
    schema = api.get_openapi_schema()
    protected = [
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    ]
    assert ("/api/v1/moi", "get") in protected
    for path, method in protected:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = getattr(client, method)(url, content_type="application/json")
        assert response.status_code == 401, (method, url)
        assert response["Content-Type"].startswith("application/json")


def test_moi_describes_a_session_user(client):
    assignment = RoleAssignmentFactory(structure=True)
    login(client, assignment.user)
    body = client.get("/api/v1/moi").json()
    assert body["kind"] == "session"
    assert body["roles"] == ["structure"]
    assert body["user"]["email"] == assignment.user.email
    assert body["api_key"] is None


def test_moi_describes_an_api_key(client, make_key):
    from cnfs.territoires.tests.factories import DepartementFactory

    DepartementFactory(code="42")
    key, raw = make_key(siret="13002603200016", departement_codes=["42"])
    body = client.get("/api/v1/moi", **bearer(raw)).json()
    assert body["kind"] == "api_key"
    assert body["roles"] == ["prefecture"]
    assert body["national"] is False and body["departements"] == ["42"]
    assert body["user"] is None
    assert body["api_key"]["prefix"] == key.prefix
    assert body["api_key"]["siret"] == "13002603200016"
    assert body["api_key"]["read_only"] is True
    assert "key_hash" not in body["api_key"]
