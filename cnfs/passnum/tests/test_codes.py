"""Voucher codes: 75 random bits, Crockford alphabet, and a check character that catches every single
substitution and every swap of adjacent characters — proved by property over random codes and edits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnfs.passnum import codes
from cnfs.passnum.services import EncaissementRefuse, code_check

data_strings = st.text(alphabet=codes.ALPHABET, min_size=codes.DATA_LENGTH, max_size=codes.DATA_LENGTH)


def _with_check(data: str) -> str:
    return data + codes.check_char(data)


@given(data_strings)
def test_a_code_with_its_check_character_is_valid(data):
    assert codes.is_valid(_with_check(data))


@given(data_strings, st.integers(0, codes.CODE_LENGTH - 1), st.sampled_from(codes.ALPHABET))
def test_every_single_substitution_is_caught(data, position, replacement):
    code = _with_check(data)
    if code[position] == replacement:
        return
    typo = code[:position] + replacement + code[position + 1 :]
    assert not codes.is_valid(typo)


@given(data_strings, st.integers(0, codes.CODE_LENGTH - 2))
def test_every_adjacent_transposition_is_caught(data, position):
    code = _with_check(data)
    if code[position] == code[position + 1]:
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert not codes.is_valid(swapped)


def test_exhaustively_on_one_code_every_substitution_and_swap_is_caught():
    code = codes.new_code()
    for i in range(codes.CODE_LENGTH):
        for ch in codes.ALPHABET:
            if ch != code[i]:
                assert not codes.is_valid(code[:i] + ch + code[i + 1 :])
        if i + 1 < codes.CODE_LENGTH and code[i] != code[i + 1]:
            assert not codes.is_valid(code[:i] + code[i + 1] + code[i] + code[i + 2 :])


def test_new_codes_are_random_75_bits_in_the_unambiguous_alphabet():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    assert 5 * codes.DATA_LENGTH >= 64
    for code in made:
        assert len(code) == 16 and codes.is_valid(code)
        assert not set(code) & set("ILOU")
    # Every position takes many values: the code is not a counter.
    assert all(len({c[i] for c in made}) == 32 for i in range(codes.DATA_LENGTH))


def test_typed_codes_are_normalised_as_people_type_them():
    code = codes.new_code()
    printed = codes.format_code(code)
    assert printed.count("-") == 3 and len(printed) == 19
    assert codes.normalize(f"  {printed.lower()} ") == code
    assert codes.normalize("o0-il") == "00" + "11"


@pytest.mark.django_db
def test_a_mistyped_code_is_refused_without_any_database_query(django_assert_num_queries):
    code = codes.new_code()
    typo = code[:3] + ("A" if code[3] != "A" else "B") + code[4:]
    with django_assert_num_queries(0):
        with pytest.raises(EncaissementRefuse) as refused:
            code_check(typo)
        assert refused.value.resultat == "code_invalide"
        assert "clé de contrôle" in refused.value.message
        with pytest.raises(EncaissementRefuse, match="16 caractères"):
            code_check(code[:-1])
        with pytest.raises(EncaissementRefuse, match="caractère qui n’existe pas"):
            code_check(code[:-1] + "!")
        assert code_check(codes.format_code(code)) == code
