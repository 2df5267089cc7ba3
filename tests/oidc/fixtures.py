"""A real FranceConnect-like OpenID Connect provider for tests: npm `oidc-provider` run by `provider.mjs`.

    from tests.oidc.fixtures import oidc_provider, franceconnect  # noqa: F401 — fixtures

    def test_x(client, franceconnect):          # settings point at the provider; scenario reset around the test
        franceconnect.scenario(acr="eidas2")    # the next logins carry another acr

`oidc_provider` (session scope) runs `npm ci` when `tests/oidc/node_modules` is missing, starts `node provider.mjs`
on a free port, waits for its discovery document, yields a `Provider` and stops it. When node is absent the tests
are skipped (a failure under CNFS_REQUIRE_ALL=1, as every skip in CI). `FlowDriver` follows the redirects of a flow
between the Django test client (our pages) and the provider (real HTTP with `requests`), as a browser would.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID = "cnfs-test"
CLIENT_SECRET = "cnfs-test-secret-0123456789-abcdefghij"
TEST_SERVER = "http://testserver"
CALLBACK_PATH = "/aidants-connect/franceconnect/retour/"
LOGOUT_PATH = "/aidants-connect/franceconnect/deconnecte/"
REQUIRE_ALL = os.environ.get("CNFS_REQUIRE_ALL") == "1"


@dataclass
class Provider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    process: subprocess.Popen | None = field(default=None, repr=False)

    def scenario(self, **wanted) -> None:
        """Change how the provider behaves for the next flows (see provider.mjs); no argument: back to normal."""
        response = requests.post(f"{self.issuer}/__test__/scenario", data=json.dumps(wanted), timeout=5)
        response.raise_for_status()


def _node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        message = "Node.js absent : le fournisseur OpenID Connect de test (tests/oidc) ne peut pas démarrer."
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    return node


def _npm_ci() -> None:
    """`npm ci` once. Every worker takes the lock before looking: `npm ci` creates `node_modules/oidc-provider`
    long before it has finished, so only a marker written after it succeeded says the install is complete."""
    marker = HERE / "node_modules" / ".cnfs-installed"
    lock_file = HERE / "package-lock.json"
    with open(HERE / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists() and marker.stat().st_mtime >= lock_file.stat().st_mtime:
            return
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm absent : impossible d’installer oidc-provider (tests/oidc).")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, capture_output=True)
        marker.touch()


def start_provider(*, redirect_uris: list[str], logout_uris: list[str], person: dict | None = None) -> Provider:
    node = _node_or_skip()
    _npm_ci()
    env = {
        **os.environ,
        "OIDC_TEST_PORT": "0",
        "OIDC_TEST_CLIENT_ID": CLIENT_ID,
        "OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_TEST_REDIRECT_URIS": ",".join(redirect_uris),
        "OIDC_TEST_LOGOUT_URIS": ",".join(logout_uris),
        "OIDC_TEST_PERSON": json.dumps(person or {}),
    }
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs")],
        cwd=HERE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:  # keeps draining the pipe so the provider never blocks on its logs
        for line in process.stdout:
            lines.append(line)
            if line.startswith("ISSUER "):
                found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(30):
        process.kill()
        raise RuntimeError("Le fournisseur OpenID Connect de test n’a pas démarré :\n" + "".join(lines))
    issuer = next(line.split()[1] for line in lines if line.startswith("ISSUER "))
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            stop_provider(Provider(issuer=issuer, process=process))
            raise RuntimeError("Le fournisseur OpenID Connect de test ne publie pas sa découverte.")
        time.sleep(0.1)
    return Provider(issuer=issuer, process=process)


def stop_provider(provider: Provider) -> None:
    if provider.process is None:
        return
    provider.process.terminate()
    try:
        provider.process.wait(10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait(5)
    if provider.process.stdout is not None:
        provider.process.stdout.close()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """The provider for the Django test client (redirect URIs on http://testserver)."""
    provider = start_provider(redirect_uris=[TEST_SERVER + CALLBACK_PATH], logout_uris=[TEST_SERVER + LOGOUT_PATH])
    try:
        yield provider
    finally:
        stop_provider(provider)


def configure(settings, provider: Provider, *, client_id: str | None = None) -> None:
    settings.FRANCECONNECT_ISSUER = provider.issuer
    settings.FRANCECONNECT_CLIENT_ID = client_id or provider.client_id
    settings.FRANCECONNECT_CLIENT_SECRET = provider.client_secret


@pytest.fixture
def franceconnect(settings, oidc_provider) -> Iterator[Provider]:
    """FranceConnect configured on the test provider, in its normal behaviour before and after the test."""
    configure(settings, oidc_provider)
    oidc_provider.scenario()
    try:
        yield oidc_provider
    finally:
        oidc_provider.scenario()


class _Forms(HTMLParser):
    """The forms of a page: action, method and the named inputs (including those outside, with form="…")."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict] = {}
        self._current: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = attrs.get("id", "")
            self.forms[self._current] = {"action": attrs.get("action", ""), "method": attrs.get("method", "get")}
            self.forms[self._current]["fields"] = {}
        elif tag in ("input", "button") and attrs.get("name"):
            owner = attrs.get("form", self._current)
            if owner in self.forms:
                self.forms[owner]["fields"][attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


@dataclass
class Step:
    url: str
    status: int
    location: str | None
    text: str
    django: object | None = None  # the Django test client's response on our pages


class FlowDriver:
    """Follows a flow's redirects like a browser: our pages through the Django test client, the provider's through
    real HTTP (its cookies kept in a `requests.Session`). The provider's logout page, which submits itself with a
    line of script in a browser, is submitted here as its form says."""

    def __init__(self, client, provider: Provider):
        self.client = client
        self.provider = provider
        self.http = requests.Session()
        self.visited: list[str] = []

    def _ours(self, url: str) -> bool:
        return not url.startswith(self.provider.issuer)

    def get(self, url: str) -> Step:
        url = urljoin(TEST_SERVER + "/", url)
        self.visited.append(url)
        if self._ours(url):
            parts = urlsplit(url)
            response = self.client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
            location = response.get("Location")
            text = response.content.decode() if not location else ""
            return Step(url, response.status_code, location and urljoin(url, location), text, response)
        response = self.http.get(url, allow_redirects=False, timeout=10)
        location = response.headers.get("location")
        step = Step(url, response.status_code, location and urljoin(url, location), response.text)
        if response.status_code == 200 and "op.logoutForm" in response.text:
            return self._submit_logout(url, response.text)
        return step

    def _submit_logout(self, url: str, html: str) -> Step:
        parser = _Forms()
        parser.feed(html)
        form = parser.forms["op.logoutForm"]
        fields = {**form["fields"], "logout": "yes"}
        target = urljoin(url, form["action"])
        response = self.http.post(target, data=fields, allow_redirects=False, timeout=10)
        location = response.headers.get("location")
        return Step(target, response.status_code, location and urljoin(target, location), response.text)

    def follow(self, url: str, *, until: str | None = None, limit: int = 25) -> Step:
        """GET `url` and follow redirects; stop on a page (no redirect) or before requesting a URL containing
        `until` (returned as the step's `location`)."""
        step = self.get(url)
        for _ in range(limit):
            if step.location is None:
                return step
            if until and until in step.location:
                return step
            step = self.get(step.location)
        raise AssertionError("Trop de redirections : " + " → ".join(self.visited[-10:]))
