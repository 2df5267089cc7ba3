import re

import pytest
from dsfr.forms import DsfrBaseForm

from cnfs.lieux.widgets import GRID_SIZE, HOLIDAYS_INDEX, RAW_INDEX, HorairesField


class LieuHorairesForm(DsfrBaseForm):
    horaires = HorairesField(required=False)


class RequiredForm(DsfrBaseForm):
    horaires = HorairesField()


def grid(**entries):
    """Form data: `lundi_1=("09:00", "12:00")` fills Monday's first range; `feries=True`, `osm="…"`."""
    days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    data = {f"horaires_{i}": "" for i in range(GRID_SIZE)}
    data[f"horaires_{RAW_INDEX}"] = entries.pop("osm", "")
    if entries.pop("feries", False):
        data[f"horaires_{HOLIDAYS_INDEX}"] = "on"  # an unticked checkbox is simply absent
    for key, (start, end) in entries.items():
        day, slot = key.split("_")
        index = days.index(day) * 4 + (int(slot) - 1) * 2
        data[f"horaires_{index}"], data[f"horaires_{index + 1}"] = start, end
    return data


def test_grid_produces_grouped_osm_string():
    form = LieuHorairesForm(
        grid(
            lundi_1=("09:00", "12:00"),
            lundi_2=("14:00", "17:00"),
            mardi_1=("09:00", "12:00"),
            mardi_2=("14:00", "17:00"),
            mercredi_1=("09:00", "12:00"),
            mercredi_2=("14:00", "17:00"),
            jeudi_1=("09:00", "12:00"),
            jeudi_2=("14:00", "17:00"),
            vendredi_2=("14:00", "17:00"),
            vendredi_1=("09:00", "12:00"),
            samedi_1=("09:30", "12:00"),
            feries=True,
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:30-12:00; PH closed"


def test_ranges_entered_in_any_order_and_midnight_closing():
    form = LieuHorairesForm(
        grid(vendredi_1=("20:00", "00:00"), lundi_2=("08:00", "10:00"), lundi_1=("14:00", "16:00"))
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == "Mo 08:00-10:00,14:00-16:00; Fr 20:00-24:00"


def test_empty_grid_is_no_hours_unless_required():
    form = LieuHorairesForm(grid())
    assert form.is_valid()
    assert form.cleaned_data["horaires"] == ""
    form = RequiredForm(grid())
    assert not form.is_valid()
    assert form.errors["horaires"] == ["Indiquez au moins une plage horaire ou des horaires au format OpenStreetMap."]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"lundi_1": ("09:00", "")}, "Lundi, 1re plage : indiquez l’heure d’ouverture et l’heure de fermeture."),
        ({"mardi_2": ("", "12:00")}, "Mardi, 2e plage : indiquez l’heure d’ouverture et l’heure de fermeture."),
        ({"jeudi_1": ("12:00", "09:00")}, "Jeudi, 1re plage : l’heure de fermeture doit être après l’heure d’ouv"),
        ({"jeudi_1": ("12:00", "12:00")}, "Jeudi, 1re plage : l’heure de fermeture doit être après l’heure d’ouv"),
        ({"samedi_1": ("09:00", "13:00"), "samedi_2": ("12:00", "17:00")}, "Samedi : les deux plages se chevauchent."),
        ({"samedi_1": ("09:00", "00:00"), "samedi_2": ("12:00", "17:00")}, "Samedi : les deux plages se chevauchent."),
        ({"feries": True}, "Indiquez les horaires des jours d’ouverture avant de préciser les jours fériés."),
        ({"osm": "Lu-Ve 9h-12h"}, "Horaires invalides : « Lu-Ve 9h-12h » n’est pas compris"),
        ({"lundi_1": ("9 heures", "12:00")}, "Saisissez une heure valide."),
    ],
)
def test_incoherent_entries_get_french_errors(entries, message):
    form = LieuHorairesForm(grid(**entries))
    assert not form.is_valid()
    assert any(error.startswith(message) for error in form.errors["horaires"]), form.errors
    html = form.as_div()
    assert 'class="fr-fieldset cnfs-horaires fr-fieldset--error"' in html
    assert 'id="id_horaires-desc-error"' in html


def test_expert_string_takes_precedence_and_is_normalised():
    form = LieuHorairesForm(grid(lundi_1=("09:00", "12:00"), osm="Mo-Fr 9:00-12:00 ; PH off"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == "Mo-Fr 09:00-12:00; PH closed"


def test_rendering_is_accessible_dsfr_markup():
    html = LieuHorairesForm(initial={"horaires": "Mo-Fr 09:00-12:00,14:00-17:00; PH off"}).as_div()
    assert '<legend class="fr-fieldset__legend" id="id_horaires-legend">' in html
    assert "Horaires d’ouverture" in html
    assert html.count('<fieldset class="fr-fieldset cnfs-horaires__jour"') == 7
    for day in ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]:
        assert f">{day}</legend>" in html
    # Every input has its own label.
    input_ids = re.findall(r'<input [^>]*id="([^"]+)"', html)
    assert len(input_ids) == GRID_SIZE + 2
    for input_id in input_ids:
        assert f'<label class="fr-label" for="{input_id}">' in html
    assert html.count('class="fr-input"') == GRID_SIZE + 1
    # The value that the grid can express is shown in the grid, not in the expert box.
    assert 'name="horaires_0" value="09:00"' in html
    assert 'name="horaires_3" value="17:00"' in html
    assert 'name="horaires_28" id="id_horaires_28" checked' in html
    assert 'name="horaires_29" value=' not in html


def test_value_the_grid_cannot_express_stays_in_the_expert_box():
    value = 'Jan-Jun Mo 10:00-12:00 "sur rendez-vous"'
    html = LieuHorairesForm(initial={"horaires": value}).as_div()
    assert 'name="horaires_29" value="Jan-Jun Mo 10:00-12:00 &quot;sur rendez-vous&quot;"' in html
    assert '<details class="cnfs-horaires__expert" open>' in html
    assert 'name="horaires_0" value=' not in html


def test_unchanged_initial_is_not_a_change():
    initial = "Mo-Fr 09:00-12:00"
    weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
    form = LieuHorairesForm(grid(**{f"{d}_1": ("09:00", "12:00") for d in weekdays}), initial={"horaires": initial})
    assert form.is_valid()
    assert not form.has_changed()
