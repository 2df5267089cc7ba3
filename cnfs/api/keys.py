"""API key material: generation, parsing and hashing. Pure functions, no database.

A key reads `cnfs_<prefix>_<secret>`: the prefix (8 hex characters) identifies the key in lists and logs, the secret
(43 URL-safe characters, 256 bits) is never stored. The database holds the SHA-256 of the whole key only: the secret
is random and long, so a slow password hash would add nothing but latency to every call.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

KEY_PREFIX = "cnfs"
PREFIX_LENGTH = 8
_KEY_RE = re.compile(rf"^{KEY_PREFIX}_(?P<prefix>[0-9a-f]{{{PREFIX_LENGTH}}})_(?P<secret>[A-Za-z0-9_-]{{43}})$")


def generate_key() -> tuple[str, str]:
    """A new random key and its public prefix."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def parse_prefix(raw_key: str) -> str | None:
    """The prefix of a well-formed key, or None for anything else (garbage never reaches the database)."""
    match = _KEY_RE.match(raw_key.strip()) if raw_key else None
    return match["prefix"] if match else None


def hash_matches(raw_key: str, stored_hash: str) -> bool:
    """Constant-time comparison of the key's hash with the stored one."""
    return hmac.compare_digest(hash_key(raw_key.strip()), stored_hash)
