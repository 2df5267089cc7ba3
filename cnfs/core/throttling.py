"""Failure counters kept in the cache (local memory on a laptop, Redis in production).

A counter opens a fixed window at its first failure and expires with it. Keys hash what they count (an e-mail
address, an IP address) so that the cache never holds personal data in clear and key lengths stay bounded.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@functools.lru_cache(maxsize=4096)
def _key(kind: str, value: str) -> str:
    # Cached: the same accounts and places are checked on every attempt (a pass numérique redemption checks two).
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]
    return f"cnfs:throttle:{kind}:{digest}"


@dataclass(frozen=True)
class Limit:
    """At most `max_failures` failures of kind `kind` per value within `window` seconds."""

    kind: str
    max_failures: int
    window: int

    def count(self, value: str | None) -> int:
        if not value:
            return 0
        return int(cache.get(_key(self.kind, value), 0))

    def exceeded(self, value: str | None) -> bool:
        return self.count(value) >= self.max_failures

    def hit(self, value: str | None) -> int:
        """Count one failure; return the new count. Atomic on Redis; good enough on local memory."""
        if not value:
            return 0
        key = _key(self.kind, value)
        # `add` opens the window only if no counter exists, so the window is not extended by later failures.
        if cache.add(key, 1, timeout=self.window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=self.window)
            return 1

    def reset(self, value: str | None) -> None:
        if value:
            cache.delete(_key(self.kind, value))

    def first_time(self, value: str | None) -> bool:
        """True once per window: lets callers log a blocked attempt without flooding the audit log."""
        if not value:
            return False
        return cache.add(_key(f"{self.kind}:notified", value), 1, timeout=self.window)


def any_exceeded(*checks: tuple[Limit, str | None]) -> bool:
    """Whether any `(limit, value)` pair has reached its limit, read in one cache round trip (`get_many`)."""
    limits = {_key(limit.kind, value): limit for limit, value in checks if value}
    if not limits:
        return False
    counts = cache.get_many(list(limits))
    return any(int(counts.get(key, 0)) >= limit.max_failures for key, limit in limits.items())


def login_account_limit() -> Limit:
    return Limit("login-account", settings.LOGIN_MAX_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_ip_limit() -> Limit:
    return Limit("login-ip", settings.LOGIN_MAX_FAILURES_PER_IP, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def password_reset_account_limit() -> Limit:
    return Limit("reset-account", settings.PASSWORD_RESET_MAX_PER_ACCOUNT, settings.PASSWORD_RESET_WINDOW_SECONDS)


def password_reset_ip_limit() -> Limit:
    return Limit("reset-ip", settings.PASSWORD_RESET_MAX_PER_IP, settings.PASSWORD_RESET_WINDOW_SECONDS)


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()
