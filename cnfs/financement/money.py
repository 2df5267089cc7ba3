"""Money in integer cents: French formatting and parsing, exact splitting, pro-rata of months. Pure functions."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space before the currency sign

_AMOUNT = re.compile(r"^-?\d+(?:[.,]\d{1,2})?$")


def euros(cents: int | None, *, currency: bool = True) -> str:
    """`4000000` → "40 000,00 €" (narrow no-break spaces between thousands, no-break space before €)."""
    if cents is None:
        return "—"
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    text = f"{sign}{whole:,}".replace(",", NNBSP) + f",{rest:02d}"
    return f"{text}{NBSP}€" if currency else text


def euros_plain(cents: int) -> str:
    """`4000000` → "40000,00": for CSV cells that spreadsheets read as numbers in a French locale."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{whole},{rest:02d}"


def parse_euros(text: str) -> int:
    """ "40 000,50 €", "40000.5" → cents. Raises ValueError with a French message on anything else."""
    cleaned = (text or "").strip().replace("€", "").replace(NNBSP, "").replace(NBSP, "").replace(" ", "")
    if not _AMOUNT.match(cleaned):
        raise ValueError(f"« {text} » n’est pas un montant en euros (exemple : 40 000,00).")
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover — the pattern above already excludes it
        raise ValueError(f"« {text} » n’est pas un montant en euros.") from error
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_amount(total: int, parts: int, weights: list[int] | None = None) -> list[int]:
    """Split `total` cents into `parts` instalments that always sum exactly to `total`.

    Equal shares by default (the first ones take the leftover cents), else in proportion to `weights`
    (largest remainder method). No instalment is negative.
    """
    if total < 0:
        raise ValueError("Le montant à répartir ne peut pas être négatif.")
    if parts < 1:
        raise ValueError("Il faut au moins une échéance.")
    if weights is None:
        weights = [1] * parts
    if len(weights) != parts or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("Les poids des échéances sont invalides.")
    weight_sum = sum(weights)
    shares = [total * w // weight_sum for w in weights]
    remainders = sorted(range(parts), key=lambda i: (-(total * weights[i] % weight_sum), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (clamped to the month's last day: 31 January + 1 month → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_used(start: datetime.date, end: datetime.date, duration: int) -> int:
    """Months of a `duration`-month post used from `start` to `end` (a started month counts), 0..duration."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) < end:
        months += 1
    return max(0, min(months, duration))


def prorata_freed(amount: int, duration: int, used: int) -> int:
    """Cents of `amount` (paid over `duration` months) not used after `used` months, rounded down to the cent."""
    if duration <= 0:
        return 0
    used = max(0, min(used, duration))
    return amount * (duration - used) // duration
