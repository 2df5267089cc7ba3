"""Opening hours of places: OpenStreetMap `opening_hours` strings, validated, evaluated and read out in French.

The parsing and evaluation are done by `opening-hours-py` (the maintained Rust implementation of the OSM
specification); this module only turns its answers into what people read and what the search filters need.
Times are wall-clock times in Europe/Paris; public holidays (`PH`) follow the French calendar.

Rendering never reads the expression's syntax tree: it evaluates the expression day by day over a year and
describes what it observes, so that any string the parser accepts can be read out, whatever syntax it uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from opening_hours import OpeningHours, State

from cnfs.core.errors import DomainError

PARIS = ZoneInfo("Europe/Paris")
COUNTRY = "FR"
MAX_LENGTH = 1000
EXAMPLE = "Mo-Fr 09:00-12:00,14:00-17:00"
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
DAY_MINUTES = 24 * 60
# A year of weeks: enough to see seasonal rules (months, week numbers) and every public holiday once.
SCAN_WEEKS = 53

_FRENCH_DAYS = re.compile(r"\b(lun|mar|mer|jeu|ven|sam|dim|lu|ma|me|je|ve|sa|di)\b", re.IGNORECASE)
_FRENCH_HOURS = re.compile(r"\d\s*h\s*\d*", re.IGNORECASE)
_POSITION = re.compile(r"-->\s*(\d+):(\d+)")


class HorairesInvalides(DomainError, ValidationError):
    """An opening-hours string the OSM parser refuses. Both a domain error (importers) and a form error."""

    def __init__(self, message: str):
        ValidationError.__init__(self, message, code="horaires_invalides")
        self.message = message
        self.field = "horaires"
        self.code = "horaires_invalides"

    def __str__(self) -> str:
        return self.message


def _invalid(detail: str) -> HorairesInvalides:
    return HorairesInvalides(
        f"Horaires invalides : {detail} (syntaxe OpenStreetMap opening_hours attendue, ex. « {EXAMPLE} »)."
    )


def _clean(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _invalid("une chaîne de caractères est attendue")
    # Line breaks and repeated spaces come from spreadsheets; the syntax gives them no meaning.
    return " ".join(value.split())


@lru_cache(maxsize=8192)
def _parse(value: str) -> OpeningHours:
    """The parsed expression, cached: the same strings recur across thousands of places."""
    if len(value) > MAX_LENGTH:
        raise _invalid(f"la valeur dépasse {MAX_LENGTH} caractères")
    try:
        return OpeningHours(value, country=COUNTRY, auto_country=False, auto_timezone=False)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: B036 — a Rust panic surfaces as pyo3's PanicException (a BaseException)
        raise _invalid(_describe_error(value, str(exc))) from None


def _describe_error(value: str, message: str) -> str:
    detail = f"« {value} » n’est pas compris"
    match = _POSITION.search(message)
    if match:
        detail += f" (à partir du caractère {match.group(2)})"
    hints = []
    if _FRENCH_DAYS.search(value):
        hints.append("les jours s’écrivent en abrégé anglais : Mo, Tu, We, Th, Fr, Sa, Su")
    if _FRENCH_HOURS.search(value):
        hints.append("les heures s’écrivent sur 24 h avec deux-points : 09:00-12:00")
    if hints:
        detail += " ; " + " ; ".join(hints)
    return detail


def validate(value: object) -> str:
    """The normalised form of an OSM opening-hours string, or `HorairesInvalides` with a French message.

    A blank value is valid and returns "" (the national schema makes opening hours optional).
    """
    cleaned = _clean(value)
    if not cleaned:
        return ""
    return _normalise(cleaned)


@lru_cache(maxsize=8192)
def _normalise(cleaned: str) -> str:
    _parse(cleaned)  # refuses invalid strings
    current = cleaned
    # The library's normaliser is not always idempotent on odd inputs ("off || off"): iterate to a fixed point.
    for _ in range(4):
        try:
            following = str(_parse(current).normalize())
            _parse(following)
        except (KeyboardInterrupt, SystemExit, MemoryError):
            raise
        except BaseException:  # noqa: B036 — keep the producer's spelling if the normaliser ever stumbles
            return cleaned
        if following == current:
            return current
        current = following
    return cleaned


def is_valid(value: object) -> bool:
    try:
        validate(value)
    except HorairesInvalides:
        return False
    return True


def paris_wall_time(at: datetime) -> datetime:
    """`at` as the parser reads it: Paris wall-clock time, naive, to the second (naive input: already Paris time)."""
    if at.tzinfo is not None:
        at = at.astimezone(PARIS)
    return at.replace(tzinfo=None, microsecond=0)


def _today() -> date:
    return datetime.now(PARIS).date()


def _parsed_or_none(value: object) -> OpeningHours | None:
    try:
        cleaned = _clean(value)
        return _parse(cleaned) if cleaned else None
    except HorairesInvalides:
        return None


def is_open(value: object, at: datetime) -> bool:
    """Whether the place is open at `at` (aware datetimes are converted to Paris time; naive ones are Paris time).

    Blank or invalid hours, and "unknown" periods, count as not open: the "ouvert maintenant" filter only keeps
    places that say they are open.
    """
    parsed = _parsed_or_none(value)
    if parsed is None:
        return False
    return parsed.is_open(paris_wall_time(at))


def open_window(value: object, at: datetime) -> tuple[bool, datetime, datetime | None]:
    """(`is_open(value, at)`, `at` and the next change of state, both as Paris wall times (None: never changes)).

    The answer holds for every instant of [at, next change): the search caches it per string until then.
    """
    wall = paris_wall_time(at)
    parsed = _parsed_or_none(value)
    if parsed is None:
        return False, wall, None
    return parsed.is_open(wall), wall, parsed.next_change(wall)


def open_on(value: object, weekday: int, *, reference: date | None = None) -> bool:
    """Whether the place opens at some time on the next `weekday` (0 = Monday) on or after `reference` (today).

    This is "ouvert samedi" as people mean it: the coming Saturday, seasonal rules and holidays included.
    """
    if not 0 <= weekday <= 6:
        raise ValueError("weekday doit être compris entre 0 (lundi) et 6 (dimanche)")
    if not isinstance(value, str) or not value.strip():
        return False
    reference = reference or _today()
    return _open_on_day(value, reference + timedelta(days=(weekday - reference.weekday()) % 7))


def opens_on_day(value: object, day: date) -> bool:
    """Whether the place opens at some time on `day` (blank or invalid hours: no)."""
    if not isinstance(value, str) or not value.strip():
        return False
    return _open_on_day(value, day)


@lru_cache(maxsize=16384)
def _open_on_day(value: str, day: date) -> bool:
    # Cached: a search filters thousands of places sharing a few hundred strings, for the same coming day.
    parsed = _parsed_or_none(value)
    if parsed is None:
        return False
    start = datetime.combine(day, time())
    return any(state == State.OPEN for _, _, state, _ in parsed.intervals(start, start + timedelta(days=1)))


# --- Reading out in French ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    start: int  # minutes since midnight
    end: int  # minutes since midnight, up to 1440
    unknown: bool
    comment: str


@dataclass(frozen=True)
class DaySchedule:
    segments: tuple[Segment, ...]
    closed_comment: str = ""


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for segment in segments:
        last = merged[-1] if merged else None
        if last and last.end == segment.start and (last.unknown, last.comment) == (segment.unknown, segment.comment):
            merged[-1] = Segment(last.start, segment.end, last.unknown, last.comment)
        else:
            merged.append(segment)
    return tuple(merged)


def _schedules(parsed: OpeningHours, first_day: date, days: int) -> list[DaySchedule]:
    """What the expression says, day by day, from `first_day` for `days` days."""
    start = datetime.combine(first_day, time())
    end = start + timedelta(days=days)
    open_by_day: list[list[Segment]] = [[] for _ in range(days)]
    closed_comments: list[str] = [""] * days
    for interval_start, interval_end, state, comment in parsed.intervals(start, end):
        a = max(interval_start or start, start)
        b = min(interval_end or end, end)
        while a < b:
            index = (a.date() - first_day).days
            day_end = datetime.combine(a.date() + timedelta(days=1), time())
            piece_end = min(b, day_end)
            if state == State.CLOSED:
                if comment and not closed_comments[index]:
                    closed_comments[index] = comment
            else:
                minute_start = a.hour * 60 + a.minute
                minute_end = DAY_MINUTES if piece_end == day_end else piece_end.hour * 60 + piece_end.minute
                if minute_end > minute_start:
                    open_by_day[index].append(Segment(minute_start, minute_end, state == State.UNKNOWN, comment or ""))
            a = piece_end
    return [
        DaySchedule(_merge(segments), "" if segments else closed_comments[i]) for i, segments in enumerate(open_by_day)
    ]


@lru_cache(maxsize=64)
def _holidays(first_day: date, days: int) -> frozenset[date]:
    """French public holidays, as the parser's own calendar knows them."""
    start = datetime.combine(first_day, time())
    calendar = _parse("PH")
    found = set()
    for a, b, state, _ in calendar.intervals(start, start + timedelta(days=days)):
        if state == State.OPEN:
            day = a.date()
            while datetime.combine(day, time()) < b:
                found.add(day)
                day += timedelta(days=1)
    return frozenset(found)


