"""What people type to book without an account: phones and e-mails (property-based where it pays)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnfs.activite.ateliers.contact import clean_contact, clean_email, clean_telephone
from cnfs.core.errors import DomainError

SEPARATORS = st.sampled_from(["", " ", ".", "-"])


@given(first=st.integers(1, 9), rest=st.lists(st.integers(0, 9), min_size=8, max_size=8), sep=SEPARATORS)
def test_any_french_ten_digit_number_is_stored_in_e164(first, rest, sep):
    digits = [0, first, *rest]
    pairs = ["".join(map(str, digits[i : i + 2])) for i in range(0, 10, 2)]
    typed = sep.join(pairs)
    assert clean_telephone(typed) == "+33" + "".join(map(str, digits[1:]))
    # Same number written internationally.
    assert clean_telephone("+33 " + typed[1:]) == clean_telephone(typed)


@given(st.text(max_size=30))
def test_telephone_never_crashes_and_returns_e164_or_refuses_in_french(text):
    try:
        value = clean_telephone(text)
    except DomainError as error:
        assert error.field == "telephone" and "invalide" in error.message
    else:
        assert value == "" or (value.startswith("+") and value[1:].isdigit())


@pytest.mark.parametrize("typed", ["0012", "06 12 34", "+33 6 12 34 56 78 90", "06-12-34-56-7a", "+1 212 555 0100"])
def test_bad_phones_are_refused(typed):
    with pytest.raises(DomainError, match="invalide"):
        clean_telephone(typed)


def test_email_domain_is_lowered_and_bad_addresses_refused():
    assert clean_email(" Camille.Martin@Exemple.FR ") == "Camille.Martin@exemple.fr"
    for typed in ["camille", "camille@", "@exemple.fr", "camille@exemple"]:
        with pytest.raises(DomainError, match="invalide"):
            clean_email(typed)


def test_contact_needs_a_name_a_way_to_reach_and_consent():
    assert clean_contact(nom="  Camille   Martin ", email="", telephone="0612345678", consentement=True) == (
        "Camille Martin",
        "",
        "+33612345678",
    )
    with pytest.raises(DomainError) as caught:
        clean_contact(nom="Camille", email="c@exemple.fr", telephone="", consentement="on")
    assert caught.value.field == "consentement"
