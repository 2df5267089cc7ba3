"""Bank details: IBAN check key (ISO 13616, mod 97) and BIC format, French reasons."""

from hypothesis import given
from hypothesis import strategies as st

from cnfs.passnum.tests.factories import valid_iban
from cnfs.passnum.validators import bic_error, iban_error, normalize_iban


def test_known_good_iban_and_formats():
    assert iban_error("FR76 3000 6000 0112 3456 7890 189") is None
    assert iban_error("fr7630006000011234567890189") is None
    assert iban_error("DE89 3704 0044 0532 0130 00") is None


def test_wrong_key_and_malformed_ibans_are_refused_in_french():
    assert "clé de contrôle" in iban_error("FR77 3000 6000 0112 3456 7890 189")
    assert "27 caractères" in iban_error("FR76 3000 6000 0112 3456 7890 18")
    assert "lettres et des chiffres" in iban_error("FR76 3000 6000 0112 3456 7890 18!")
    assert "ne sont pas acceptés" in iban_error("US64 SVBK US6S 3300 9673 8637")
    assert iban_error("") == "L’IBAN est obligatoire."


@given(st.integers(0, 10**11 - 1), st.integers(0, 26), st.sampled_from("0123456789"))
def test_any_single_digit_change_of_a_valid_iban_is_caught(n, position, digit):
    iban = valid_iban(n)
    assert iban_error(iban) is None
    position += 0
    if position < 4 or iban[position] == digit:
        return
    assert iban_error(iban[:position] + digit + iban[position + 1 :]) is not None


def test_bic():
    assert bic_error("AGRIFRPP") is None and bic_error("agri fr pp xxx") is None
    assert "8 ou 11" in bic_error("AGRIFR")
    assert normalize_iban(" fr76-3000 ") == "FR763000"
