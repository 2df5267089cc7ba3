"""Rate limits of the API: per key (its own `requests_per_minute`), per logged-in user, per anonymous IP address.

Fixed one-minute windows counted in the cache with an atomic increment, so several web workers sharing a Redis
cache (`CACHE_URL`) enforce one limit together.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

WINDOW_SECONDS = 60


def user_rate() -> int:
    return int(getattr(settings, "API_USER_REQUESTS_PER_MINUTE", 600))


def anonymous_rate() -> int:
    return int(getattr(settings, "API_ANON_REQUESTS_PER_MINUTE", 300))


class CallerRateThrottle(BaseThrottle):
    """Refuses (429) a caller past its requests per minute. Runs after authentication, so it knows the caller."""

    def _identity(self, request: HttpRequest) -> tuple[str, int]:
        from cnfs.api.auth import Caller

        caller = getattr(request, "auth", None)
        if isinstance(caller, Caller) and caller.api_key is not None:
            return f"cle:{caller.api_key.pk}", caller.api_key.requests_per_minute
        if isinstance(caller, Caller) and caller.user is not None:
            return f"compte:{caller.user.pk}", user_rate()
        return f"ip:{self.get_ident(request)}", anonymous_rate()

    def allow_request(self, request: HttpRequest) -> bool:
        identity, limit = self._identity(request)
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"cnfs-api-debit:{identity}:{window}"
        # add() is a no-op when the counter exists; incr() is atomic on Redis and locked in local memory.
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add() and incr()
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        return count <= limit

    def wait(self) -> float | None:
        # Stateless (one throttle object serves every thread): the current window ends at the next minute.
        return WINDOW_SECONDS - time.time() % WINDOW_SECONDS