def _carry_overnight(days: list[DaySchedule], *, wrap: bool) -> list[DaySchedule]:
    """Show "22 h – 2 h" on the evening's day rather than "22 h – minuit" then "minuit – 2 h" the next day."""
    days = list(days)
    count = len(days)
    for index in range(count if wrap else count - 1):
        today, following = days[index], days[(index + 1) % count]
        if not today.segments or not following.segments:
            continue
        last, first = today.segments[-1], following.segments[0]
        if last.end != DAY_MINUTES or last.start == 0 or first.start != 0 or first.end == DAY_MINUTES:
            continue
        if (last.unknown, last.comment) != (first.unknown, first.comment):
            continue
        extended = Segment(last.start, DAY_MINUTES + first.end, last.unknown, last.comment)
        days[index] = DaySchedule((*today.segments[:-1], extended))
        rest = following.segments[1:]
        days[(index + 1) % count] = DaySchedule(rest, "" if rest else following.closed_comment)
    return days


def _clock(minutes: int) -> str:
    minutes %= DAY_MINUTES
    if minutes == 0:
        return "minuit"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest:02d}"


def _segment_text(segment: Segment) -> str:
    if segment.start == 0 and segment.end == DAY_MINUTES:
        if segment.unknown:
            return segment.comment or "horaires non précisés"
        text = "24 h/24"
    else:
        text = f"{_clock(segment.start)} – {_clock(segment.end)}"
    if segment.comment:
        return f"{text} ({segment.comment})"
    if segment.unknown:
        return f"{text} (à confirmer)"
    return text


