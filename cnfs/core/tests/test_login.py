"""Login: generic French errors, throttling per account and per IP (cache), audit without passwords."""

import json
import shutil
import socket
import subprocess
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from cnfs.core.models import AuditEvent
from cnfs.core.services.auth import LOGIN_INVALID, LOGIN_THROTTLED
from cnfs.core.tests.factories import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

LOGIN = reverse("core:login")
WRONG = "mauvais-mot-de-passe-secret"


def _post(client, email, password, ip="192.0.2.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _message(response) -> str:
    if response.status_code == 302:
        return "connecté"
    html = response.content.decode()
    if LOGIN_THROTTLED in html.replace("&#x27;", "'"):
        return "bloqué"
    if LOGIN_INVALID in html:
        return "refusé"
    raise AssertionError(html)


@pytest.fixture
def limits(settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_MAX_FAILURES_PER_IP = 5
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    return settings


def test_account_is_throttled_after_n_failures_even_with_the_right_password(client, limits):
    user = UserFactory()
    results = [_message(_post(client, user.email, WRONG)) for _ in range(3)]
    assert results == ["refusé"] * 3
    assert _message(_post(client, user.email, PASSWORD)) == "bloqué"
    assert "_auth_user_id" not in client.session
    # Another address is blocked for this account too: the limit is per account.
    assert _message(_post(client, user.email.upper(), PASSWORD, ip="198.51.100.7")) == "bloqué"


def test_unknown_account_gets_exactly_the_same_answers(client, limits):
    """Nothing tells an attacker whether the address has an account."""
    known = UserFactory()
    for email in (known.email, "inconnu@exemple.fr"):
        answers = [_message(_post(client, email, WRONG, ip=f"203.0.113.{len(email)}")) for _ in range(4)]
        assert answers == ["refusé", "refusé", "refusé", "bloqué"], email


def test_ip_is_throttled_across_accounts(client, limits):
    users = UserFactory.create_batch(3)
    for i in range(5):
        assert _message(_post(client, users[i % 3].email if i < 3 else f"x{i}@exemple.fr", WRONG)) == "refusé", i
    fresh = UserFactory()
    assert _message(_post(client, fresh.email, PASSWORD)) == "bloqué"
    assert _message(_post(client, fresh.email, PASSWORD, ip="192.0.2.99")) == "connecté"


def test_success_resets_the_account_counter(client, limits):
    user = UserFactory()
    for _ in range(2):
        _post(client, user.email, WRONG)
    assert _message(_post(client, user.email, PASSWORD)) == "connecté"
    client.logout()
    assert [_message(_post(client, user.email, WRONG, ip="192.0.2.2")) for _ in range(3)] == ["refusé"] * 3


def test_inactive_account_gets_the_generic_message(client):
    user = UserFactory(is_active=False)
    assert _message(_post(client, user.email, PASSWORD)) == "refusé"


def test_login_outcomes_are_audited_without_password(client, limits):
    user = user_with_role("candidat")
    for _ in range(3):
        _post(client, user.email, WRONG)
    _post(client, user.email, WRONG)  # blocked
    _post(client, user.email, WRONG)  # blocked again: not logged a second time
    limits.LOGIN_MAX_FAILURES_PER_ACCOUNT = 10
    _post(client, user.email, PASSWORD)
    client.post(reverse("core:logout"))

    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["auth.login_failed"] * 3 + ["auth.login_throttled", "auth.login", "auth.logout"]
    failed = AuditEvent.objects.filter(action="auth.login_failed").first()
    assert failed.target_id == str(user.pk)
    assert failed.ip_address == "192.0.2.1"
    assert failed.after["email"] == user.email
    dumped = json.dumps(list(AuditEvent.objects.values("before", "after", "target_repr")))
    assert WRONG not in dumped and PASSWORD not in dumped


def test_client_ip_behind_trusted_proxies(client, limits):
    limits.TRUSTED_PROXY_COUNT = 1
    client.post(
        LOGIN, {"username": "a@exemple.fr", "password": WRONG}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    # A client-supplied left part is ignored: only the entry added by our proxy counts.
    client.post(
        LOGIN,
        {"username": "b@exemple.fr", "password": WRONG},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 5.6.7.8",
    )
    ips = list(AuditEvent.objects.order_by("id").values_list("ip_address", flat=True))
    assert ips == ["1.2.3.4", "5.6.7.8"]


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server absent (apt-get install redis-server)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_throttling_works_on_redis(client, limits, redis_url):
    from django.core.cache import cache

    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    with override_settings(CACHES=redis):
        user = UserFactory()
        answers = [_message(_post(client, user.email, WRONG)) for _ in range(4)]
        assert answers == ["refusé", "refusé", "refusé", "bloqué"]
        assert _message(_post(client, user.email, PASSWORD)) == "bloqué"
        assert any(key.startswith(b":1:cnfs:throttle:login-account:") for key in cache._cache.get_client().keys())
