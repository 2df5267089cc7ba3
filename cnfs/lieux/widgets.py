"""Form field and widget to enter a place's weekly opening hours; they produce a valid OSM `opening_hours` string.

Most people fill a grid (each day, up to two time ranges, plus "fermé les jours fériés"); experts may type an
OSM string instead, which then takes precedence. Existing values that the grid can express exactly are shown in
the grid; the others are shown in the expert box so that nothing is lost on saving.
"""

from __future__ import annotations

from datetime import time

from django import forms
from django.core.exceptions import ValidationError

from cnfs.lieux import horaires

RANGES_PER_DAY = 2
RANGE_NAMES = ("1re plage", "2e plage")
GRID_SIZE = 7 * RANGES_PER_DAY * 2
HOLIDAYS_INDEX = GRID_SIZE
RAW_INDEX = GRID_SIZE + 1


def _grid_index(weekday: int, slot: int, end: bool) -> int:
    return weekday * RANGES_PER_DAY * 2 + slot * 2 + int(end)


class HorairesWidget(forms.MultiWidget):
    """Seven day fieldsets of time inputs, a holidays checkbox and an expert text input (DSFR markup)."""

    template_name = "lieux/widgets/horaires.html"

    def __init__(self, attrs=None):
        time_input = {"class": "fr-input", "type": "time", "step": "300"}
        subwidgets = [forms.TimeInput(attrs=time_input, format="%H:%M") for _ in range(GRID_SIZE)]
        subwidgets.append(forms.CheckboxInput(attrs={}))
        subwidgets.append(forms.TextInput(attrs={"class": "fr-input", "spellcheck": "false", "autocomplete": "off"}))
        # A class on the outer attrs keeps django-dsfr from forcing `fr-input` onto every sub-input (checkbox too).
        super().__init__(subwidgets, attrs={"class": "cnfs-horaires", **(attrs or {})})

    def decompress(self, value):
        values: list = [None] * GRID_SIZE + [False, ""]
        if not value:
            return values
        grid = horaires.weekly_ranges(value)
        if grid is None:
            values[RAW_INDEX] = value
            return values
        week, closed_on_holidays = grid
        for weekday, ranges in week.items():
            for slot, (start, end) in enumerate(ranges):
                values[_grid_index(weekday, slot, False)] = start
                values[_grid_index(weekday, slot, True)] = end
        values[HOLIDAYS_INDEX] = closed_on_holidays
        return values

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        for widget, sub in zip(self.widgets, subwidgets, strict=True):
            # Each input keeps its own DSFR class rather than the container's.
            sub["attrs"].pop("class", None)
            if "class" in widget.attrs:
                sub["attrs"]["class"] = widget.attrs["class"]
        days = []
        for weekday, day_name in enumerate(horaires.DAY_NAMES):
            ranges = []
            for slot, slot_name in enumerate(RANGE_NAMES):
                ranges.append(
                    {
                        "name": slot_name,
                        "start": subwidgets[_grid_index(weekday, slot, False)],
                        "end": subwidgets[_grid_index(weekday, slot, True)],
                    }
                )
            days.append({"name": day_name, "ranges": ranges})
        context["widget"]["days"] = days
        context["widget"]["holidays"] = subwidgets[HOLIDAYS_INDEX]
        context["widget"]["raw"] = subwidgets[RAW_INDEX]
        context["widget"]["example"] = horaires.EXAMPLE
        return context

    def id_for_label(self, id_):
        # The field's label is the fieldset legend; the first input is Monday's opening time.
        return f"{id_}_0" if id_ else id_


class HorairesField(forms.MultiValueField):
    """Weekly opening hours entered in a grid or as an OSM string; cleans to a normalised OSM string ("" if none)."""

    widget = HorairesWidget
    template_name = "lieux/widgets/horaires_field.html"
    default_error_messages = {
        "required": "Indiquez au moins une plage horaire ou des horaires au format OpenStreetMap.",
        "incomplete": "Indiquez l’heure d’ouverture et l’heure de fermeture.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Horaires d’ouverture")
        kwargs.setdefault(
            "help_text",
            "Pour chaque jour, jusqu’à deux plages (par exemple 9:00 à 12:00 puis 14:00 à 17:00). "
            "Laissez un jour vide s’il est fermé.",
        )
        fields = [forms.TimeField(required=False) for _ in range(GRID_SIZE)]
        fields.append(forms.BooleanField(required=False))
        fields.append(forms.CharField(required=False, max_length=horaires.MAX_LENGTH))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list) -> str:
        if not data_list:
            return ""
        raw = (data_list[RAW_INDEX] or "").strip()
        if raw:
            return horaires.validate(raw)
        week: dict[int, list[tuple[time, time]]] = {}
        errors = []
        for weekday, day_name in enumerate(horaires.DAY_NAMES):
            ranges = []
            for slot, slot_name in enumerate(RANGE_NAMES):
                start = data_list[_grid_index(weekday, slot, False)]
                end = data_list[_grid_index(weekday, slot, True)]
                if start is None and end is None:
                    continue
                where = f"{day_name.capitalize()}, {slot_name}"
                if start is None or end is None:
                    errors.append(f"{where} : indiquez l’heure d’ouverture et l’heure de fermeture.")
                    continue
                # 00:00 as a closing time means midnight at the end of the day.
                if end != time(0, 0) and end <= start:
                    errors.append(f"{where} : l’heure de fermeture doit être après l’heure d’ouverture.")
                    continue
                ranges.append((start, end))
            ranges.sort()
            if len(ranges) == 2 and (ranges[0][1] == time(0, 0) or ranges[0][1] > ranges[1][0]):
                errors.append(f"{day_name.capitalize()} : les deux plages se chevauchent.")
                continue
            if ranges:
                week[weekday] = ranges
        if errors:
            raise ValidationError(errors, code="horaires_incoherents")
        if not week:
            if data_list[HOLIDAYS_INDEX]:
                raise ValidationError(
                    "Indiquez les horaires des jours d’ouverture avant de préciser les jours fériés.",
                    code="horaires_vides",
                )
            return ""
        return horaires.weekly_string(week, closed_on_holidays=bool(data_list[HOLIDAYS_INDEX]))

    def clean(self, value):
        cleaned = super().clean(value)
        if self.required and not cleaned:
            raise ValidationError(self.error_messages["required"], code="required")
        return cleaned

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != horaires.validate(initial or "")
        except ValidationError:
            return True
