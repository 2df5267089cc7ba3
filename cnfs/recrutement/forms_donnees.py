"""Forms of the recruitment's file pages (imports) and of the global suggestion."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.recrutement.importers.common import ALL_OR_NOTHING, MODES


class ImportForm(DsfrBaseForm):
    fichier = forms.FileField(label="Fichier CSV", help_text="Encodage et séparateur détectés, 20 Mo maximum.")
    mode = forms.ChoiceField(
        label="Si des lignes sont rejetées",
        choices=[(k, v.capitalize()) for k, v in MODES.items()],
        initial=ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    dry_run = forms.BooleanField(label="Simuler seulement (ne rien enregistrer)", required=False)


NATION = "france"


class TerritoryForm(DsfrBaseForm):
    """The territory of the global suggestion, among those the user covers."""

    territoire = forms.ChoiceField(label="Territoire")

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = choices
