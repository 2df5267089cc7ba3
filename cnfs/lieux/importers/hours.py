"""Opening-hours check used by the importer: the OSM parser of `cnfs.lieux.horaires` when present.

Until that module is on main, a minimal syntactic check stands in: it catches what is obviously not an OSM
`opening_hours` string (French day names, "9h-12h", free text), not every subtle error.
"""

from __future__ import annotations

import re

try:  # pragma: no cover - depends on which helper's work is on main
    from cnfs.lieux.horaires import validate as _osm_validate
except ImportError:  # pragma: no cover
    _osm_validate = None

_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:\[-?\d(?:,-?\d)*\])?"
_DAYS = rf"(?:{_DAY}(?:-{_DAY})?|PH|SH)(?:,(?:{_DAY}(?:-{_DAY})?|PH|SH))*"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?: \d{1,2})?"
_MONTHS = rf"{_MONTH}(?:-(?:{_MONTH}|\d{{1,2}}))?(?:,{_MONTH}(?:-(?:{_MONTH}|\d{{1,2}}))?)*"
_TIME = r"(?:[01]?\d|2[0-4]):[0-5]\d"
_TIMES = rf"{_TIME}(?:-{_TIME}\+?|\+)?(?:,{_TIME}(?:-{_TIME}\+?|\+)?)*"
_RULE = re.compile(
    rf"^(?:24/7|(?:\d{{4}}(?:-\d{{4}})? )?(?:{_MONTHS}:? ?)?(?:week \d{{1,2}}(?:-\d{{1,2}})? ?)?"
    rf"(?:{_DAYS} ?)?(?:{_TIMES}|off|closed|open)?)(?: \"[^\"]*\")?$"
)


def _minimal_error(value: str) -> str | None:
    text = re.sub(r"\s*,\s*", ",", " ".join(value.split()))
    for rule in re.split(r"\s*(?:;|\|\|)\s*", text):
        if rule and not _RULE.match(rule):
            return (
                f"Horaires invalides : « {rule} » n’est pas une règle OpenStreetMap opening_hours "
                "(ex. « Mo-Fr 09:00-12:00,14:00-17:00 »)."
            )
    return None


def error(value: str) -> str | None:
    """French reason why `value` is not a valid OSM opening-hours string, or None when it is (or is blank)."""
    if not value.strip():
        return None
    if _osm_validate is not None:  # pragma: no cover
        try:
            _osm_validate(value)
        except Exception as exc:  # HorairesInvalides: a DomainError with a French message
            return getattr(exc, "message", str(exc))
        return None
    return _minimal_error(value)
