from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from cnfs.core.errors import DomainError
from cnfs.lieux import horaires

# A week without public holidays: Monday 10 March 2025.
MONDAY = date(2025, 3, 10)
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("value", "lines"),
    [
        (
            "Mo-Fr 09:00-12:00,14:00-17:00",
            ["du lundi au vendredi : 9 h – 12 h, 14 h – 17 h", "samedi et dimanche : fermé"],
        ),
        (
            "Tu-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
            [
                "lundi : fermé",
                "du mardi au vendredi : 9 h – 12 h, 14 h – 17 h",
                "samedi : 9 h – 12 h",
                "dimanche : fermé",
            ],
        ),
        ("Mo 14:00-16:30", ["lundi : 14 h – 16 h 30", "du mardi au dimanche : fermé"]),
        (
            "Mo,We 09:30-12:00",
            ["lundi : 9 h 30 – 12 h", "mardi : fermé", "mercredi : 9 h 30 – 12 h", "du jeudi au dimanche : fermé"],
        ),
        ("24/7", ["tous les jours : 24 h/24"]),
        ("Mo-Su 08:00-20:00", ["tous les jours : 8 h – 20 h"]),
        ("off", ["tous les jours : fermé"]),
        (
            "Mo-Fr 09:00-17:00; PH off",
            ["du lundi au vendredi : 9 h – 17 h", "samedi et dimanche : fermé", "jours fériés : fermé"],
        ),
        ("24/7; PH off", ["tous les jours : 24 h/24", "jours fériés : fermé"]),
        (
            "Mo-Fr 09:00-17:00; PH 10:00-12:00",
            ["du lundi au vendredi : 9 h – 17 h", "samedi et dimanche : fermé", "jours fériés : 10 h – 12 h"],
        ),
        (
            'Mo 10:00-12:00 "sur rendez-vous"',
            ["lundi : 10 h – 12 h (sur rendez-vous)", "du mardi au dimanche : fermé"],
        ),
        ("Mo 10:00-12:00 unknown", ["lundi : 10 h – 12 h (à confirmer)", "du mardi au dimanche : fermé"]),
        ("Fr-Sa 22:00-02:00", ["du lundi au jeudi : fermé", "vendredi et samedi : 22 h – 2 h", "dimanche : fermé"]),
        ("Mo-Fr 18:00-24:00", ["du lundi au vendredi : 18 h – minuit", "samedi et dimanche : fermé"]),
        # Spreadsheet line breaks and spaces are harmless.
        (
            "Mo-Fr  09:00-12:00\n; Sa 10:00-12:00",
            ["du lundi au vendredi : 9 h – 12 h", "samedi : 10 h – 12 h", "dimanche : fermé"],
        ),
    ],
)
def test_render_fr(value, lines):
    assert horaires.render_fr(value, reference=MONDAY) == lines


def test_holidays_without_rule_follow_the_weekday():
    # 14 July 2025 is a Monday: without a PH rule, nothing special is said.
    assert horaires.render_fr("Mo 09:00-12:00", reference=date(2025, 7, 14)) == [
        "lundi : 9 h – 12 h",
        "du mardi au dimanche : fermé",
    ]


def test_seasonal_hours_are_read_for_the_reference_week():
    value = "Jan-Jun Mo 10:00-12:00; Jul-Dec Tu 14:00-18:00"
    assert horaires.render_fr(value, reference=date(2025, 3, 12)) == [
        "horaires variables selon la période ; semaine du lundi 10 mars 2025 :",
        "lundi : 10 h – 12 h",
        "du mardi au dimanche : fermé",
    ]
    assert horaires.render_fr(value, reference=date(2025, 9, 1))[1:] == [
        "lundi : fermé",
        "mardi : 14 h – 18 h",
        "du mercredi au dimanche : fermé",
    ]


def test_seasonal_week_marks_public_holidays():
    value = "Jan-Jun Mo-Fr 10:00-12:00; Jul-Dec Mo-Fr 14:00-18:00; PH off"
    lines = horaires.render_fr(value, reference=date(2025, 7, 14))
    assert lines[0] == "horaires variables selon la période ; semaine du lundi 14 juillet 2025 :"
    assert lines[1] == "lundi : fermé (jour férié)"
    assert lines[2] == "du mardi au vendredi : 14 h – 18 h"


def test_blank_renders_nothing_and_validates_to_blank():
    assert horaires.render_fr("") == []
    assert horaires.render_fr(None) == []
    assert horaires.validate("  ") == ""
    assert horaires.validate(None) == ""


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("Mo-Fr 9:00-12:00", "Mo-Fr 09:00-12:00"),
        ("Mo-Su 00:00-24:00", "24/7"),
        ("Mo-Fr 09:00-17:00; PH off", "Mo-Fr 09:00-17:00; PH closed"),
        ("Mo-Fr 09:00-12:00,14:00-17:00 ; Sa 09:00-12:00", "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00"),
    ],
)
def test_validate_normalises(value, normalised):
    assert horaires.validate(value) == normalised
    assert horaires.validate(normalised) == normalised


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("Lu-Ve 9h-12h", "les jours s’écrivent en abrégé anglais"),
        ("Mo-Fr 9h-12h", "les heures s’écrivent sur 24 h"),
        ("Mo-Fr 25:00-26:00", "à partir du caractère 7"),
        ("ouvert tous les jours", "n’est pas compris"),
        ("Mo-Fr 09:00-", "n’est pas compris"),
        ("x" * 1001, "dépasse 1000 caractères"),
        (42, "une chaîne de caractères est attendue"),
    ],
)
def test_invalid_strings_are_refused_in_french(value, hint):
    with pytest.raises(horaires.HorairesInvalides) as excinfo:
        horaires.validate(value)
    message = excinfo.value.message
    assert message.startswith("Horaires invalides : ")
    assert hint in message
    assert "syntaxe OpenStreetMap opening_hours attendue, ex. « Mo-Fr 09:00-12:00,14:00-17:00 »" in message
    # The same error serves importers (DomainError) and forms (ValidationError).
    assert isinstance(excinfo.value, DomainError)
    assert isinstance(excinfo.value, ValidationError)
    assert excinfo.value.messages == [message]
    assert not horaires.is_valid(value)


