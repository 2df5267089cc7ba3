"""Money helpers: French formatting and parsing, exact splitting (property-based), pro-rata of months."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnfs.financement.money import add_months, euros, months_used, parse_euros, prorata_freed, split_amount


def test_french_formatting():
    assert euros(4_000_000) == "40\u202f000,00\xa0€"
    assert euros(5) == "0,05\xa0€"
    assert euros(-123_456_78) == "-123\u202f456,78\xa0€"
    assert euros(None) == "—"


@pytest.mark.parametrize(
    ("text", "cents"),
    [("40 000,00", 4_000_000), ("40000.5", 4_000_050), ("1\u202f801,80\xa0€", 180_180), ("12", 1200)],
)
def test_parse_euros(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["", "douze", "1,234", "1.2.3", "--5"])
def test_parse_euros_refuses_in_french(text):
    with pytest.raises(ValueError, match="n’est pas un montant en euros"):
        parse_euros(text)


@given(st.integers(min_value=0, max_value=10**13))
def test_formatting_round_trips(cents):
    assert parse_euros(euros(cents)) == cents


@given(st.integers(min_value=0, max_value=10**13), st.integers(min_value=1, max_value=60))
def test_equal_split_always_sums_to_the_total(total, parts):
    shares = split_amount(total, parts)
    assert sum(shares) == total and len(shares) == parts
    assert max(shares) - min(shares) <= 1 and min(shares) >= 0


@given(
    st.integers(min_value=0, max_value=10**13),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=40).filter(lambda w: sum(w) > 0),
)
def test_weighted_split_always_sums_to_the_total(total, weights):
    shares = split_amount(total, len(weights), weights)
    assert sum(shares) == total and min(shares) >= 0
    weight_sum = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        assert abs(share * weight_sum - total * weight) < weight_sum  # within one cent of the exact share


def test_split_refuses_nonsense():
    with pytest.raises(ValueError):
        split_amount(100, 0)
    with pytest.raises(ValueError):
        split_amount(-1, 2)


@given(
    st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 1, 1)),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=1, max_value=60),
)
def test_months_used_is_bounded_and_monotonic(start, days, duration):
    end = start + datetime.timedelta(days=days)
    used = months_used(start, end, duration)
    assert 0 <= used <= duration
    assert months_used(start, end + datetime.timedelta(days=31), duration) >= used


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=60), st.data())
def test_prorata_never_frees_more_than_the_amount(amount, duration, data):
    used = data.draw(st.integers(min_value=-5, max_value=duration + 5))
    freed = prorata_freed(amount, duration, used)
    assert 0 <= freed <= amount
    assert prorata_freed(amount, duration, 0) == amount and prorata_freed(amount, duration, duration) == 0


def test_calendar_edges():
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert months_used(datetime.date(2025, 1, 1), datetime.date(2025, 1, 2), 24) == 1
    assert months_used(datetime.date(2025, 1, 1), datetime.date(2026, 1, 1), 24) == 12