def _day_text(schedule: DaySchedule) -> str:
    if not schedule.segments:
        return f"fermé ({schedule.closed_comment})" if schedule.closed_comment else "fermé"
    return ", ".join(_segment_text(segment) for segment in schedule.segments)


def _group_label(weekdays: list[int]) -> str:
    if len(weekdays) == 7:
        return "tous les jours"
    names = [DAY_NAMES[d] for d in weekdays]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} et {names[1]}"
    return f"du {names[0]} au {names[-1]}"


def _week_lines(texts: list[str]) -> list[str]:
    """One line per run of consecutive weekdays that share the same hours."""
    lines = []
    run = [0]
    for weekday in range(1, 8):
        if weekday < 7 and texts[weekday] == texts[run[0]]:
            run.append(weekday)
            continue
        lines.append(f"{_group_label(run)} : {texts[run[0]]}")
        run = [weekday]
    return lines


def _french_date(day: date) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    return f"{DAY_NAMES[day.weekday()]} {number} {MONTH_NAMES[day.month - 1]} {day.year}"


def render_fr(value: object, *, reference: date | None = None) -> list[str]:
    """French lines such as "du lundi au vendredi : 9 h – 12 h, 14 h – 17 h", "dimanche : fermé".

    Consecutive days with the same hours are grouped; public holidays get their own line ("jours fériés : fermé")
    when they differ from an ordinary day. Hours that change during the year are read out for the week of
    `reference` (today by default), under a line saying so. A blank value gives no line; an invalid one raises
    `HorairesInvalides`.
    """
    cleaned = _clean(value)
    if not cleaned:
        return []
    reference = reference or _today()
    return list(_render(cleaned, reference - timedelta(days=reference.weekday())))


@lru_cache(maxsize=4096)
def _render(value: str, monday: date) -> tuple[str, ...]:
    parsed = _parse(value)
    days = SCAN_WEEKS * 7
    schedules = _schedules(parsed, monday, days)
    holidays = _holidays(monday, days)
    ordinary: list[set[DaySchedule]] = [set() for _ in range(7)]
    on_holidays: set[DaySchedule] = set()
    holiday_differs = False
    for index, schedule in enumerate(schedules):
        day = monday + timedelta(days=index)
        if day in holidays:
            on_holidays.add(schedule)
        else:
            ordinary[day.weekday()].add(schedule)
    regular = all(len(found) == 1 for found in ordinary)
    if regular:
        week = [next(iter(found)) for found in ordinary]
        holiday_differs = any(
            schedules[(day - monday).days] != week[day.weekday()] for day in holidays if monday <= day
        )
        lines = _week_lines([_day_text(schedule) for schedule in _carry_overnight(week, wrap=True)])
        if holiday_differs:
            text = _day_text(next(iter(on_holidays))) if len(on_holidays) == 1 else "horaires particuliers"
            lines.append(f"jours fériés : {text}")
        return tuple(lines)
    # Seasonal or irregular hours: read out the current week, holidays marked.
    week_days = [monday + timedelta(days=i) for i in range(7)]
    texts = []
    for day, schedule in zip(week_days, _carry_overnight(schedules[:7], wrap=False), strict=True):
        text = _day_text(schedule)
        texts.append(f"{text} (jour férié)" if day in holidays else text)
    return (
        f"horaires variables selon la période ; semaine du {_french_date(monday)} :",
        *_week_lines(texts),
    )