def test_render_of_invalid_string_raises_french_error():
    with pytest.raises(horaires.HorairesInvalides):
        horaires.render_fr("Lu-Ve 9h-12h")


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (datetime(2025, 3, 10, 9, 0), True),  # Monday opening time (naive = Paris time)
        (datetime(2025, 3, 10, 8, 59), False),
        (datetime(2025, 3, 10, 12, 0), False),  # closing time is excluded
        (datetime(2025, 3, 10, 13, 0), False),  # lunch break
        (datetime(2025, 3, 10, 16, 59), True),
        (datetime(2025, 3, 15, 10, 0), True),  # Saturday morning
        (datetime(2025, 3, 15, 15, 0), False),
        (datetime(2025, 3, 16, 10, 0), False),  # Sunday
        (datetime(2025, 7, 14, 10, 0), False),  # Bastille Day: PH off
        (datetime(2025, 3, 10, 9, 30, tzinfo=ZoneInfo("UTC")), True),  # 10:30 in Paris
        (datetime(2025, 3, 10, 7, 30, tzinfo=ZoneInfo("UTC")), False),  # 8:30 in Paris
        (datetime(2025, 7, 15, 7, 30, tzinfo=ZoneInfo("UTC")), True),  # summer time: 9:30 in Paris
        (datetime(2025, 3, 10, 9, 30, tzinfo=PARIS), True),
    ],
)
def test_is_open(at, expected):
    assert horaires.is_open("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off", at) is expected


@pytest.mark.parametrize("value", ["", None, "Lu-Ve 9h-12h"])
def test_is_open_without_usable_hours_is_false(value):
    assert horaires.is_open(value, datetime(2025, 3, 10, 10, 0)) is False
    assert horaires.open_on(value, 5, reference=MONDAY) is False


@pytest.mark.parametrize(
    ("value", "weekday", "expected"),
    [
        ("Mo-Fr 09:00-17:00", 5, False),
        ("Tu-Sa 09:00-12:00", 5, True),
        ("Sa 22:00-02:00", 6, True),  # the night spills into Sunday
        ("Mo-Fr 09:00-17:00", 0, True),
        ("24/7", 6, True),
        ("Mo-Sa 09:00-12:00; PH off", 0, True),
        ("Sa 10:00-12:00 unknown", 5, False),
    ],
)
def test_open_on(value, weekday, expected):
    assert horaires.open_on(value, weekday, reference=MONDAY) is expected


def test_open_on_uses_the_coming_day():
    # Monday 14 July 2025 is a public holiday: "ouvert lundi" asked on Sunday 13 July is false.
    assert horaires.open_on("Mo-Fr 09:00-17:00; PH off", 0, reference=date(2025, 7, 13)) is False
    assert horaires.open_on("Mo-Fr 09:00-17:00; PH off", 0, reference=date(2025, 7, 15)) is True


def test_open_on_rejects_bad_weekday():
    with pytest.raises(ValueError):
        horaires.open_on("24/7", 7)


def test_weekly_string_groups_days_and_round_trips():
    nine_noon = [(time(9), time(12))]
    week = {0: nine_noon, 1: nine_noon, 2: nine_noon, 4: nine_noon, 5: [(time(14), time(0))]}
    value = horaires.weekly_string(week, closed_on_holidays=True)
    assert value == "Mo-We,Fr 09:00-12:00; Sa 14:00-24:00; PH closed"
    assert horaires.weekly_ranges(value) == (week, True)


def test_weekly_ranges_refuses_what_the_grid_cannot_say():
    assert horaires.weekly_ranges("Jan-Jun Mo 10:00-12:00") is None
    assert horaires.weekly_ranges("Mo 08:00-10:00,11:00-12:00,14:00-16:00") is None
    assert horaires.weekly_ranges('Mo 10:00-12:00 "sur rendez-vous"') is None
    assert horaires.weekly_ranges("Lu 9h") is None
    assert horaires.weekly_ranges("") == ({}, False)


def test_every_hinaura_string_validates_and_renders():
    import csv

    from cnfs.lieux.tests.conftest import HINAURA_CSV, require_reference

    path = require_reference(HINAURA_CSV)
    with path.open(encoding="utf-8") as handle:
        values = {row["horaires"] for row in csv.DictReader(handle) if row["horaires"]}
    assert len(values) > 400
    normalised = sorted(horaires.validate(value) for value in values)
    # Reading out takes ~10 ms each (a year is scanned): a fixed fifth of them is enough here.
    for value in normalised[::5]:
        assert horaires.render_fr(value, reference=MONDAY)
