"""Voucher codes: 75 random bits in Crockford base32, plus one check character, printed in groups of four.

The check character is a Damm check over the quasigroup x ∗ y = 2·x + y of the field GF(32) (polynomial
x⁵ + x² + 1). Since 2 ≠ 0 the operation is a quasigroup, so any single substitution is caught; since 2 ≠ 1 it is
totally anti-symmetric ((c ∗ x) ∗ y = (c ∗ y) ∗ x only when x = y), so any swap of two adjacent characters is
caught, the check character included. The tests prove both exhaustively-by-property (hypothesis).

Everything here is pure: a mistyped code is refused without touching the database.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
# What people type for what they read (Crockford's decoding rules).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -.\u00a0\t_")

DATA_LENGTH = 15  # 15 × 5 = 75 random bits
CODE_LENGTH = DATA_LENGTH + 1
_POLY = 0b100101  # x^5 + x^2 + 1, irreducible over GF(2)


def _times2(x: int) -> int:
    x <<= 1
    return x ^ _POLY if x & 0b100000 else x


def _op(x: int, y: int) -> int:
    return _times2(x) ^ y


def _interim(values) -> int:
    state = 0
    for v in values:
        state = _op(state, v)
    return state


def check_char(data: str) -> str:
    """The character that makes `data` + it reduce to 0: c such that 2·s + c = 0, i.e. c = 2·s in GF(2⁵)."""
    return ALPHABET[_times2(_interim(VALUES[ch] for ch in data))]


def new_code() -> str:
    """A fresh code of 16 characters, 75 bits of them from `secrets`."""
    number = secrets.randbits(5 * DATA_LENGTH)
    data = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(DATA_LENGTH))
    return data + check_char(data)


def normalize(raw: str) -> str:
    """Upper case, separators removed, look-alike letters read as digits."""
    return (raw or "").upper().translate(_SEPARATORS).translate(_LOOKALIKES)


def is_valid(code: str) -> bool:
    """A normalised code of the right length, in the alphabet, whose check reduces to 0."""
    if len(code) != CODE_LENGTH or any(ch not in VALUES for ch in code):
        return False
    return _interim(VALUES[ch] for ch in code) == 0


def code_error(raw: str) -> str | None:
    """The French reason why a typed code cannot be a voucher's, or None. No database access."""
    code = normalize(raw)
    if not code:
        return "Saisissez le code du chèque."
    if any(ch not in VALUES for ch in code):
        return "Code invalide : il contient un caractère qui n’existe pas sur les chèques."
    if len(code) != CODE_LENGTH:
        return f"Code invalide : un code compte {CODE_LENGTH} caractères, celui-ci en compte {len(code)}."
    if not is_valid(code):
        return "Code invalide : la clé de contrôle ne correspond pas, vérifiez la saisie caractère par caractère."
    return None


def format_code(code: str) -> str:
    """`ABCD-EFGH-JKMN-PQRS`: how a code is printed and shown."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
