"""Headers (CSP with nonces, framing, sniffing, referrer), error pages in French, production deploy check."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from cnfs.core.tests.auth import login
from cnfs.core.tests.factories import user_with_role
from cnfs.core.views.errors import server_error

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _assert_no_unsafe_inline(html: str, nonce: str | None) -> None:
    """Inline scripts and styles run only with the page's nonce; no style attribute at all (CSP blocks them)."""
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S):
        if body.strip() or "src=" not in attrs:
            assert nonce and f'nonce="{nonce}"' in attrs, attrs
    for attrs in re.findall(r"<style\b([^>]*)>", html):
        assert nonce and f'nonce="{nonce}"' in attrs, attrs
    assert not re.search(r"<[^>]+\sstyle=", html), re.search(r"<[^>]+\sstyle=[^>]*>", html).group(0)
    assert not re.search(r"\son[a-z]+=", html), "gestionnaire d’événement en ligne"


def test_csp_nonce_in_header_matches_the_script_tags(client):
    response = client.get(reverse("core:home"))
    csp = _csp(response)
    nonces = [v for v in csp["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    html = response.content.decode()
    script_nonces = re.findall(r'<script[^>]*\snonce="([^"]+)"', html)
    assert len(script_nonces) == 2  # DSFR module and nomodule bundles
    assert set(script_nonces) == {nonce}
    assert f"'nonce-{nonce}'" in csp["style-src"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # A new nonce for every response.
    assert _csp(client.get(reverse("core:home")))["script-src"] != csp["script-src"]


PAGES = [
    "core:home",
    "core:password_reset",
    "core:mon_espace",
    "core:mon_compte",
    "core:otp_enrol",
    "core:otp_backup_codes",
    "core:password_change",
]


def _nonce(response) -> str | None:
    found = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return found and found.group(1)


def test_our_pages_have_no_inline_code_without_nonce(client):
    _assert_no_unsafe_inline(client.get(reverse("core:login")).content.decode(), None)
    login(client, user_with_role("anct"))
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _assert_no_unsafe_inline(response.content.decode(), _nonce(response))
    response = client.get("/nexiste-pas/")
    _assert_no_unsafe_inline(response.content.decode(), _nonce(response))


def test_security_headers(client):
    response = client.get(reverse("core:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    csrf = response.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax" and csrf["httponly"]


def test_redirects_carry_the_policy_too(client):
    response = client.get(reverse("core:mon_espace"))
    assert response.status_code == 302
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_account_pages_are_not_cached(client):
    login(client, user_with_role("anct"))
    for name in ("core:mon_compte", "core:otp_backup_codes", "core:otp_verify", "core:otp_enrol"):
        response = client.get(reverse(name))
        assert "no-store" in response.get("Cache-Control", ""), name


# --- Error pages ---------------------------------------------------------------------------------------------------


def test_404_page_is_french_dsfr(client):
    response = client.get("/nexiste-pas/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page non trouvée" in html and "Erreur 404" in html
    assert '<html lang="fr"' in html and "fr-header" in html


@override_settings(ROOT_URLCONF="cnfs.core.tests.urls_errors")
def test_permission_denied_from_a_view_gives_the_french_403(client):
    login(client, user_with_role("candidat"))
    response = client.get("/test/refus/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in html and "Vous n’avez pas accès à cette demande de poste." in html
    assert "fr-header" in html
    assert "Vous n’avez pas accès à cette page." in client.get("/test/refus-muet/").content.decode()


@override_settings(ROOT_URLCONF="cnfs.core.tests.urls_errors")
def test_500_page_is_french_and_standalone(client):
    client.raise_request_exception = False
    response = client.get("/test/panne/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Erreur inattendue" in html and "fr-header" in html and '<html lang="fr"' in html
    assert "panne simulée" not in html


def test_500_handler_needs_neither_database_nor_request_context(django_assert_num_queries):
    request = RequestFactory().get("/")  # no session, no user, no middleware at all
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()


def test_csrf_failure_page_is_french(client):
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("core:login"), {"username": "a@exemple.fr", "password": "x"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()


def test_bad_host_gives_the_french_400(client, settings):
    settings.ALLOWED_HOSTS = ["cnfs.example.fr"]
    response = client.get("/", HTTP_HOST="malveillant.example")
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()


# --- Production settings ---------------------------------------------------------------------------------------------


def _production_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="cnfs.example.fr",
        CNFS_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="cnfs.settings",
        SITE_URL="https://cnfs.example.fr",
        PASSNUM_DEBITEUR_NOM="Agence nationale de la cohesion des territoires",
        PASSNUM_DEBITEUR_IBAN="FR7630001007941234567890185",
        PASSNUM_DEBITEUR_BIC="BDFEFRPPXXX",
    )
    # ac-idp: the Aidants Connect provider's signing key is required in production too.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    env["AIDANTS_OIDC_RSA_PRIVATE_KEY"] = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return env


def test_deploy_check_passes_with_production_variables(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cnfs", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_deploy_check_warns_without_site_url_or_debtor_account(tmp_path):
    env = _production_env(tmp_path)
    for name in ("SITE_URL", "PASSNUM_DEBITEUR_IBAN"):
        del env[name]
    result = subprocess.run(
        [sys.executable, "-m", "cnfs", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "(cnfs.W001) SITE_URL n’est pas une adresse https" in result.stderr
    assert "(cnfs.W002) Le compte débiteur des virements pass numérique n’est pas configuré" in result.stderr


def test_production_refuses_to_start_without_the_oidc_signing_key(tmp_path):
    env = _production_env(tmp_path)
    del env["AIDANTS_OIDC_RSA_PRIVATE_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "cnfs", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "AIDANTS_OIDC_RSA_PRIVATE_KEY" in result.stderr
    assert not (tmp_path / "aidants_oidc_rsa.pem").exists()


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "cnfs", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import override_settings
# Static files are not collected here: only the storage differs from a real deployment.
with override_settings(STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
    client = Client(HTTP_HOST="cnfs.example.fr")
    plain = client.get("/connexion/")
    secure = client.get("/connexion/", secure=True)
print(json.dumps({
    "redirect": [plain.status_code, plain.get("Location")],
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "cookies": {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"]}
                for name, c in secure.cookies.items()},
}))
"""


def test_production_headers_and_cookies(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=_production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["redirect"] == [301, "https://cnfs.example.fr/connexion/"]
    assert probe["status"] == 200
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "'nonce-" in headers["Content-Security-Policy"]
    assert probe["cookies"]["__Host-csrftoken"] == {"secure": True, "httponly": True, "samesite": "Lax"}
