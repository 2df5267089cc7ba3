from django import forms
from dsfr.forms import DsfrBaseForm

from cnfs.lieux.maillage.selectors import (
    CANDIDATES_ALL,
    CANDIDATES_WITHOUT_PLACE,
    DEFAULT_THRESHOLD,
    LABEL_CHOICES,
    THRESHOLDS,
)

MAX_SITES = 200


class CoverageForm(DsfrBaseForm):
    """Which places count (label), and optionally a placement proposal: how many sites, which threshold."""

    label = forms.ChoiceField(label="Lieux pris en compte", choices=LABEL_CHOICES, required=False)
    sites = forms.IntegerField(
        label="Nombre de nouveaux sites à proposer",
        min_value=1,
        max_value=MAX_SITES,
        required=False,
        help_text=f"De 1 à {MAX_SITES}. Laissez vide pour ne rien proposer.",
        error_messages={
            "invalid": "Saisissez un nombre entier de sites.",
            "min_value": "Proposez au moins 1 site.",
            "max_value": f"Proposez au plus {MAX_SITES} sites.",
        },
    )
    seuil = forms.TypedChoiceField(
        label="Seuil de temps de trajet",
        choices=[(t, f"{t} minutes") for t in THRESHOLDS],
        coerce=int,
        initial=DEFAULT_THRESHOLD,
        required=False,
        empty_value=DEFAULT_THRESHOLD,
    )
    candidats = forms.ChoiceField(
        label="Communes candidates",
        choices=[
            (CANDIDATES_WITHOUT_PLACE, "Communes sans lieu (point de la mairie)"),
            (CANDIDATES_ALL, "Toutes les communes"),
        ],
        initial=CANDIDATES_WITHOUT_PLACE,
        required=False,
    )

    def clean_candidats(self):
        return self.cleaned_data.get("candidats") or CANDIDATES_WITHOUT_PLACE

    def clean_label(self):
        return self.cleaned_data.get("label") or None
