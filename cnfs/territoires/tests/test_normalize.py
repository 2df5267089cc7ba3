import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnfs.territoires.normalize import name_keys, normalize_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("SAINT ETIENNE", "saint etienne"),
        ("st etienne", "saint etienne"),
        ("Ste-Foy-lès-Lyon", "sainte foy les lyon"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("L’Île-d’Yeu", "l ile d yeu"),
        ("Œuilly", "oeuilly"),
        ("  Pointe-à-Pitre  ", "pointe a pitre"),
        ("%%%", ""),
        ("😀", ""),
        ("'; DROP TABLE x; --", "drop table x"),
    ],
)
def test_normalize_name(text, expected):
    assert normalize_name(text) == expected


def test_name_keys_start_at_each_meaningful_word():
    assert name_keys("saint etienne du rouvray") == ["etienne du rouvray", "rouvray"]
    assert name_keys("l hay les roses") == ["hay les roses", "roses"]
    assert name_keys("lyon") == []


@settings(max_examples=50)
@given(st.text(max_size=200))
def test_normalize_name_is_idempotent_and_plain(text):
    normalized = normalize_name(text)
    assert normalize_name(normalized) == normalized
    assert set(normalized) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