# --- Building a string from a weekly grid (used by the form widget) -------------------------------------------


def _osm_time(value: time | None, *, end: bool) -> str:
    if value is None:
        return ""
    if end and value == time(0, 0):
        return "24:00"
    return f"{value.hour:02d}:{value.minute:02d}"


def _day_selector(weekdays: list[int]) -> str:
    parts = []
    run = [weekdays[0]]
    for weekday in weekdays[1:] + [None]:
        if weekday is not None and weekday == run[-1] + 1:
            run.append(weekday)
            continue
        if len(run) >= 3:
            parts.append(f"{OSM_DAYS[run[0]]}-{OSM_DAYS[run[-1]]}")
        else:
            parts.extend(OSM_DAYS[d] for d in run)
        if weekday is not None:
            run = [weekday]
    return ",".join(parts)


def weekly_string(week: dict[int, list[tuple[time, time]]], *, closed_on_holidays: bool = False) -> str:
    """An OSM string from per-weekday ranges (0 = Monday; an end at 00:00 means midnight).

    Ranges must already be checked (start before end, no overlap): the form field does that with French errors.
    """
    by_hours: dict[str, list[int]] = {}
    for weekday in range(7):
        ranges = sorted(week.get(weekday) or [])
        if not ranges:
            continue
        hours = ",".join(f"{_osm_time(a, end=False)}-{_osm_time(b, end=True)}" for a, b in ranges)
        by_hours.setdefault(hours, []).append(weekday)
    rules = [f"{_day_selector(days)} {hours}" for hours, days in sorted(by_hours.items(), key=lambda kv: kv[1][0])]
    if rules and closed_on_holidays:
        rules.append("PH off")
    return validate("; ".join(rules))


def weekly_ranges(value: object) -> tuple[dict[int, list[tuple[time, time]]], bool] | None:
    """The weekly grid that `weekly_string` would turn back into `value`, or None if the grid cannot say it."""
    try:
        normalised = validate(value)
    except HorairesInvalides:
        return None
    if not normalised:
        return {}, False
    rules = [rule.strip() for rule in normalised.split(";")]
    closed_on_holidays = rules[-1] in {"PH off", "PH closed"}
    if closed_on_holidays:
        rules = rules[:-1]
    week: dict[int, list[tuple[time, time]]] = {}
    pattern = re.compile(r"^([A-Z][a-z](?:[-,][A-Z][a-z])*)(?: ((?:\d\d:\d\d-\d\d:\d\d,?){1,2}))?$")
    for rule in rules:
        # A rule without times means the whole day; the normaliser writes a whole week as "24/7".
        match = pattern.match("Mo-Su" if rule == "24/7" else rule)
        if not match:
            return None
        weekdays = _expand_days(match.group(1))
        if weekdays is None:
            return None
        ranges = []
        for span in (match.group(2) or "00:00-24:00").rstrip(",").split(","):
            a, b = span.split("-")
            start, end = _grid_time(a), _grid_time(b)
            if start is None or end is None:
                return None
            ranges.append((start, end))
        for weekday in weekdays:
            if weekday in week:
                return None
            week[weekday] = ranges
    try:
        rebuilt = weekly_string(week, closed_on_holidays=closed_on_holidays)
    except HorairesInvalides:
        return None
    return (week, closed_on_holidays) if rebuilt == normalised else None


def _grid_time(text: str) -> time | None:
    hours, minutes = int(text[:2]), int(text[3:])
    if (hours, minutes) == (24, 0):
        return time(0, 0)
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _expand_days(selector: str) -> list[int] | None:
    weekdays: list[int] = []
    for part in selector.split(","):
        names = part.split("-")
        if any(name not in OSM_DAYS for name in names) or len(names) > 2:
            return None
        first, last = OSM_DAYS.index(names[0]), OSM_DAYS.index(names[-1])
        if last < first:
            return None
        weekdays.extend(range(first, last + 1))
    return weekdays
