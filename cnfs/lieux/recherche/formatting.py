"""French formatting of what the search shows."""

from functools import cache

from django.urls import reverse

NARROW_NBSP = "\u202f"


@cache
def _lieu_url_template() -> str:
    return reverse("lieux:recherche_lieu", args=[123456789]).replace("123456789", "{}")


def lieu_url(pk: int) -> str:
    """The public page of a place (one `reverse` per process: lists build dozens of these)."""
    return _lieu_url_template().format(int(pk))


def format_km(distance_km: float | None) -> str:
    """ "0,4 km", "3,2 km", "12 km", "1 024 km" (French decimal comma and thousands separator)."""
    if distance_km is None:
        return ""
    if distance_km < 10:
        text = f"{distance_km:.1f}".replace(".", ",")
    else:
        text = f"{round(distance_km):,}".replace(",", NARROW_NBSP)
    return f"{text}\u00a0km"


def format_telephone(number: str) -> str:
    """ "+33477000000" → "04 77 00 00 00"; other numbers are shown as stored."""
    if number.startswith("+33") and len(number) == 12 and number[1:].isdigit():
        national = "0" + number[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return number
