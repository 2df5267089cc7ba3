import pytest

from cnfs.api.tests.conftest import bearer, login
from cnfs.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_key_past_its_rate_gets_429_in_french(client, make_key):
    _, raw = make_key(requests_per_minute=3)
    _, other = make_key(requests_per_minute=3)
    for _ in range(3):
        assert client.get("/api/v1/moi", **bearer(raw)).status_code == 200
    response = client.get("/api/v1/moi", **bearer(raw))
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Trop de requêtes : réessayez dans ")
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another key has its own counter.
    assert client.get("/api/v1/moi", **bearer(other)).status_code == 200


def test_sessions_and_anonymous_callers_have_their_own_limits(client, settings):
    settings.API_USER_REQUESTS_PER_MINUTE = 2
    settings.API_ANON_REQUESTS_PER_MINUTE = 1
    assert client.get("/api/v1/").status_code == 200  # the index is not an operation: never throttled
    login(client, UserFactory())
    assert [client.get("/api/v1/moi").status_code for _ in range(3)] == [200, 200, 429]


def test_health_is_never_throttled(client, settings):
    settings.API_ANON_REQUESTS_PER_MINUTE = 1
    assert {client.get("/api/v1/health").status_code for _ in range(5)} == {200}
