from cnfs.recrutement.services._common import forbid, refuse, snapshot, today_or

__all__ = ["euros", "forbid", "refuse", "snapshot", "today_or"]


def euros(cents: int) -> str:
    """`1 234,50 €`, French style, from cents."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{whole:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"
