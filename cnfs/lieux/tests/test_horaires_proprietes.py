"""Property-based tests of the opening-hours module and of the weekly-hours form field."""

import os
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cnfs.lieux import horaires
from cnfs.lieux.widgets import GRID_SIZE, HOLIDAYS_INDEX, RAW_INDEX, HorairesField, HorairesWidget

# HORAIRES_EXAMPLES=2000 for a longer hunt on a laptop.
SETTINGS = settings(
    max_examples=int(os.environ.get("HORAIRES_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

hhmm = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
end_hhmm = st.one_of(hhmm, st.sampled_from(["24:00", "26:00", "sunset", "dusk"]))
time_span = st.one_of(
    st.builds(lambda a, b: f"{a}-{b}", hhmm, end_hhmm),
    st.builds(lambda a: f"{a}+", hhmm),
    st.just("sunrise-sunset"),
)
times = st.lists(time_span, min_size=1, max_size=3).map(",".join)
day_range = st.one_of(
    st.sampled_from(DAYS),
    st.builds(lambda a, b: f"{a}-{b}", st.sampled_from(DAYS[:7]), st.sampled_from(DAYS[:7])),
)
days = st.lists(day_range, min_size=1, max_size=3).map(",".join)
months = st.one_of(
    st.sampled_from(MONTHS),
    st.builds(lambda a, b: f"{a}-{b}", st.sampled_from(MONTHS), st.sampled_from(MONTHS)),
)
comment = st.text(alphabet="abcdefghij éèà-", min_size=1, max_size=12).map(lambda text: f'"{text}"')
modifier = st.sampled_from(["", " off", " closed", " open", " unknown"])
rule = st.one_of(
    st.builds(
        lambda m, d, t, mod, c: " ".join(part for part in (m, d, t) if part) + mod + (f" {c}" if c else ""),
        st.one_of(st.just(""), months),
        st.one_of(st.just(""), days),
        st.one_of(st.just(""), times),
        modifier,
        st.one_of(st.just(""), comment),
    ),
    st.sampled_from(["24/7", "PH off", "week 01-53/2 Mo 10:00-12:00", "easter", "SH off"]),
)
expressions = st.builds(
    lambda first, rest: first + "".join(sep + r for sep, r in rest),
    rule,
    st.lists(st.tuples(st.sampled_from(["; ", ", ", " || "]), rule), max_size=3),
)
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31))


def _accepted(value: str) -> bool:
    value = value.strip()
    return bool(value) and horaires.is_valid(value)


@SETTINGS
@given(expressions, st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 1, 1)))
def test_rendering_never_crashes_on_accepted_strings(value, reference):
    assume(_accepted(value))
    lines = horaires.render_fr(value, reference=reference)
    assert lines and all(isinstance(line, str) and line for line in lines)
    assert all(" : " in line or line.endswith(" :") for line in lines)


@SETTINGS
@given(expressions, st.lists(moments, min_size=5, max_size=5))
def test_normalisation_keeps_the_meaning(value, instants):
    assume(_accepted(value))
    normalised = horaires.validate(value)
    assert horaires.validate(normalised) == normalised  # idempotent
    for at in instants:
        assert horaires.is_open(normalised, at) == horaires.is_open(value, at)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_either_valid_or_refused_in_french(value):
    try:
        normalised = horaires.validate(value)
    except horaires.HorairesInvalides as error:
        assert error.message.startswith("Horaires invalides : ")
        return
    assert normalised == "" or horaires.is_valid(normalised)


def _grid_data(ranges, closed_on_holidays, raw=""):
    data = {f"horaires_{i}": "" for i in range(GRID_SIZE)}
    for index, value in ranges.items():
        data[f"horaires_{index}"] = value
    if closed_on_holidays:
        data[f"horaires_{HOLIDAYS_INDEX}"] = "on"
    data[f"horaires_{RAW_INDEX}"] = raw
    return data


quarter_hours = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 5, 30, 45]))


@SETTINGS
@given(
    st.dictionaries(st.integers(0, GRID_SIZE - 1), st.one_of(quarter_hours, st.just("")), max_size=GRID_SIZE),
    st.booleans(),
)
def test_widget_output_always_validates_and_means_what_was_entered(ranges, closed_on_holidays):
    field = HorairesField(required=False)
    widget = HorairesWidget()
    data = _grid_data(ranges, closed_on_holidays)
    try:
        value = field.clean(widget.value_from_datadict(data, {}, "horaires"))
    except ValidationError as error:
        assert all(message and message[0].isupper() for message in error.messages)
        return
    assert horaires.validate(value) == value
    # Each entered range is open in its middle, on an ordinary week (10 March 2025 is a Monday).
    monday = datetime(2025, 3, 10)
    for weekday in range(7):
        for slot in range(2):
            start = ranges.get(weekday * 4 + slot * 2, "")
            end = ranges.get(weekday * 4 + slot * 2 + 1, "")
            if start and end:
                a = time.fromisoformat(start)
                b = time.fromisoformat(end)
                day = monday + timedelta(days=weekday)
                minutes_a = a.hour * 60 + a.minute
                minutes_b = (b.hour * 60 + b.minute) or 24 * 60
                middle = day + timedelta(minutes=(minutes_a + minutes_b) // 2)
                assert horaires.is_open(value, middle)
    # And the grid shows it back exactly.
    shown = _grid_data(_as_grid(widget, value), closed_on_holidays)
    assert field.clean(widget.value_from_datadict(shown, {}, "horaires")) == value


def _as_grid(widget, value):
    decompressed = widget.decompress(value)
    assert decompressed[RAW_INDEX] == ""
    return {index: item.strftime("%H:%M") for index, item in enumerate(decompressed[:GRID_SIZE]) if item is not None}
