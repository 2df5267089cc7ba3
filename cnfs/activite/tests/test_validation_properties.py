"""Property tests of the count rules: a record is accepted exactly when both breakdowns sum to the participants
(1–100) and the returning participants do not exceed them; the message names the gap."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from cnfs.activite.validation import (
    AGE_NAMES,
    STATUT_NAMES,
    AccompagnementInvalide,
    Referentiel,
    clean_accompagnement,
    count_gap_message,
)

TODAY = dt.date(2026, 6, 15)
REF = Referentiel(today=TODAY, communes={"42218": "42"})
counts = st.lists(st.integers(min_value=0, max_value=40), min_size=5, max_size=5)


def _raw(participants, recurrents, ages, statuts):
    raw = {
        "date": TODAY,
        "type": "individuel",
        "canal": "domicile",
        "commune_id": "42218",
        "duree_minutes": 30,
        "participants": participants,
        "participants_recurrents": recurrents,
        "themes": ["courriel"],
    }
    raw.update(zip(AGE_NAMES, ages, strict=True))
    raw.update(zip(STATUT_NAMES, statuts, strict=True))
    return raw


@given(st.integers(min_value=-5, max_value=120), st.integers(min_value=0, max_value=120), counts, counts)
def test_counts_accepted_exactly_when_they_sum(participants, recurrents, ages, statuts):
    expected_ok = 1 <= participants <= 100 and recurrents <= participants and sum(ages) == participants == sum(statuts)
    try:
        values = clean_accompagnement(_raw(participants, recurrents, ages, statuts), conseiller_id=1, ref=REF)
    except AccompagnementInvalide as error:
        assert not expected_ok, error.errors
        fields = {f for f, _ in error.errors}
        if 1 <= participants <= 100:
            assert ("ages" in fields) == (sum(ages) != participants)
            assert ("statuts" in fields) == (sum(statuts) != participants)
    else:
        assert expected_ok
        assert sum(values[n] for n in AGE_NAMES) == values["participants"] == sum(values[n] for n in STATUT_NAMES)


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=100))
def test_gap_message_names_the_difference(total, participants):
    message = count_gap_message("âge", total, participants)
    if total == participants:
        assert message is None
    elif total < participants:
        assert message.endswith(f"il en manque {participants - total}.")
    else:
        assert message.endswith(f"il y en a {total - participants} de trop.")


@given(st.lists(st.sampled_from(["courriel", "sante", "x", "Courriel", ""]), max_size=6))
def test_topics_outside_the_list_are_always_refused(themes):
    raw = _raw(1, 0, [1, 0, 0, 0, 0], [1, 0, 0, 0, 0]) | {"themes": themes}
    valid = [t for t in themes if t]
    try:
        values = clean_accompagnement(raw, conseiller_id=1, ref=REF)
    except AccompagnementInvalide:
        assert not valid or any(t not in ("courriel", "sante") for t in valid)
    else:
        assert valid and set(values["themes"]) <= {"courriel", "sante"}
